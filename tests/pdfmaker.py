"""Test PDFs with identifiers in every place a PDF can hide them.

Made with reportlab (standard and TrueType fonts), by hand with pikepdf (Identity-H,
hidden layers, marked content, annotations, attachments, JavaScript, XMP) and with
LibreOffice (subset fonts with custom encodings). All identifiers are made up.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.pdfgen import canvas

from dossier_app.anonymise.hits import Hit

ROOT = Path(__file__).resolve().parents[1]
DEJAVU = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"

VOORNAAM = "Noor"
ACHTERNAAM = "Jansen"
BSN = "123456782"
GEBOORTEDATUM = "14-03-2011"
EMAIL = "noor.jansen@example.nl"
POSTCODE = "2512 AB"

LITERALS: list[tuple[str, str]] = [
    (VOORNAAM, "naam"), (ACHTERNAAM, "naam"), (BSN, "bsn"), (GEBOORTEDATUM, "geboortedatum"),
    (EMAIL, "email"), (POSTCODE, "postcode"),
]
IDENTIFIER_WORDS = {"noor", "jansen", BSN, GEBOORTEDATUM, EMAIL, "2512", "ab", "jan", "sen",
                    "jansens", "noor.jansen@example.nl"}

_PATTERNS = [
    (re.compile(r"(?<![\w.])(?:Noor|NOOR)(?!\w)"), "naam"),
    (re.compile(r"(?<!\w)(?:Jansen|JANSEN)(?!\w)"), "naam"),
    (re.compile(r"(?<!\d)\d{9}(?!\d)"), "bsn"),
    (re.compile(r"(?<!\d)\d{2}-\d{2}-\d{4}(?!\d)"), "geboortedatum"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "email"),
    (re.compile(r"(?<!\d)[1-9]\d{3} ?AB(?!\w)"), "postcode"),
]


def finder(text: str) -> list[Hit]:
    """A simple regex Finder for the made-up child above (the real one lives elsewhere)."""
    hits = []
    for pattern, categorie in _PATTERNS:
        hits += [Hit(m.start(), m.end(), categorie, "[leerling]") for m in pattern.finditer(text)]
    return hits


def no_finder(text: str) -> list[Hit]:
    return []


_FILLER_TEXT = (
    "De school heeft in het afgelopen schooljaar meerdere gesprekken gevoerd met de "
    "ouders over het verzuim. Tijdens het multidisciplinair overleg is afgesproken dat "
    "de leerplichtambtenaar contact opneemt met de jeugdarts. Het ondersteuningsplan "
    "wordt elke zes weken geevalueerd en zo nodig bijgesteld door het zorgteam."
)
FILLER = _FILLER_TEXT.split()


def filler_lines(count: int, width: int = 12, start: int = 0) -> list[str]:
    words = FILLER * (1 + (count * width) // len(FILLER) + 1)
    return [" ".join(words[start + i * width:start + (i + 1) * width]) for i in range(count)]


# --------------------------------------------------------------------------- reportlab


def register_dejavu() -> str:
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    return "DejaVu"


def make_rich_pdf(path: Path, *, font: str = "Helvetica") -> Path:
    """Two text pages: identifiers in plain, white, tiny, covered, split, hyphenated text,
    a form XObject used on both pages, a form field, bookmarks and document info."""
    if font == "DejaVu":
        register_dejavu()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setAuthor(f"{VOORNAAM} {ACHTERNAAM}")
    c.setTitle(f"Dossier {VOORNAAM} {ACHTERNAAM}")
    c.setSubject(f"BSN {BSN}")
    c.beginForm("kop")
    c.setFont(font, 9)
    c.drawString(72, 810, f"Leerling: {VOORNAAM} {ACHTERNAAM}, geboren {GEBOORTEDATUM}")
    c.endForm()
    _page_one(c, font)
    c.showPage()
    _page_two(c, font)
    c.showPage()
    c.save()
    return path


def _page_one(c: canvas.Canvas, font: str) -> None:
    c.bookmarkPage("p1")
    c.addOutlineEntry(f"Verslag over {VOORNAAM} {ACHTERNAAM}", "p1")
    c.doForm("kop")
    c.setFont(font, 11)
    y = 770
    c.drawString(72, y, f"Verslag over {VOORNAAM} {ACHTERNAAM} (BSN {BSN}), e-mail {EMAIL}.")
    for line in filler_lines(8):
        y -= 16
        c.drawString(72, y, line)
    y -= 16
    first = "In het gesprek vertelde de mentor dat Noor Jan"
    c.drawString(72, y, first)
    c.drawString(72 + c.stringWidth(first, font, 11), y, f"sen op {POSTCODE} woont.")
    y -= 16
    c.drawString(72, y, "De leerplichtambtenaar sprak opnieuw met Noor Jan-")
    y -= 16
    c.drawString(72, y, "sen en haar ouders over de ondersteuning op school.")
    for line in filler_lines(6, start=5):
        y -= 16
        c.drawString(72, y, line)
    y -= 20
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, y, f"Onzichtbaar wit: {VOORNAAM} {ACHTERNAAM}")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 1.5)
    c.drawString(300, y, f"minuscuul {ACHTERNAAM} {BSN}")
    c.setFont(font, 11)
    y -= 24
    c.drawString(72, y, f"Onder een afbeelding: {VOORNAAM} {ACHTERNAAM}")
    c.drawInlineImage(Image.new("RGB", (40, 10), (90, 120, 160)), 60, y - 4, 260, 16)
    y -= 30
    c.drawString(72, y, "Naam in formulierveld:")
    c.acroForm.textfield(name="leerling", value=f"{VOORNAAM} {ACHTERNAAM}", x=220, y=y - 4,
                         width=200, height=18, borderWidth=0, fontSize=10,
                         fontName="Helvetica")


def _page_two(c: canvas.Canvas, font: str) -> None:
    c.bookmarkPage("p2")
    c.addOutlineEntry(f"Bijlage {ACHTERNAAM}", "p2")
    c.doForm("kop")
    c.setFont(font, 11)
    y = 770
    for i, filler in enumerate(filler_lines(20, start=3)):
        y -= 16
        line = filler
        if i == 10:
            line = f"Op {GEBOORTEDATUM} werd {VOORNAAM} {ACHTERNAAM} aangemeld bij het zorgteam."
        c.drawString(72, y, line)


# --------------------------------------------------------------------------- hidden channels


def add_hidden_channels(path: Path) -> Path:
    """Add XMP, a comment with author, a link, an attachment, JavaScript, a hidden layer
    and /ActualText marked content to page 1 of an existing PDF."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [f"{VOORNAAM} {ACHTERNAAM}"]
            meta["dc:description"] = f"Dossier van {VOORNAAM} {ACHTERNAAM}"
        page = pdf.pages[0]
        _add_annotations(pdf, page)
        pdf.attachments["verslag.txt"] = pikepdf.AttachedFileSpec(
            pdf, f"{VOORNAAM} {ACHTERNAAM} {BSN}".encode(), description=f"van {ACHTERNAAM}")
        script = pdf.make_indirect(Dictionary(
            S=Name.JavaScript, JS=pikepdf.String(f"app.alert('{VOORNAAM} {ACHTERNAAM}');")))
        pdf.Root.OpenAction = script
        names = pdf.Root.get("/Names") or Dictionary()
        names.JavaScript = Dictionary(Names=Array([pikepdf.String("hallo"), script]))
        pdf.Root.Names = names
        _add_hidden_layer_and_actualtext(pdf, page)
        pdf.save(path)
    return path


def _add_annotations(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    popup = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Popup,
                                         Rect=[300, 600, 400, 650]))
    note = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=[500, 700, 520, 720],
        Contents=pikepdf.String(f"Let op: {VOORNAAM} {ACHTERNAAM} {BSN}"),
        T=pikepdf.String(f"Mentor {ACHTERNAAM}"), Popup=popup))
    link = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[72, 760, 300, 780],
        A=Dictionary(S=Name.URI, URI=pikepdf.String(f"mailto:{EMAIL}"))))
    annots = page.obj.get("/Annots") or Array()
    annots.extend([note, popup, link])
    page.obj.Annots = annots


def _add_hidden_layer_and_actualtext(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    ocg = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String(f"Laag {ACHTERNAAM}")))
    pdf.Root.OCProperties = Dictionary(
        OCGs=Array([ocg]), D=Dictionary(Order=Array([ocg]), OFF=Array([ocg])))
    resources = page.obj.Resources
    resources.Properties = Dictionary(TdOc=ocg)
    fonts = resources.get("/Font") or Dictionary()
    fonts.TdHelv = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                              Encoding=Name.WinAnsiEncoding)
    resources.Font = fonts
    extra = (
        f"/OC /TdOc BDC BT /TdHelv 10 Tf 72 60 Td (Verborgen laag: {VOORNAAM} {ACHTERNAAM} "
        f"{BSN}) Tj ET EMC\n"
        f"/Span << /ActualText ({VOORNAAM} {ACHTERNAAM}) >> BDC BT /TdHelv 10 Tf 72 44 Td "
        f"(Zie het dossier van de leerling) Tj ET EMC\n"
    ).encode()
    page.contents_add(pdf.make_stream(extra), prepend=False)


# --------------------------------------------------------------------------- Identity-H


def make_identity_h_pdf(path: Path, lines: list[str]) -> Path:
    """A page drawn with an embedded TrueType font as CIDFontType2 / Identity-H."""
    ttf = TTFontFile(str(DEJAVU))
    used = sorted({ttf.charToGlyph.get(ord(ch), 0) for line in lines for ch in line})
    pdf = pikepdf.new()
    font = _identity_font(pdf, ttf, used)
    content = ["BT", "/F0 11 Tf", "72 780 Td", "14 TL"]
    for line in lines:
        gids = b"".join(ttf.charToGlyph.get(ord(ch), 0).to_bytes(2, "big") for ch in line)
        content.append(f"<{gids.hex()}> Tj T*")
    content.append("ET")
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = Dictionary(Font=Dictionary(F0=font))
    page.obj.Contents = pdf.make_stream("\n".join(content).encode())
    pdf.save(path)
    return path


def _identity_font(pdf: pikepdf.Pdf, ttf: TTFontFile, used: list[int]) -> Dictionary:
    font_file = pdf.make_stream(DEJAVU.read_bytes())
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/DejaVuSans"), Flags=32,
        FontBBox=[round(v) for v in ttf.bbox], ItalicAngle=0, Ascent=round(ttf.ascent),
        Descent=round(ttf.descent), CapHeight=round(ttf.capHeight), StemV=87,
        FontFile2=font_file)
    scale = 1000.0 / ttf.unitsPerEm
    widths = Array()
    for gid in used:
        widths.extend([gid, Array([round(ttf.hmetrics[gid][0] * scale)])])
    cid_font = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/DejaVuSans"),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"),
                                 Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, W=widths, CIDToGIDMap=Name.Identity)
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/DejaVuSans"),
        Encoding=Name("/Identity-H"), DescendantFonts=Array([cid_font]),
        ToUnicode=pdf.make_stream(_to_unicode(ttf, used))))


def _to_unicode(ttf: TTFontFile, used: list[int]) -> bytes:
    pairs = []
    for gid in used:
        chars = ttf.glyphToChar.get(gid) or [0xFFFD]
        pairs.append(f"<{gid:04X}> <{chars[0]:04X}>")
    body = "\n".join(f"{len(pairs[i:i + 100])} beginbfchar\n" + "\n".join(pairs[i:i + 100])
                     + "\nendbfchar" for i in range(0, len(pairs), 100))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Td-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{body}\nendcmap CMapName currentdict /CMap defineresource pop end end\n").encode()


# --------------------------------------------------------------------------- scans


def make_scan_pdf(path: Path) -> Path:
    """One image-only page (a 'scan' at 100 dpi) with the name drawn in pixels and EXIF."""
    image = Image.new("L", (827, 1169), 235)
    draw = ImageDraw.Draw(image)
    big = ImageFont.truetype(str(DEJAVU), 36)
    draw.text((100, 150), f"{VOORNAAM} {ACHTERNAAM}", font=big, fill=20)
    for i, line in enumerate(filler_lines(12, width=8)):
        draw.text((100, 260 + 40 * i), line, font=ImageFont.truetype(str(DEJAVU), 22), fill=40)
    exif = Image.Exif()
    exif[315] = f"{VOORNAAM} {ACHTERNAAM}"  # Artist
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=85, exif=exif.tobytes())
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.3, 841.9))
    jpeg = pikepdf.Stream(pdf, buf.getvalue())
    jpeg.Type, jpeg.Subtype = Name.XObject, Name.Image
    jpeg.Width, jpeg.Height, jpeg.BitsPerComponent = 827, 1169, 8
    jpeg.ColorSpace, jpeg.Filter = Name.DeviceGray, Name.DCTDecode
    page.obj.Resources = Dictionary(XObject=Dictionary(Scan=jpeg))
    page.obj.Contents = pdf.make_stream(b"q 595.3 0 0 841.9 0 0 cm /Scan Do Q")
    pdf.save(path)
    return path


# --------------------------------------------------------------------------- LibreOffice


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_libreoffice_pdf(path: Path, workdir: Path) -> Path:
    """A Writer document (names split over differently formatted runs) exported to PDF."""
    import docx

    document = docx.Document()
    document.core_properties.author = f"{VOORNAAM} {ACHTERNAAM}"
    for i, line in enumerate(filler_lines(10)):
        paragraph = document.add_paragraph(line + " ")
        if i == 3:
            paragraph.add_run("Gesprek met ")
            paragraph.add_run(VOORNAAM).bold = True
            paragraph.add_run(" " + ACHTERNAAM[:3]).italic = True
            paragraph.add_run(ACHTERNAAM[3:] + f" (BSN {BSN}), geboren {GEBOORTEDATUM}.")
        if i == 7:
            paragraph.add_run(f"Contact via {EMAIL}, ŝ ĳ ł en € tekens blijven staan.")
    source = workdir / "lo_bron.docx"
    document.save(source)
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{workdir}/lo",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    (workdir / "lo_bron.pdf").replace(path)
    return _drop_doc_checksum(path)


def _drop_doc_checksum(path: Path) -> Path:
    """LibreOffice puts a random MD5 (/DocChecksum) in the trailer; about one file in
    eight has nine digits in a row in it, which the test finder above takes for a BSN."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if "/DocChecksum" in pdf.trailer:
            del pdf.trailer["/DocChecksum"]
        pdf.save(path)
    return path


def make_text_pdf(path: Path, pages: int, *, lines: int = 45) -> Path:
    """A plain multi-page text report with the name on every page (for benchmarks)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for p in range(pages):
        c.setFont("Helvetica", 10)
        y = 800
        for i, filler in enumerate(filler_lines(lines, start=p % 7)):
            line = filler
            if i == 5:
                line = f"Verslag {p + 1}: {VOORNAAM} {ACHTERNAAM} (BSN {BSN}) sprak met de mentor."
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- spacing


def make_spaced_table_pdf(path: Path, *, font: str = "Helvetica") -> Path:
    """A register laid out with runs of spaces, leading and trailing spaces in each string
    (PDFium keeps one char for a run of spaces, so its count differs from the glyphs)."""
    if font == "DejaVu":
        register_dejavu()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 11)
    y = 780
    c.drawString(60, y, f"Leerling: {ACHTERNAAM.upper()}, {VOORNAAM[0]}.   Groep 6b    BSN   {BSN}")
    y -= 18
    c.drawString(60, y, "Week   Aanwezig   Afwezig   Reden")
    for week in range(37, 45):
        y -= 16
        reden = f"gesprek  met   {VOORNAAM}   {ACHTERNAAM}" if week % 3 == 0 else "ongeoorloofd"
        c.drawString(60, y, f"  {week}      {week % 2}          {week - 30}        {reden}   ")
    for line in filler_lines(8):
        y -= 16
        c.drawString(60, y, "   " + line.replace(" het ", "   het   ") + "  ")
    y -= 16
    c.drawString(60, y, f"{VOORNAAM}    {ACHTERNAAM}      {GEBOORTEDATUM}        einde")
    c.showPage()
    c.save()
    return path


def make_spacing_pdf(path: Path, *, font: str = "Helvetica") -> Path:
    """Text with char spacing (Tc), word spacing (Tw) and horizontal scaling (Tz), the
    name between double spaces."""
    if font == "DejaVu":
        register_dejavu()
    c = canvas.Canvas(str(path), pagesize=A4)
    text = c.beginText(60, 790)
    text.setFont(font, 11)
    name_line = f"Gesprek  met  {VOORNAAM}  {ACHTERNAAM}  (BSN {BSN})  op  {GEBOORTEDATUM}."
    for k, line in enumerate(filler_lines(24)):
        text.setCharSpace((0, 0.5, -0.2)[k % 3])
        text.setWordSpace((0, 3, 1.2)[k % 3])
        text.setHorizScale((100, 90, 110)[k % 3])
        text.textLine(name_line if k % 5 == 2 else line)
    c.drawText(text)
    c.showPage()
    c.save()
    return path


def make_kerned_pdf(path: Path) -> Path:
    """A hand-written stream: TJ kerning inside words, wide TJ gaps instead of spaces
    (PDFium adds spaces of its own), runs of spaces, and the ' and " operators."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    helv = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                      Encoding=Name.WinAnsiEncoding)
    page.obj.Resources = Dictionary(Font=Dictionary(F1=helv))
    lines = ["BT /F1 10 Tf 50 800 Td 15 TL"]
    for k, filler in enumerate(filler_lines(16, width=6)):
        words = filler.split()
        if k % 4 == 0:
            kerned = " ".join(f"({w[:2]}) -{k % 7 * 3} ({w[2:]}  ) 30" for w in words)
            lines.append(f"T* [{kerned} ({VOORNAAM}) -15 (  ) 20 ({ACHTERNAAM[:3]}) -12 "
                         f"({ACHTERNAAM[3:]}) -250 ({BSN}) -2000 (eind)] TJ")
        elif k % 4 == 1:
            gaps = " -300 ".join(f"({w})" for w in [*words, VOORNAAM, ACHTERNAAM])
            lines.append(f"T* [{gaps} -5000 ({GEBOORTEDATUM}) -300 (klaar)] TJ")
        elif k % 4 == 2:
            lines.append(f"2.5 0.3 ({filler}   {VOORNAAM}   {ACHTERNAAM}  ) \"")
        else:
            lines.append(f"0 Tw 0 Tc (  {filler}  {VOORNAAM}) '")
    lines.append("ET")
    page.obj.Contents = pdf.make_stream("\n".join(lines).encode("latin-1"))
    pdf.save(path)
    return path


def make_libreoffice_layout_pdf(path: Path, workdir: Path) -> Path:
    """A Writer document with the name in the header, footer, a footnote, a table,
    justified paragraphs, tabs and double spaces, exported to PDF."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Dossier {VOORNAAM} {ACHTERNAAM}    vertrouwelijk"
    section.footer.paragraphs[0].text = f"Leerling {ACHTERNAAM}, {VOORNAAM}\tBSN {BSN}"
    document.add_heading(f"Verslag over {VOORNAAM} {ACHTERNAAM}", 1)
    footnotes = _footnotes_part(document)
    for i, line in enumerate(filler_lines(10)):
        paragraph = document.add_paragraph(f"{line} {line}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if i % 4 == 1:
            paragraph.add_run(" Gesprek met ")
            paragraph.add_run(VOORNAAM).bold = True
            paragraph.add_run(f" {ACHTERNAAM}, geboren {GEBOORTEDATUM}.  Einde   alinea.")
            _add_footnote(footnotes, paragraph, i + 1,
                          f"Volgens de moeder van {VOORNAAM} {ACHTERNAAM} klopt dit.")
    table = document.add_table(rows=5, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(table.rows):
        values = ["Week", "Naam", "Reden"] if r == 0 else \
            [str(36 + r), f"{VOORNAAM} {ACHTERNAAM}" if r % 2 else "klasgenoot", "ziek  thuis"]
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph(f"Naam:\t\t{VOORNAAM} {ACHTERNAAM}\tKlas:\t6b")
    source = workdir / "lo_opmaak.docx"
    document.save(source)
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{workdir}/lo",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    (workdir / "lo_opmaak.pdf").replace(path)
    return _drop_doc_checksum(path)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _footnotes_part(document: object) -> object:
    """Add an (empty) footnotes part: python-docx has no API for footnotes."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    xml = (f'<w:footnotes xmlns:w="{_W}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           '<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>')
    part = XmlPart(PackURI("/word/footnotes.xml"),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                   parse_xml(xml), document.part.package)  # type: ignore[attr-defined]
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)  # type: ignore[attr-defined]
    return part


def _add_footnote(part: object, paragraph: object, number: int, text: str) -> None:
    from docx.oxml import parse_xml

    part.element.append(parse_xml(  # type: ignore[attr-defined]
        f'<w:footnote xmlns:w="{_W}" w:id="{number}"><w:p><w:r><w:rPr>'
        '<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'))
    paragraph._p.append(parse_xml(  # type: ignore[attr-defined]
        f'<w:r xmlns:w="{_W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'))
