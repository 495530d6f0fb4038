"""Generate test DOCX files: python-docx for the body, raw XML for what it cannot make.

`make_identifier_docx` hides the identifiers of a fictional pupil in every channel a
Word file has. `make_report_docx` writes a realistic multi-page report for benchmarks.
The names are invented; they are only used in tests.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm, Pt, RGBColor
from PIL import Image

LEERLING = "Femke Hoogendijk"
MOEDER = "Ingrid Hoogendijk"
BSN = "123456782"
GEBOORTEDATUM = "14-03-2012"
EMAIL = "femke.hoogendijk@voorbeeld.nl"
AUTEUR = "J. Pietersma"
SCHOOL = "Basisschool De Regenboog"
DELETED_WORD = "Geheimwoord"  # appears only inside a tracked deletion
# Lower-case fragments that must never survive anonymisation, in any part or the PDF.
FORBIDDEN = ["femke", "hoogendijk", "ingrid", BSN, GEBOORTEDATUM, "pietersma", "regenboog",
             DELETED_WORD.lower()]

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')

FILLER = [
    "De leerling is sinds de herfstvakantie regelmatig afwezig geweest zonder geldige reden.",
    "In overleg met de leerplichtambtenaar is besloten een gesprek met de ouders te plannen.",
    "Tijdens het gesprek gaven de ouders aan dat er thuis spanningen zijn rond het slapen.",
    "De mentor heeft wekelijks contact gehad en een plan van aanpak opgesteld met doelen.",
    "Het zorgteam adviseert een aanmelding bij de tafel voor verdere afstemming van hulp.",
]
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
       b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
       b'<dc:creator>Femke Hoogendijk</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (120, 80), (200, 120, 40))
    exif = Image.Exif()
    exif[0x013B] = LEERLING  # Artist
    exif[0x010E] = f"Foto van {LEERLING}"  # ImageDescription
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"Femke Hoogendijk", xmp=XMP)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", LEERLING)
    info.add_itxt("Description", f"Tekening door {LEERLING}")
    out = io.BytesIO()
    Image.new("RGB", (60, 60), (20, 90, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _add_split_name_paragraph(doc: Document) -> None:
    """The pupil's name over three runs with different formatting."""
    p = doc.add_paragraph()
    p.add_run("Gesprek met ").italic = True
    p.add_run("Fem").bold = True
    p.add_run("ke Hoog").underline = True
    last = p.add_run("endijk")
    last.bold = last.italic = True
    tail = p.add_run(" over schoolverzuim.")
    tail.font.color.rgb = RGBColor(0x11, 0x55, 0x99)


def _add_table(doc: Document) -> None:
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for row, (key, value) in zip(table.rows, [("Naam", LEERLING), ("BSN", BSN),
                                              ("Geboortedatum", GEBOORTEDATUM)], strict=True):
        row.cells[0].text = key
        row.cells[1].text = value


def _add_headers_footers(doc: Document) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    doc.settings.odd_and_even_pages_header_footer = True
    section.header.paragraphs[0].text = f"Dossier {LEERLING}"
    section.first_page_header.paragraphs[0].text = "Eerste pagina: Hoogendijk"
    section.even_page_header.paragraphs[0].text = "Even pagina: Femke"
    section.footer.paragraphs[0].text = f"BSN {BSN}"
    section.first_page_footer.paragraphs[0].text = f"Moeder: {MOEDER}"
    section.even_page_footer.paragraphs[0].text = f"Geboren {GEBOORTEDATUM}"


def _add_pictures(doc: Document) -> None:
    doc.add_picture(io.BytesIO(jpeg_with_exif()), width=Cm(3))
    doc.add_picture(io.BytesIO(png_with_text()), width=Cm(2))
    for shape in doc.inline_shapes:
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", f"Foto van {LEERLING}")
        doc_pr.set("title", "Femke op schoolreis")
        doc_pr.set("name", "femke_hoogendijk.jpg")


def _add_footnote(doc: Document) -> None:
    p = doc.add_paragraph("Zie de voetnoot over de thuissituatie")
    p._p.append(parse_xml(f'<w:r {NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                          '<w:footnoteReference w:id="1"/></w:r>'))
    xml = (f'<w:footnotes {NS}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           '<w:continuationSeparator/></w:r></w:p></w:footnote>'
           f'<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Moeder: {MOEDER}, '
           'telefonisch bereikbaar.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    _relate_part(doc, "/word/footnotes.xml",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                 xml, RT.FOOTNOTES)


def _add_text_box(doc: Document) -> None:
    box = f'<w:p><w:r><w:t>Tekstvak: {LEERLING} woont bij haar moeder.</w:t></w:r></w:p>'
    xml = (f'<w:p {NS}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
           '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
           'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
           '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
           '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
           '<wp:extent cx="2743200" cy="457200"/><wp:wrapSquare wrapText="bothSides"/>'
           '<wp:docPr id="50" name="Tekstvak Femke" descr="Vak over Femke"/>'
           '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
           'wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" '
           'y="0"/><a:ext cx="2743200" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
           f'</a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{box}</w:txbxContent></wps:txbx>'
           '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
           '</mc:Choice><mc:Fallback><w:pict><v:shape id="tb1" type="#_x0000_t202" '
           'style="width:216pt;height:36pt" alt="Femke"><v:textbox><w:txbxContent>'
           f'{box}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
           '</mc:AlternateContent></w:r></w:p>')
    _append_block(doc, parse_xml(xml))


def _add_tracked_changes(doc: Document) -> None:
    who = f'w:author="{AUTEUR}" w:date="2024-01-15T10:00:00Z"'
    xml = (f'<w:p {NS}><w:r><w:t xml:space="preserve">Contact opgenomen met </w:t></w:r>'
           f'<w:del w:id="901" {who}><w:r><w:delText xml:space="preserve">{DELETED_WORD} '
           f'{MOEDER} </w:delText></w:r></w:del>'
           f'<w:ins w:id="902" {who}><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">'
           f'{LEERLING} </w:t></w:r></w:ins>'
           '<w:r><w:rPr><w:b/><w:rPrChange w:id="903" ' + who + '><w:rPr/></w:rPrChange>'
           '</w:rPr><w:t>en haar vader.</w:t></w:r></w:p>')
    _append_block(doc, parse_xml(xml))
    settings = doc.settings.element
    settings.append(parse_xml(f'<w:trackRevisions {NS}/>'))
    settings.append(parse_xml(f'<w:rsids {NS}><w:rsidRoot w:val="00A1B2C3"/></w:rsids>'))
    settings.append(parse_xml(f'<w:docVars {NS}><w:docVar w:name="leerling" '
                              f'w:val="{LEERLING}"/></w:docVars>'))


def _add_links_and_fields(doc: Document) -> None:
    mail = doc.part.relate_to(f"mailto:{EMAIL}", RT.HYPERLINK, is_external=True)
    web = doc.part.relate_to("https://www.voorbeeld.nl/verzuim", RT.HYPERLINK, is_external=True)
    xml = (f'<w:p {NS}><w:r><w:t xml:space="preserve">Neem contact op: </w:t></w:r>'
           f'<w:hyperlink r:id="{mail}" w:tooltip="Mail {LEERLING}"><w:r><w:t>mail de ouders'
           f'</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> of lees </w:t></w:r>'
           f'<w:hyperlink r:id="{web}"><w:r><w:t>de verzuimregels</w:t></w:r></w:hyperlink></w:p>')
    _append_block(doc, parse_xml(xml))
    field = (f'<w:p {NS}><w:r><w:t xml:space="preserve">Veld: </w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText xml:space="preserve"> DOCPROPERTY "Leerling Fem</w:instrText></w:r>'
             '<w:r><w:instrText xml:space="preserve">ke Hoogendijk" </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             f'<w:r><w:t>{LEERLING}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
             '<w:r><w:t xml:space="preserve"> en </w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://voorbeeld.nl/{BSN}" '
             '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:t>dossierlink</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
             '<w:fldSimple w:instr=" FILENAME "><w:r><w:t xml:space="preserve"> bestandsnaam'
             '</w:t></w:r></w:fldSimple></w:p>')
    _append_block(doc, parse_xml(field))


def _add_content_control(doc: Document) -> None:
    xml = (f'<w:sdt {NS}><w:sdtPr><w:alias w:val="Naam {LEERLING}"/><w:tag w:val="Femke"/>'
           '<w:id w:val="77"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t xml:space="preserve">'
           f'Ingevuld: {LEERLING}</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    _append_block(doc, parse_xml(xml))


def _add_comment(doc: Document) -> None:
    p = doc.add_paragraph()
    run = p.add_run("Het verzuim is toegenomen.")
    doc.add_comment(run, text=f"Let op: {LEERLING} is vaak afwezig", author=AUTEUR,
                    initials="JP")
    people = (f'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
              f'<w15:person w15:author="{AUTEUR}"><w15:presenceInfo w15:providerId="None" '
              f'w15:userId="{AUTEUR}"/></w15:person></w15:people>')
    _relate_part(doc, "/word/people.xml",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
                 people, "http://schemas.microsoft.com/office/2011/relationships/people")


def _set_properties(doc: Document) -> None:
    core = doc.core_properties
    core.author = core.last_modified_by = AUTEUR
    core.title = f"Verslag {LEERLING}"
    core.subject = f"BSN {BSN}"
    core.keywords = "Hoogendijk"
    core.comments = "Femke"
    core.category = "Femke"
    for part in doc.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'extended-properties"><Application>Microsoft Office Word</Application>'
                f'<Company>{SCHOOL}</Company><Manager>{MOEDER}</Manager>'
                '<Template>Femke.dotm</Template><Pages>1</Pages></Properties>').encode()
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://'
        'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
        'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="'
        '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Leerling"><vt:lpwstr>'
        f'{LEERLING}</vt:lpwstr></property></Properties>')
    part = Part(PackURI("/docProps/custom.xml"),
                "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                custom.encode(), doc.part.package)
    doc.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _append_block(doc: Document, element) -> None:  # type: ignore[no-untyped-def]
    """Add a block before the body's final sectPr, which must stay last."""
    doc.element.body.sectPr.addprevious(element)


def _relate_part(doc: Document, name: str, content_type: str, xml: str, reltype: str) -> None:
    blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml).encode()
    doc.part.relate_to(Part(PackURI(name), content_type, blob, doc.part.package), reltype)


def make_identifier_docx(path: Path) -> Path:
    """A DOCX with the identifiers above in every channel the anonymiser must clear."""
    doc = Document()
    doc.add_heading("Verslag leerlingbespreking", level=1)
    _add_split_name_paragraph(doc)
    for sentence in FILLER:
        doc.add_paragraph(sentence)
    _add_table(doc)
    for item in ("Verzuim in kaart gebracht", "Ouders uitgenodigd", "Plan van aanpak"):
        doc.add_paragraph(item, style="List Bullet")
    _add_pictures(doc)
    _add_headers_footers(doc)
    _add_footnote(doc)
    _add_text_box(doc)
    _add_tracked_changes(doc)
    _add_links_and_fields(doc)
    _add_content_control(doc)
    _add_comment(doc)
    doc.add_paragraph("Bijzondere tekens: één, geïnformeerd, ĳverig, € 25, café.")
    _set_properties(doc)
    doc.save(str(path))
    return path


def make_report_docx(path: Path, pages: int = 20, seed: int = 7) -> Path:
    """A realistic report of roughly `pages` A4 pages: headings, paragraphs with mixed
    formatting, bullet lists, a table per chapter, header and footer."""
    rnd = random.Random(seed)
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Verslag zorgteam – vertrouwelijk"
    doc.sections[0].footer.paragraphs[0].text = "Regionale tafel verzuim"
    doc.add_heading("Verslag van het zorgteam", level=0)
    for chapter in range(1, pages + 1):
        doc.add_heading(f"{chapter}. Onderdeel {chapter}", level=1)
        for _ in range(4):
            p = doc.add_paragraph()
            for sentence in rnd.sample(FILLER, 3):
                run = p.add_run(sentence + " ")
                run.bold = rnd.random() < 0.1
                run.italic = rnd.random() < 0.1
        for item in rnd.sample(FILLER, 3):
            doc.add_paragraph(item[:60], style="List Bullet")
        table = doc.add_table(rows=5, cols=3)
        table.style = "Table Grid"
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"Rij {r + 1}, kolom {c + 1}: afspraak {rnd.randint(1, 99)}"
        doc.add_paragraph().add_run().font.size = Pt(6)
    doc.save(str(path))
    return path
