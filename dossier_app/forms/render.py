"""Render a form definition to a blank, fillable-looking A4 Word document (python-docx).

Layout: a title, a shaded box with the routeboek text the form implements, the intro,
then numbered sections. Fields become lines to write on (tables with bottom borders,
which Word and LibreOffice draw the same way), boxes, tick boxes, signature blocks or
tables. The footer names the form and the routeboek version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from dossier_app.forms.model import Formulier, Sectie, Veld

FONT = "Arial"
SYMBOL_FONT = "Segoe UI Symbol"
CHECKBOX = "☐"
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = Cm(2.0), Cm(1.8), Cm(1.8)
TEXT_W = 17.0  # cm between the margins
LINE_H = Cm(0.8)
LABEL_W = 5.5  # cm, label column of one-line fields
DARK = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
LINE_COLOR = "7F7F7F"
BOX_COLOR = "A6A6A6"
SHADE_INFO = "E8EEF7"
SHADE_NOTE = "FFF4D6"
SHADE_HEAD = "D9E2F3"
SHADE_GROUP = "EDF1F8"


# --- low-level helpers -------------------------------------------------------------------

def _set_fonts(rpr, name: str) -> None:
    """Set every script's font and drop theme fonts, which would otherwise win."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), name)


def _border(kind: str = "single", size: int = 4, color: str = LINE_COLOR) -> dict[str, str]:
    return {"val": kind, "sz": str(size), "space": "0", "color": color}


NONE = {"val": "nil"}


def _cell_borders(cell: _Cell, **edges: dict[str, str]) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.append(borders)
    for edge in ("top", "left", "bottom", "right"):
        spec = edges.get(edge)
        if spec is None:
            continue
        el = borders.find(qn(f"w:{edge}"))
        if el is None:
            el = OxmlElement(f"w:{edge}")
            borders.append(el)
        for key, value in spec.items():
            el.set(qn(f"w:{key}"), value)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _row_height(row: _Row, height, *, exact: bool = False) -> None:
    row.height = height
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.append(OxmlElement("w:cantSplit"))


def _header_row(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _table(doc: DocxDocument, rows: int, widths_cm: Iterable[float], *, pad_x: float = 0.1) -> Table:
    widths = list(widths_cm)
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths) * 567)))
    width.set(qn("w:type"), "dxa")
    old = tblpr.find(qn("w:tblW"))
    if old is not None:
        tblpr.remove(old)
    tblpr.append(width)
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("left", pad_x), ("right", pad_x), ("top", 0.03), ("bottom", 0.03)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(value * 567)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float = 10, color=None,
               align=None, italic: bool = False) -> Paragraph:
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.space_before = Pt(0)
    if align is not None:
        para.alignment = align
    if text:
        run = para.add_run(text)
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    return para


def _keep_rows_together(table: Table) -> None:
    """Keep a small table on one page: every paragraph but the last row's keeps with next."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True


def _para(doc: DocxDocument, text: str = "", *, bold: bool = False, size: float | None = None,
          color=None, italic: bool = False, keep: bool = False, after: float = 4,
          before: float = 0, style: str | None = None) -> Paragraph:
    para = doc.add_paragraph(style=style)
    fmt = para.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.keep_with_next = keep
    if text:
        run = para.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    return para


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; single newlines inside a paragraph are spaces."""
    return [" ".join(block.split()) for block in text.strip().split("\n\n") if block.strip()]


def _field(para: Paragraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    para._p.append(fld)


# --- document setup ------------------------------------------------------------------------

def _setup(doc: DocxDocument, form: Formulier, versie: str) -> None:
    _page_and_styles(doc)
    _properties(doc, form)
    _header_footer(doc, form, versie)


def _page_and_styles(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Cm(0.9)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    _set_fonts(normal.element.get_or_add_rPr(), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, FONT)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "nl-NL")
    lang.set(qn("w:eastAsia"), "nl-NL")
    for name, size, before, after in (("Title", 18, 0, 6), ("Heading 1", 13, 14, 4)):
        style = styles[name]
        _set_fonts(style.element.get_or_add_rPr(), FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = DARK
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
    title_ppr = styles["Title"].element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:
        title_ppr.remove(border)


def _properties(doc: DocxDocument, form: Formulier) -> None:
    props = doc.core_properties
    props.title = form.titel
    props.subject = f"Formulier {form.naam}"
    props.author = props.last_modified_by = "Tafeldossier"
    props.comments = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = datetime.now().replace(microsecond=0)


def _header_footer(doc: DocxDocument, form: Formulier, versie: str) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run("Vertrouwelijk")
    run.font.size, run.font.color.rgb = Pt(8), GREY

    footer = section.footer.paragraphs[0]
    tabs = footer.paragraph_format.tab_stops
    for pos in (4680, 9360):  # the Footer style's Letter-size stops would catch the tab first
        tabs.add_tab_stop(Twips(pos), WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(TEXT_W), WD_TAB_ALIGNMENT.RIGHT)
    run = footer.add_run(f"Tafeldossier – formulier {form.naam}, versie {versie}\tpagina ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "PAGE")
    run = footer.add_run(" van ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "NUMPAGES")
    for fld in footer._p.findall(qn("w:fldSimple")):
        rpr = OxmlElement("w:rPr")
        color = OxmlElement("w:color")
        color.set(qn("w:val"), str(GREY))
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "16")
        rpr.extend([color, size])
        fld.find(qn("w:r")).insert(0, rpr)


# --- blocks ---------------------------------------------------------------------------------

def _info_box(doc: DocxDocument, kop: str, paragraphs: list[tuple[str, str]], fill: str) -> None:
    """A one-cell shaded box. `paragraphs` holds (style, text): style 'q' quote, 's' small."""
    table = _table(doc, 1, [TEXT_W], pad_x=0.25)
    cell = table.cell(0, 0)
    _shade(cell, fill)
    edge = _border(size=4, color=BOX_COLOR)
    _cell_borders(cell, top=edge, left=edge, bottom=edge, right=edge)
    first = _cell_text(cell, kop, bold=True, size=10, color=DARK)
    first.paragraph_format.space_before = Pt(3)
    first.paragraph_format.space_after = Pt(2)
    for kind, text in paragraphs:
        para = cell.add_paragraph()
        para.paragraph_format.space_after = Pt(3)
        run = para.add_run(text)
        run.font.size = Pt(8.5 if kind == "s" else 9.5)
        run.italic = kind == "q"
        if kind == "s":
            run.font.color.rgb = GREY
    _keep_rows_together(table)
    _para(doc, after=2)


def _label(doc: DocxDocument, veld: Veld, extra: str = "") -> None:
    if veld.label:
        para = _para(doc, veld.label, bold=True, keep=True, after=1, before=6)
        if extra:
            run = para.add_run(f"  {extra}")
            run.font.size, run.font.color.rgb = Pt(8.5), GREY
    if veld.hulp:
        _para(doc, veld.hulp, size=8.5, color=GREY, keep=True, after=2)


def _lines(doc: DocxDocument, count: int) -> None:
    table = _table(doc, count, [TEXT_W], pad_x=0)
    line = _border(color=LINE_COLOR)
    for row in table.rows:
        _row_height(row, LINE_H, exact=True)
        _cell_borders(row.cells[0], top=NONE, left=NONE, right=NONE, bottom=line)
        _cell_text(row.cells[0], "")
    if count <= 8:
        _keep_rows_together(table)


def _box(doc: DocxDocument, count: int) -> None:
    table = _table(doc, 1, [TEXT_W])
    _row_height(table.rows[0], Cm(0.8 * count))
    edge = _border(color=BOX_COLOR)
    _cell_borders(table.cell(0, 0), top=edge, left=edge, bottom=edge, right=edge)
    _cell_text(table.cell(0, 0), "")


def _short_fields(doc: DocxDocument, velden: list[Veld]) -> None:
    """One-line fields (regel, datum) as a two-column table: label | line."""
    table = _table(doc, len(velden), [LABEL_W, TEXT_W - LABEL_W], pad_x=0.05)
    line = _border(color=LINE_COLOR)
    for row, veld in zip(table.rows, velden, strict=True):
        _row_height(row, Cm(1.0))
        label_cell, value_cell = row.cells
        label_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        _cell_borders(label_cell, top=NONE, left=NONE, right=NONE, bottom=NONE)
        _cell_borders(value_cell, top=NONE, left=NONE, right=NONE, bottom=line)
        _cell_text(label_cell, veld.label, bold=True)
        if veld.hulp:
            para = label_cell.add_paragraph()
            para.paragraph_format.space_after = Pt(1)
            run = para.add_run(veld.hulp)
            run.font.size, run.font.color.rgb = Pt(8), GREY
        hint = "dag - maand - jaar" if veld.soort == "datum" else ""
        _cell_text(value_cell, hint, size=7.5, color=GREY, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _keep_rows_together(table)
    _para(doc, after=0).paragraph_format.line_spacing = Pt(4)


def _choice(doc: DocxDocument, veld: Veld) -> None:
    hint = ("(kruis aan wat van toepassing is)" if veld.meerdere else "(kruis één antwoord aan)"
            if len(veld.opties) > 1 else "(kruis aan)")
    _label(doc, veld, hint)
    for i, optie in enumerate(veld.opties):
        para = _para(doc, keep=i < len(veld.opties) - 1, after=2)
        fmt = para.paragraph_format
        fmt.left_indent = Cm(0.9)
        fmt.first_line_indent = Cm(-0.6)
        fmt.tab_stops.add_tab_stop(Cm(0.9))
        box = para.add_run(CHECKBOX)
        box.font.size = Pt(12)
        _set_fonts(box._r.get_or_add_rPr(), SYMBOL_FONT)
        para.add_run("\t" + optie)


def _signatures(doc: DocxDocument, veld: Veld) -> None:
    _label(doc, veld)
    if not veld.label:
        _para(doc, after=0).paragraph_format.line_spacing = Pt(6)
    first_w = 4.0
    widths = [first_w] + [(TEXT_W - first_w) / len(veld.wie)] * len(veld.wie)
    rijen = [*veld.gegevens, "Datum", "Handtekening"]
    table = _table(doc, 1 + len(rijen), widths)
    edge = _border(color=BOX_COLOR)
    for row in table.rows:
        for cell in row.cells:
            _cell_borders(cell, top=edge, left=edge, bottom=edge, right=edge)
    head = table.rows[0]
    _row_height(head, Cm(0.7))
    _cell_text(head.cells[0], "")
    for cell, wie in zip(head.cells[1:], veld.wie, strict=True):
        _shade(cell, SHADE_HEAD)
        _cell_text(cell, wie, bold=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    head.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for row, naam in zip(table.rows[1:], rijen, strict=True):
        tall = naam == "Handtekening"
        _row_height(row, Cm(1.7 if tall else 0.85))
        _cell_text(row.cells[0], naam, bold=True, size=9)
        row.cells[0].vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if tall
                                           else WD_CELL_VERTICAL_ALIGNMENT.CENTER)
        for cell in row.cells[1:]:
            _cell_text(cell, "dag - maand - jaar" if naam == "Datum" else "", size=7.5, color=GREY,
                       align=WD_ALIGN_PARAGRAPH.RIGHT)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    _keep_rows_together(table)
    _para(doc, after=2)


def _grid_table(doc: DocxDocument, veld: Veld) -> None:
    _label(doc, veld)
    n = len(veld.kolommen)
    widths = list(veld.breedtes) or [TEXT_W / n] * n
    scale = TEXT_W / sum(widths)
    widths = [w * scale for w in widths]
    rows = 1 + veld.regels + sum(1 + g.regels + (1 if g.subtotaal else 0) for g in veld.groepen)
    rows += 1 if veld.totaal else 0
    table = _table(doc, rows, widths)
    edge = _border(color=BOX_COLOR)
    for row in table.rows:
        for cell in row.cells:
            _cell_borders(cell, top=edge, left=edge, bottom=edge, right=edge)
    last_col = n - 1
    amounts = bool(veld.totaal or any(g.subtotaal for g in veld.groepen))  # last column: amounts
    head = table.rows[0]
    _header_row(head)
    _row_height(head, Cm(0.75))
    for i, (cell, kolom) in enumerate(zip(head.cells, veld.kolommen, strict=True)):
        _shade(cell, SHADE_HEAD)
        _cell_text(cell, kolom, bold=True, size=9,
                   align=WD_ALIGN_PARAGRAPH.RIGHT if i == last_col and amounts else None)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    r = 1

    def empty(count: int) -> None:
        nonlocal r
        for _ in range(count):
            _row_height(table.rows[r], Cm(0.8))
            r += 1

    def merged(text: str, fill: str | None, *, label_only: bool, align=None, thick: bool = False) -> None:
        nonlocal r
        row = table.rows[r]
        _row_height(row, Cm(0.75))
        span_to = last_col - 1 if label_only and n > 1 else last_col
        cell = row.cells[0].merge(row.cells[span_to]) if span_to > 0 else row.cells[0]
        if fill:
            _shade(cell, fill)
        _cell_text(cell, text, bold=True, size=9, align=align)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if thick:
            for c in (cell, row.cells[last_col]):
                _cell_borders(c, top=_border("double", 6, "404040"))
        if label_only and n > 1:
            _cell_text(row.cells[last_col], "€", size=9, color=GREY)
            row.cells[last_col].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        r += 1

    empty(veld.regels)
    for groep in veld.groepen:
        merged(groep.kop, SHADE_GROUP, label_only=False)
        empty(groep.regels)
        if groep.subtotaal:
            merged(groep.subtotaal, None, label_only=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if veld.totaal:
        merged(veld.totaal, SHADE_HEAD, label_only=True, align=WD_ALIGN_PARAGRAPH.RIGHT, thick=True)
    _para(doc, after=2)


def _note(doc: DocxDocument, veld: Veld) -> None:
    table = _table(doc, 1, [TEXT_W], pad_x=0.25)
    cell = table.cell(0, 0)
    _shade(cell, SHADE_NOTE)
    edge = _border(color="E0C068")
    _cell_borders(cell, top=edge, left=edge, bottom=edge, right=edge)
    para = _cell_text(cell, "")
    para.paragraph_format.space_before = Pt(2)
    para.paragraph_format.space_after = Pt(2)
    lead = para.add_run("Let op: ")
    lead.bold = True
    lead.font.size = Pt(9.5)
    body = para.add_run(" ".join(veld.tekst.split()))
    body.font.size = Pt(9.5)
    _para(doc, after=2)


def _section(doc: DocxDocument, number: int, sectie: Sectie) -> None:
    heading = doc.add_paragraph(f"{number}. {sectie.kop}", style="Heading 1")
    heading.paragraph_format.page_break_before = sectie.nieuwe_pagina
    for text in _paragraphs(sectie.uitleg):
        _para(doc, text, keep=True, after=4)
    pending: list[Veld] = []
    for veld in [*sectie.velden, None]:
        if veld is not None and veld.soort in ("regel", "datum"):
            pending.append(veld)
            continue
        if pending:
            _short_fields(doc, pending)
            pending = []
        if veld is None:
            break
        if veld.soort == "tekst":
            _label(doc, veld)
            (_box if veld.vorm == "vak" else _lines)(doc, veld.regels)
        elif veld.soort == "keuze":
            _choice(doc, veld)
        elif veld.soort == "handtekening":
            _signatures(doc, veld)
        elif veld.soort == "tabel":
            _grid_table(doc, veld)
        elif veld.soort == "let-op":
            _note(doc, veld)


def render_form(form: Formulier, versie: str) -> DocxDocument:
    """The blank form as a python-docx Document (not yet saved)."""
    doc = Document()
    _setup(doc, form, versie)
    doc.add_paragraph(form.titel, style="Title")
    quotes: list[tuple[str, str]] = []
    for bron in form.bronnen:
        quotes += [("q", f"“{text}”") for text in _paragraphs(bron.tekst)]
        quotes.append(("s", f"Bron: {bron.bron}"))
    _info_box(doc, "Wat het routeboek vraagt", quotes, SHADE_INFO)
    for text in _paragraphs(form.intro):
        _para(doc, text, after=5)
    for number, sectie in enumerate(form.secties, start=1):
        _section(doc, number, sectie)
    return doc
