"""Tafeldossier: dossiers for the tafels of the Routeboek verzuim en thuiszitters."""

from importlib import metadata

try:
    __version__ = metadata.version("tafeldossier")
except metadata.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+bron"
