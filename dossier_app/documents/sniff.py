"""Detect what a file is from its bytes, never from its name.

Staff rename files, mail programs add junk, phones save HEIC under .jpg. The
extension is ignored on purpose; the first bytes and, for containers, the names
and content types inside decide. Sniffing never raises for bad input: a file it
cannot classify is `UNKNOWN` (or `ZIP_DAMAGED`), and intake explains.
"""

from __future__ import annotations

import zipfile
import zlib
from enum import StrEnum
from pathlib import Path

import olefile

# How far into a PDF the header may sit: Acrobat accepts junk before %PDF in
# the first 1024 bytes, and so do qpdf and PDFium.
PDF_HEADER_WINDOW = 1024
# Content-type and mimetype parts are tiny; anything larger is not one of ours.
_MAX_TYPES_PART = 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    DOCM = "docm"  # macro-enabled Word (main part or vbaProject)
    XLSX = "xlsx"
    PPTX = "pptx"
    OOXML_OTHER = "ooxml"
    ODT = "odt"
    ODS = "ods"
    ODF_OTHER = "odf"
    ZIP = "zip"  # a ZIP that is no office document
    ZIP_DAMAGED = "zip-damaged"  # starts like a ZIP, central directory unreadable
    DOC = "doc"  # Word 97-2003 binary
    ENCRYPTED_OFFICE = "encrypted-office"  # OOXML inside an OLE EncryptedPackage
    OLE_OTHER = "ole"  # .xls, .ppt, .msg and other OLE files
    RTF = "rtf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    HEIC = "heic"
    EMPTY = "empty"
    UNKNOWN = "unknown"


def sniff(path: Path) -> FileKind:
    """The kind of file at `path`, judged by content. Raises OSError only if unreadable."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        return FileKind.EMPTY
    if b"%PDF-" in head[:PDF_HEADER_WINDOW]:
        return FileKind.PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path)
    return _sniff_simple(head)


def _sniff_simple(head: bytes) -> FileKind:
    if head.startswith(b"{\\rtf"):
        return FileKind.RTF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return FileKind.TIFF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return FileKind.HEIC
    return FileKind.UNKNOWN


def _sniff_zip(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as zf:
            return _classify_zip(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError, zlib.error):
        return FileKind.ZIP_DAMAGED


def _classify_zip(zf: zipfile.ZipFile) -> FileKind:
    names = {info.filename: info for info in zf.infolist()}
    if "mimetype" in names:
        return _classify_odf(_read_small(zf, names["mimetype"]))
    if "[Content_Types].xml" in names:
        types = _read_small(zf, names["[Content_Types].xml"])
        has_vba = any(name.lower().endswith("vbaproject.bin") for name in names)
        return _classify_ooxml(types, has_vba)
    return FileKind.ZIP


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.file_size > _MAX_TYPES_PART:
        return ""
    return zf.read(info).decode("utf-8", errors="replace")


def _classify_odf(mimetype: str) -> FileKind:
    if "opendocument.text" in mimetype:
        return FileKind.ODT
    if "opendocument.spreadsheet" in mimetype:
        return FileKind.ODS
    if "opendocument" in mimetype:
        return FileKind.ODF_OTHER
    return FileKind.ZIP


def _classify_ooxml(types: str, has_vba: bool) -> FileKind:
    # Substring tests on the content types are enough to classify; the package
    # normaliser later finds the real main part through _rels/.rels.
    if "ms-word.document.macroEnabled" in types or "ms-word.template.macroEnabled" in types:
        return FileKind.DOCM
    if "wordprocessingml.document.main+xml" in types or "wordprocessingml.template.main" in types:
        return FileKind.DOCM if has_vba else FileKind.DOCX
    if "spreadsheetml" in types or "ms-excel" in types:
        return FileKind.XLSX
    if "presentationml" in types or "ms-powerpoint" in types:
        return FileKind.PPTX
    return FileKind.OOXML_OTHER


def _sniff_ole(path: Path) -> FileKind:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return FileKind.ENCRYPTED_OFFICE
            if ole.exists("WordDocument"):
                return FileKind.DOC
    except Exception:  # olefile raises many different types on damaged files
        return FileKind.OLE_OTHER
    return FileKind.OLE_OTHER
