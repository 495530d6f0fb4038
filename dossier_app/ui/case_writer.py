"""Kept for the wizard's imports: the case-file writer lives in the core now
(`dossier_app.casefile_writer`), so drafts and export can use it without Qt."""

from dossier_app.casefile_writer import (
    SCHEMA,
    case_to_dict,
    case_to_toml,
    document_bestand,
    write_case_file,
)

__all__ = ["SCHEMA", "case_to_dict", "case_to_toml", "document_bestand", "write_case_file"]
