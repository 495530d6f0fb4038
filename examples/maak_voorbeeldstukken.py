"""Make the example case's documents (fictitious people): Word reports, text PDFs and a
scanned consent form. Run from the repository root:

    .venv/bin/python examples/maak_voorbeeldstukken.py

The outputs are committed, so the README's commands do not need this script.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent / "adviestafel-den-haag" / "stukken"
FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "DejaVuSans.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def mdo_verslag(path: Path, datum: str, extra: str) -> None:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "MDO-verslag – Noor el Amrani – vertrouwelijk"
    doc.add_heading(f"Verslag multidisciplinair overleg {datum}", level=1)
    table = doc.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    for row, (k, v) in zip(table.rows, [("Leerling", "Noor Aaliyah el Amrani"),
                                       ("Geboortedatum", "17-11-2015"),
                                       ("Groep", "6b"), ("BSN", "1234.56.782")], strict=True):
        row.cells[0].text, row.cells[1].text = k, v
    doc.add_heading("Aanwezig", level=2)
    doc.add_paragraph("Mevrouw F. el Amrani-Bouzid (moeder), meneer Y. el Amrani (vader), "
                      "de leerplichtambtenaar, schoolmaatschappelijk werk, de adviseur van SPPOH "
                      "en de intern begeleider.")
    doc.add_heading("Stand van zaken", level=2)
    p = doc.add_paragraph("Sinds 7 september komt ")
    p.add_run("No").bold = True
    p.add_run("or").italic = True
    p.add_run(" niet meer naar school. Moeder is bereikbaar op 06-41528376 of via "
              "f.elamrani@example.nl. Het gezin woont aan de Weimarstraat 212, 2562 HK Den Haag.")
    doc.add_paragraph(extra)
    doc.add_heading("Afspraken", level=2)
    for item in ("De intern begeleider stemt het opbouwrooster af met de leerkracht.",
                 "Schoolmaatschappelijk werk voert wekelijks een gesprek met moeder.",
                 "Leerplicht houdt contact met het gezin en plant een vervolggesprek."):
        doc.add_paragraph(item, style="List Bullet")
    for para in doc.paragraphs:
        for run in para.runs:
            run.font.size = Pt(11)
    doc.core_properties.author = "Noor el Amrani"
    doc.save(path)


def smw_verslag(path: Path) -> None:
    doc = Document()
    doc.add_heading("Kort verslag schoolmaatschappelijk werk", level=1)
    doc.add_paragraph("Betreft: Noor (roepnaam), geboren 17 november 2015.")
    doc.add_paragraph("Inzet: zes gesprekken met moeder en twee met Noor thuis. Het CJG is "
                      "betrokken; een aanmelding bij de jeugd-GGZ staat op de wachtlijst. De "
                      "ingekochte zorg is niet toereikend omdat de behandeling pas over twaalf "
                      "weken kan starten.")
    doc.add_paragraph("Contact vader: 070-3456789.")
    doc.save(path)


def _text_pdf(path: Path, title: str, lines: list[str]) -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(f"{title} Noor el Amrani")
    c.setAuthor("IB'er basisschool")
    c.setFont("DejaVu", 16)
    c.drawString(2 * cm, 27 * cm, title)
    c.setFont("DejaVu", 11)
    y = 25.5 * cm
    for line in lines:
        if y < 2 * cm:
            c.showPage()
            c.setFont("DejaVu", 11)
            y = 27 * cm
        c.drawString(2 * cm, y, line)
        y -= 0.6 * cm
    c.save()


def opp(path: Path) -> None:
    lines = ["Naam leerling: Noor Aaliyah el Amrani", "Geboortedatum: 17 nov. 2015",
             "Adres: Weimarstraat 212, 2562 HK Den Haag", ""]
    for week in range(1, 31):
        lines.append(f"Doel {week}: Noor werkt aan taakaanpak en zelfvertrouwen; evaluatie in "
                     "het volgende MDO met ouders en leerkracht.")
    lines += ["", "Handtekening ouder: F. el Amrani-Bouzid"]
    _text_pdf(path, "Ontwikkelingsperspectiefplan", lines)


def verzuim(path: Path) -> None:
    lines = ["Leerling: EL AMRANI, N.A.   Groep 6b", "Week   Aanwezig   Afwezig   Reden"]
    for week in range(37, 43):
        lines.append(f"{week:>4}      0          10        ongeoorloofd / thuiszitten")
    lines.append("Melding leerplicht gedaan op 21-09-2026.")
    _text_pdf(path, "Verzuimregistratie", lines)


def toestemming_scan(path: Path) -> None:
    """An image-only page, as a school scanner makes it; the name is drawn as pixels."""
    dpi = 150
    img = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 250)
    draw = ImageDraw.Draw(img)
    draw.text((150, 150), "Toestemming delen dossier", fill=20, font=_font(40))
    body = ("Ondergetekende geeft toestemming om het dossier te delen met het loket,",
            "de adviestafel en zo nodig de doorbraaktafel.")
    for i, line in enumerate(body):
        draw.text((150, 300 + i * 45), line, fill=30, font=_font(26))
    # name and signature at 72 pt x 640 pt from the top-left (the case file's lakvlak)
    x, y = int(72 / 72 * dpi), int(640 / 72 * dpi)
    draw.text((x + 5, y + 5), "F. el Amrani-Bouzid", fill=10, font=_font(34))
    draw.line((x + 420, y + 60, x + 600, y + 20), fill=10, width=4)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    c = canvas.Canvas(str(path), pagesize=A4)
    from reportlab.lib.utils import ImageReader
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.save()


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    mdo_verslag(HERE / "mdo-verslag-1.docx", "21 september 2026",
                "Het opbouwrooster (twee ochtenden) start op 28 september.")
    mdo_verslag(HERE / "mdo-verslag-2.docx", "12 oktober 2026",
                "Het opbouwrooster is na twee weken gestopt. Het MDO komt er niet uit en "
                "besluit tot aanmelding bij de adviestafel.")
    smw_verslag(HERE / "smw-verslag.docx")
    opp(HERE / "opp.pdf")
    verzuim(HERE / "verzuimregistratie.pdf")
    toestemming_scan(HERE / "toestemming-ouders.pdf")


if __name__ == "__main__":
    main()
