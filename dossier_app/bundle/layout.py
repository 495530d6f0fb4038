"""Shared look of the pages Tafeldossier generates: fonts, styles, Dutch number format."""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dossier_app.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#e8eef4")


@cache
def register_fonts() -> None:
    """Embed DejaVu (every Dutch character, € included) instead of the base-14 fonts."""
    folder = resources_dir() / "fonts"
    for name in (FONT, FONT_BOLD, "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic="DejaVuSans-Oblique",
                                  boldItalic="DejaVuSans-BoldOblique")


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=GREY, spaceAfter=12),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16,
                             spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=FONT_BOLD, fontSize=9, leading=12),
    }


def euro(amount: float) -> str:
    """€ 14.400,00"""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def escape(text: str) -> str:
    """Text for a reportlab Paragraph: XML-escaped, line breaks kept."""
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return safe.strip().replace("\n\n", "<br/><br/>").replace("\n", " ")
