"""Resource limits for reading documents from the wild, and how to describe them in Dutch.

Every limit exists because a hostile or broken file can otherwise cost unbounded
memory or time. The values leave room for real school documents (a 600 dpi A3 scan
is 70 megapixel, a long report a few hundred pages) and refuse what no school
sends on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # Any input file, before it is opened.
    max_file_bytes: int = 200 * MB

    # PDF
    max_pdf_pages: int = 2_000
    # One image XObject (width * height). The corpus pixel bomb is 1.2 gigapixel.
    max_pdf_image_pixels: int = 250_000_000
    # Decoded size of one non-image stream (content, form, font) and of all together.
    max_stream_bytes: int = 256 * MB
    max_total_stream_bytes: int = 1024 * MB
    # PDF itself allows 14,400 units (200 inch) per side; beyond that only /UserUnit
    # gets you. Warn above it, refuse pages no renderer can be asked to draw.
    large_page_pt: float = 14_400.0
    max_page_pt: float = 288_000.0  # 4,000 inch, about 100 m
    # Objects in one PDF (a long bundle of scans has a few tens of thousands) and the
    # depth of the page tree (qpdf's own parser stops nesting at 500).
    max_pdf_objects: int = 500_000
    # One object that is not stream data (a dictionary, an array): a page tree of 2,000
    # pages is 16 KB; a font's widths a few KB.
    max_pdf_object_bytes: int = 1 * MB
    # References ("12 0 R") in all objects together: qpdf holds about 2 KB per reference it
    # parses, so this bounds its memory (200,000: about 450 MB); a bundle of 2,000 pages has
    # a few tens of thousands.
    max_pdf_references: int = 200_000
    max_page_tree_depth: int = 64
    # Wall-clock time for one `verify` of a bundle (reading, digests, text).
    max_verify_seconds: float = 600.0

    # DOCX (ZIP)
    max_zip_entries: int = 5_000
    max_zip_uncompressed: int = 300 * MB
    max_zip_ratio: int = 200  # per entry, only checked above zip_ratio_floor
    zip_ratio_floor: int = 1 * MB

    # Photos and scans given as image files.
    max_image_pixels: int = 100_000_000
    max_image_frames: int = 500


DEFAULT_LIMITS = Limits()


def _dutch_decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def describe_pixels(pixels: int) -> str:
    """'1,2 gigapixel' / '250 megapixel': the size people know from cameras."""
    if pixels >= 1_000_000_000:
        return f"{_dutch_decimal(pixels / 1_000_000_000)} gigapixel"
    return f"{_dutch_decimal(pixels / 1_000_000)} megapixel"


def describe_bytes(size: int) -> str:
    """'300 MB' in the binary megabytes file managers show."""
    if size >= 1024 * MB:
        return f"{_dutch_decimal(size / (1024 * MB))} GB"
    return f"{_dutch_decimal(size / MB)} MB"


def describe_length_pt(points: float) -> str:
    """A page side in metres or centimetres ('12,7 m', '42 cm')."""
    metres = points / 72 * 0.0254
    if metres >= 1:
        return f"{_dutch_decimal(metres)} m"
    return f"{round(metres * 100)} cm"
