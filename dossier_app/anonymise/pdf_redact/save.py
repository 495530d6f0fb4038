"""Step 6, save: sanitise the hidden channels and write the file with a full rewrite."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf

from dossier_app.anonymise.pdf_redact.context import Context, log
from dossier_app.documents import sanitise


def sanitise_and_save(ctx: Context, dst: Path) -> None:
    pdf = ctx.pdf
    for m in sanitise.sanitise_pdf(pdf, bestand=ctx.bestand):
        ctx.melding(m.code, m.tekst, m.niveau)
    try:
        pdf.remove_unreferenced_resources()
    except pikepdf.PdfError:
        log.warning("ongebruikte bronnen konden niet worden opgeruimd")
    tmp = dst.with_name(dst.name + ".tmp")
    pdf.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             stream_decode_level=pikepdf.StreamDecodeLevel.generalized, deterministic_id=True,
             linearize=False, fix_metadata_version=False)
    os.replace(tmp, dst)
