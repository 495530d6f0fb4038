"""Generate a realistic ~200-page case for the PO adviestafel in Den Haag (fictitious people).

Run: .venv/bin/python benchmarks/generate_case.py OUTPUT_FOLDER [--no-libreoffice]

Writes OUTPUT_FOLDER/casus.toml and OUTPUT_FOLDER/stukken/ with:

- twelve Word reports (MDO verslagen, SMW report, formulier vastgelopen, OPP evaluation,
  IB, leerplicht, JGZ, handelingsplan, onderwijskundig rapport, ...): headings, tables,
  bullet lists, headers/footers, identifiers of the pupil and the parents in the body,
  in tables and in headers, names split over several runs;
- text PDFs: the OPP and the verzuimregistratie made with reportlab (DejaVu), and three
  reports exported by LibreOffice from DOCX (psychologisch onderzoek, CJG, groepsplan);
- two scans (image-only pages): the consent form, with a `[[documenten.lakken]]` region
  over the parent's name, and a two-page handwritten-style zienswijze of the parents;
- a complete `casus.toml` (all required components of the adviestafel, smw_betrokken).

Deterministic: a fixed seed drives every random choice (the LibreOffice-exported PDFs
carry LibreOffice's own creation date and document id; their text is deterministic).
Without LibreOffice (or with --no-libreoffice) those three reports are written with
reportlab instead, and a note is printed.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
FONT_BOLD = ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"
SEED = 20261019

# --- the fictitious pupil and family ------------------------------------------------------


@dataclass(frozen=True)
class Gezin:
    voornamen: str = "Sara Yasmina"
    roepnaam: str = "Sara"
    achternaam: str = "Ouaziz"
    geboortedatum: str = "2016-03-09"  # TOML date
    geboren_kort: str = "09-03-2016"
    geboren_lang: str = "9 maart 2016"
    bsn: str = "234567892"  # passes the 11-test
    bsn_punten: str = "2345.67.892"
    adres: str = "Vaillantlaan 318"
    postcode: str = "2526 HG"
    woonplaats: str = "Den Haag"
    moeder: str = "Khadija Ouaziz-Benali"
    moeder_kort: str = "K. Ouaziz-Benali"
    moeder_tel: str = "06-38271564"
    moeder_email: str = "k.ouaziz@example.nl"
    vader: str = "Rachid Ouaziz"
    vader_kort: str = "R. Ouaziz"
    vader_tel: str = "070-3619482"
    broer: str = "Adam Ouaziz"

    @property
    def volledig(self) -> str:
        return f"{self.voornamen} {self.achternaam}"

    @property
    def naam(self) -> str:
        return f"{self.roepnaam} {self.achternaam}"


GEZIN = Gezin()

# --- Dutch report text ---------------------------------------------------------------------

ZINNEN = [
    "De leerling is sinds de start van het schooljaar steeds vaker afwezig geweest.",
    "In overleg met de leerplichtambtenaar is een gesprek met beide ouders gepland.",
    "De intern begeleider heeft het verzuim wekelijks bijgehouden en met de leerkracht besproken.",
    "Tijdens het huisbezoek gaven de ouders aan dat de ochtenden thuis erg moeizaam verlopen.",
    "Er is sprake van buikpijnklachten op schooldagen; in het weekend zijn die er nauwelijks.",
    "De jeugdarts heeft geen lichamelijke oorzaak gevonden en adviseert begeleiding bij angst.",
    "Het opbouwrooster begon met twee ochtenden per week onder begeleiding van de onderwijsassistent.",
    "Na twee weken is het opbouwrooster gestopt omdat de leerling niet meer naar school kwam.",
    "Schoolmaatschappelijk werk voert wekelijks een gesprek met moeder over de thuissituatie.",
    "Het CJG is betrokken en heeft een aanmelding bij de jeugd-GGZ gedaan; er is een wachtlijst.",
    "De leerkracht stuurt elke week thuiswerk mee en belt op vrijdag met de leerling.",
    "Op rekenen en begrijpend lezen laat de leerling een achterstand van ongeveer een half jaar zien.",
    "De sociale contacten in de groep zijn beperkt; de leerling heeft één vriendin in de klas.",
    "Het MDO heeft afgesproken dat de school een passend aanbod in een kleine groep onderzoekt.",
    "De adviseur van SPPOH denkt mee over een onderwijs-zorgarrangement met behandeling.",
    "Ouders staan open voor hulp, maar zijn bang dat de druk op hun dochter te groot wordt.",
    "De leerplichtambtenaar heeft een gesprek gevoerd en geen proces-verbaal opgemaakt.",
    "Afgesproken is dat het plan van aanpak elke zes weken in het MDO wordt geëvalueerd.",
    "De school heeft de ondersteuningsbehoefte vastgelegd in het ontwikkelingsperspectiefplan.",
    "De behandeling voor de angstklachten kan naar verwachting pas over twaalf weken starten.",
    "In de tussentijd is een overbruggingsaanbod nodig zodat het contact met school blijft.",
    "De onderwijsassistent is maar twee ochtenden per week beschikbaar voor de begeleiding.",
    "Het gezin woont in een kleine bovenwoning; de leerling deelt een kamer met haar broertje.",
    "Er zijn geen zorgen over de veiligheid thuis; Veilig Thuis is niet betrokken.",
    "De leerling geeft zelf aan dat ze het liefst in een rustige klas met weinig kinderen werkt.",
    "Met de ouders is besproken dat aanmelding bij de adviestafel de volgende stap is.",
    "Het verzuim is gemeld in het verzuimregister en bij de leerplichtambtenaar van de gemeente.",
    "De groepsleerkracht merkt dat de leerling zich op goede dagen snel aan de taak zet.",
    "Bij de evaluatie bleek dat de doelen voor taakaanpak gedeeltelijk zijn behaald.",
    "De intern begeleider coördineert de contacten tussen school, SMW, CJG en leerplicht.",
]

BULLETS = [
    "De intern begeleider stemt het opbouwrooster af met de leerkracht.",
    "Schoolmaatschappelijk werk voert wekelijks een gesprek met moeder.",
    "Leerplicht houdt contact met het gezin en plant een vervolggesprek.",
    "De leerkracht stuurt wekelijks thuiswerk en belt op vrijdag.",
    "Het CJG informeert naar de wachttijd bij de jeugd-GGZ.",
    "De adviseur onderzoekt een plaats in een kleine groep.",
    "Het volgende MDO is over zes weken.",
    "De school meldt de casus aan bij het loket van SPPOH.",
]

HEADINGS = ["Stand van zaken", "Verzuim", "Thuissituatie", "Onderwijs", "Gezondheid", "Afspraken",
            "Evaluatie", "Betrokken hulpverlening"]

PROFESSIONALS = ["mevrouw De Wit (intern begeleider)", "meneer Van Leeuwen (leerkracht groep 5)",
                 "mevrouw Kaya (schoolmaatschappelijk werk)", "meneer Jacobs (leerplicht)",
                 "mevrouw Visser (adviseur SPPOH)", "mevrouw Bos (jeugdarts)"]


def identifier_sentences(g: Gezin = GEZIN) -> list[str]:
    """Sentences with the family's identifiers in the forms schools write them."""
    return [
        f"{g.roepnaam} komt sinds 7 september niet meer naar school.",
        f"Leerling: {g.volledig}, geboren {g.geboren_lang}, BSN {g.bsn_punten}.",
        f"Moeder ({g.moeder}) is bereikbaar op {g.moeder_tel} of via {g.moeder_email}.",
        f"Vader, {g.vader}, belt de school op {g.vader_tel} als {g.roepnaam} ziek is.",
        f"Het gezin woont aan de {g.adres}, {g.postcode} {g.woonplaats}.",
        f"In het gesprek vertelde {g.roepnaam} dat ze bang is om de klas in te gaan.",
        f"{g.broer}, het broertje van {g.roepnaam}, zit in groep 2 van dezelfde school.",
        f"Geboortedatum {g.geboren_kort}; burgerservicenummer {g.bsn}.",
        f"{g.moeder_kort} en {g.vader_kort} hebben het plan ondertekend.",
    ]


def paragraph_text(rnd: random.Random, sentences: int = 5) -> str:
    return " ".join(rnd.sample(ZINNEN, sentences))


# --- Word reports --------------------------------------------------------------------------


def _split_name_paragraph(doc, g: Gezin, rnd: random.Random) -> None:
    """The pupil's name split over runs with different formatting (as Word saves it)."""
    p = doc.add_paragraph("Gesprek met ")
    cut1, cut2 = 2, 1 + rnd.randint(2, len(g.achternaam) - 1)
    first, last = g.roepnaam, g.achternaam
    p.add_run(first[:cut1]).bold = True
    p.add_run(first[cut1:] + " " + last[:cut2]).italic = True
    p.add_run(last[cut2:]).underline = True
    p.add_run(" en haar moeder over de afgelopen weken. " + paragraph_text(rnd, 2))


def word_report(path: Path, title: str, kop: str, sections: int, seed: int,
                g: Gezin = GEZIN, table_rows: int = 4, page_breaks: bool = False) -> Path:
    rnd = random.Random(seed)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    sec = doc.sections[0]
    sec.header.paragraphs[0].text = f"{kop} – {g.naam} – vertrouwelijk"
    sec.footer.paragraphs[0].text = (f"Basisschool De Horizon, Den Haag · {kop} · "
                                     f"leerling {g.geboren_kort}")
    doc.add_heading(title, level=0)
    table = doc.add_table(rows=5, cols=2)
    table.style = "Table Grid"
    rows = [("Leerling", g.volledig), ("Geboortedatum", g.geboren_kort), ("BSN", g.bsn_punten),
            ("Adres", f"{g.adres}, {g.postcode} {g.woonplaats}"),
            ("Ouders", f"{g.moeder} ({g.moeder_tel}), {g.vader} ({g.vader_tel})")]
    for row, (k, v) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = k, v
    ids = identifier_sentences(g)
    for n in range(1, sections + 1):
        doc.add_heading(f"{n}. {rnd.choice(HEADINGS)}", level=1)
        doc.add_paragraph("Aanwezig: " + ", ".join(rnd.sample(PROFESSIONALS, 3)) + ", en "
                          f"{g.moeder_kort} (moeder).")
        for _ in range(3):
            p = doc.add_paragraph()
            for sentence in rnd.sample(ZINNEN, 4):
                run = p.add_run(sentence + " ")
                run.bold = rnd.random() < 0.05
                run.italic = rnd.random() < 0.08
            p.add_run(rnd.choice(ids))
        if n % 2:
            _split_name_paragraph(doc, g, rnd)
        doc.add_heading("Afspraken", level=2)
        for item in rnd.sample(BULLETS, 3):
            doc.add_paragraph(item, style="List Bullet")
        t = doc.add_table(rows=table_rows, cols=3)
        t.style = "Table Grid"
        for c, head in enumerate(("Wat", "Wie", "Wanneer")):
            t.rows[0].cells[c].text = head
        for r in range(1, table_rows):
            t.rows[r].cells[0].text = rnd.choice(BULLETS)[:50]
            t.rows[r].cells[1].text = rnd.choice(["IB", "SMW", "leerplicht", "ouders", "adviseur",
                                                   f"moeder ({g.moeder_kort})"])
            t.rows[r].cells[2].text = f"week {rnd.randint(38, 52)}"
        if page_breaks and n % 3 == 0:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(f"Ondertekening: {g.moeder_kort} en {g.vader_kort}, ouders van {g.roepnaam}.")
    doc.core_properties.author = "IB De Horizon"
    doc.core_properties.title = f"{title} {g.naam}"
    doc.save(str(path))
    return path


# Word reports: (file, onderdeel, title, header label, sections)
WORD_REPORTS = [
    ("mdo-verslag-1.docx", "mdo-verslagen", "Verslag MDO 21 september 2026", "MDO-verslag", 6),
    ("mdo-verslag-2.docx", "mdo-verslagen", "Verslag MDO 5 oktober 2026", "MDO-verslag", 6),
    ("mdo-verslag-3.docx", "mdo-verslagen", "Verslag MDO 12 oktober 2026", "MDO-verslag", 7),
    ("mdo-verslag-4.docx", "mdo-verslagen", "Verslag JES-overleg 16 oktober 2026", "MDO-verslag", 5),
    ("smw-verslag.docx", "smw-verslag", "Verslag schoolmaatschappelijk werk", "SMW", 11),
    ("formulier-vastgelopen.docx", "formulier-vastgelopen",
     "Waar is het proces vastgelopen en wat heeft het MDO gedaan", "Formulier", 4),
    ("opp-evaluatie.docx", "overige-verslagen", "Evaluatie ontwikkelingsperspectiefplan", "OPP", 12),
    ("verslag-intern-begeleider.docx", "overige-verslagen", "Verslag intern begeleider",
     "IB-verslag", 10),
    ("handelingsplan.docx", "overige-verslagen", "Handelingsplan opbouwrooster", "Handelingsplan", 10),
    ("verslag-leerplicht.docx", "overige-verslagen", "Verslag leerplicht", "Leerplicht", 6),
    ("verslag-jgz.docx", "overige-verslagen", "Verslag jeugdgezondheidszorg", "JGZ", 6),
    ("onderwijskundig-rapport.docx", "overige-verslagen", "Onderwijskundig rapport",
     "Onderwijskundig rapport", 18),
]

# Reports exported to PDF by LibreOffice: (docx made first, pdf kept, title, label, sections)
LO_REPORTS = [
    ("psychologisch-onderzoek.pdf", "Verslag psychologisch onderzoek", "Psychologisch onderzoek", 20),
    ("verslag-cjg.pdf", "Verslag CJG", "CJG", 10),
    ("groepsplan.pdf", "Groepsplan groep 5", "Groepsplan", 9),
]


# --- text PDFs (reportlab) -------------------------------------------------------------------


def register_fonts() -> None:
    # Each on its own: the tests' pdfmaker may have registered "DejaVu" alone already.
    registered = pdfmetrics.getRegisteredFontNames()
    for name, path in (("DejaVu", FONT), ("DejaVu-Bold", FONT_BOLD)):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def text_pdf(path: Path, title: str, pages: int, seed: int, g: Gezin = GEZIN) -> Path:
    """A report of exactly `pages` A4 pages; every page names the pupil and has a
    header with her name and a line with other identifiers."""
    register_fonts()
    rnd = random.Random(seed)
    ids = identifier_sentences(g)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(f"{title} {g.naam}")
    c.setAuthor("IB'er basisschool De Horizon")
    for page in range(1, pages + 1):
        c.setFont("DejaVu", 8)
        c.drawString(2 * cm, 28.4 * cm, f"{title} · {g.naam} · geboren {g.geboren_kort} · vertrouwelijk")
        c.drawRightString(19 * cm, 1.2 * cm, f"pagina {page} van {pages}")
        y = 27 * cm
        if page == 1:
            c.setFont("DejaVu-Bold", 16)
            c.drawString(2 * cm, y, title)
            y -= 1.0 * cm
        c.setFont("DejaVu", 10)
        block = 0
        while y > 2.5 * cm:
            if block % 3 == 0:
                c.setFont("DejaVu-Bold", 11)
                kop = rnd.choice(["Verzuim", "Aanpak", "Doelen", "Evaluatie", "Thuissituatie"])
                c.drawString(2 * cm, y, f"{page}.{block // 3 + 1} {kop}")
                c.setFont("DejaVu", 10)
                y -= 0.6 * cm
            text = paragraph_text(rnd, 4) + " " + ids[(page + block) % len(ids)]
            for line in wrap(text):
                if y <= 2.5 * cm:
                    break
                c.drawString(2 * cm, y, line)
                y -= 0.48 * cm
            y -= 0.3 * cm
            block += 1
        c.showPage()
    c.save()
    return path


def verzuim_pdf(path: Path, pages: int, seed: int, g: Gezin = GEZIN) -> Path:
    """Verzuimregistratie: a table per week and day, as the student information system prints it."""
    register_fonts()
    rnd = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(f"Verzuimregistratie {g.naam}")
    reden = ["ongeoorloofd", "ziek gemeld", "thuiszitten", "te laat", "geoorloofd (arts)", "aanwezig"]
    day = 0
    for page in range(1, pages + 1):
        c.setFont("DejaVu-Bold", 13)
        c.drawString(2 * cm, 27.5 * cm, "Verzuimregistratie ParnasSys")
        c.setFont("DejaVu", 10)
        c.drawString(2 * cm, 26.8 * cm, f"Leerling: {g.achternaam.upper()}, {g.roepnaam} · groep 5b · "
                                        f"geb. {g.geboren_kort} · BSN {g.bsn}")
        c.drawString(2 * cm, 26.2 * cm, "Datum        Dagdeel   Status              Gemeld door   Opmerking")
        y = 25.6 * cm
        while y > 2 * cm:
            day += 1
            c.drawString(2 * cm, y, f"{(day % 28) + 1:02d}-{9 + (day // 56) % 4:02d}-2026   "
                                    f"{rnd.choice(['ochtend', 'middag '])}   {rnd.choice(reden):<18}  "
                                    f"{rnd.choice(['moeder', 'vader', 'school', '-'])}        "
                                    f"{rnd.choice(['', 'buikpijn', 'niet opgestaan', 'gebeld'])}")
            y -= 0.5 * cm
        c.drawString(2 * cm, 1.2 * cm, f"Melding leerplicht gedaan op 21-09-2026 · pagina {page}/{pages}")
        c.showPage()
    c.save()
    return path


# --- scans ---------------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _scan_pdf(path: Path, images: list[Image.Image]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for img in images:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=70)
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


# The consent form's manual region (PDF points from the top-left of the page).
LAKVLAK = {"pagina": 1, "x": 72.0, "y": 640.0, "breedte": 320.0, "hoogte": 40.0}


def toestemming_scan(path: Path, g: Gezin = GEZIN, dpi: int = 150) -> Path:
    img = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 250)
    draw = ImageDraw.Draw(img)
    draw.text((150, 150), "Toestemming delen dossier", fill=20, font=_font(40))
    body = ("Ondergetekende, ouder/verzorger van de leerling, geeft toestemming om het",
            "dossier te delen met het Loket Verzuim en thuiszitters (SPPOH), de adviestafel",
            "en zo nodig de doorbraaktafel.", "", "Datum: 14 oktober 2026")
    for i, line in enumerate(body):
        draw.text((150, 300 + i * 45), line, fill=30, font=_font(26))
    x, y = int(LAKVLAK["x"] / 72 * dpi), int(LAKVLAK["y"] / 72 * dpi)
    draw.text((x + 5, y + 5), g.moeder_kort, fill=10, font=_font(34))
    draw.line((x + 420, y + 60, x + 600, y + 20), fill=10, width=4)
    return _scan_pdf(path, [img])


def zienswijze_scan(path: Path, pages: int, seed: int, dpi: int = 150) -> Path:
    """The parents' view, scanned: image-only pages without identifiers in the pixels
    except the signature line (a scribble)."""
    rnd = random.Random(seed)
    images = []
    for page in range(pages):
        img = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 245)
        draw = ImageDraw.Draw(img)
        draw.text((150, 140), "Zienswijze van ouders" if page == 0 else "Vervolg zienswijze",
                  fill=25, font=_font(36))
        y = 260
        for _ in range(6):
            for line in wrap(paragraph_text(rnd, 3), 70):
                draw.text((150, y), line, fill=35, font=_font(22))
                y += 34
            y += 30
        draw.line((700, y + 80, 900, y + 40), fill=10, width=4)
        images.append(img)
    return _scan_pdf(path, images)


# --- LibreOffice -----------------------------------------------------------------------------------


def libreoffice_export(docx_files: list[Path], outdir: Path, timeout: float = 600) -> list[Path]:
    """Convert DOCX files to PDF with one headless LibreOffice run (private profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir",
                        str(outdir), *map(str, docx_files)], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = [outdir / (p.stem + ".pdf") for p in docx_files]
    missing = [p.name for p in out if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not produce {missing}")
    return out


# --- casus.toml ------------------------------------------------------------------------------------

VOORBLAD_SAMENVATTING = (
    "Sara verzuimt sinds 7 september 2026 volledig. In vier MDO's is een plan van aanpak\n"
    "afgesproken: een opbouwrooster van twee ochtenden per week met begeleiding door de\n"
    "onderwijsassistent, en gesprekken met schoolmaatschappelijk werk. Het opbouwrooster is\n"
    "na twee weken gestopt; de gesprekken met SMW lopen, maar Sara komt niet op school.")


def casus_toml(documents: list[tuple[str, str]], g: Gezin = GEZIN,
               samenvatting: str = VOORBLAD_SAMENVATTING) -> str:
    docs = []
    for onderdeel, bestand in documents:
        docs.append(f'[[documenten]]\nonderdeel = "{onderdeel}"\nbestand = "{bestand}"\n')
        if bestand.endswith("toestemming-ouders.pdf"):
            docs.append("[[documenten.lakken]]\n" + "".join(
                f"{k} = {v}\n" for k, v in LAKVLAK.items()))
    return f'''# Generated by benchmarks/generate_case.py (seed {SEED}): a ~200-page case for the
# PO adviestafel in Den Haag. All people and data are fictitious.
schema = 1

[casus]
onderwijs = "po"
gemeente = "den-haag"
tafel = "adviestafel"
ot_nummer = "OT-7654321"
eerste_verzuimdatum = 2026-09-07
aanmelddatum = 2026-10-19
smw_betrokken = true

[[casus.mdo]]
datum = 2026-09-21
deelnemers = ["ouders", "leerplicht", "smw", "adviseur", "school"]

[[casus.mdo]]
datum = 2026-10-05
deelnemers = ["ouders", "leerplicht", "smw", "school", "cjg"]

[[casus.mdo]]
datum = 2026-10-12
deelnemers = ["ouders", "leerplicht", "smw", "adviseur", "school", "cjg", "jgz"]

[leerling]
voornamen = "{g.voornamen}"
roepnaam = "{g.roepnaam}"
achternaam = "{g.achternaam}"
geboortedatum = {g.geboortedatum}
bsn = "{g.bsn}"
adres = "{g.adres}"
postcode = "{g.postcode}"
woonplaats = "{g.woonplaats}"

[[personen]]
rol = "moeder"
naam = "{g.moeder}"
telefoon = "{g.moeder_tel}"
email = "{g.moeder_email}"

[[personen]]
rol = "vader"
naam = "{g.vader}"
telefoon = "{g.vader_tel}"

[[personen]]
rol = "broer"
naam = "{g.broer}"

{chr(10).join(docs)}
[voorblad]
samenvatting = """
{samenvatting}"""
hoofdvraag = """Welk passend onderwijsaanbod, eventueel gecombineerd met jeugdhulp, kan Sara \
binnen vier weken weer naar school laten gaan?"""
aanbod = "Opbouwrooster op de eigen school met onderwijsassistent; thuiswerk via de leerkracht."
aanbod_voorhanden = "Het opbouwrooster is voorhanden, maar sluit niet aan: de angst is te groot."
waarom_niet = """De onderwijsassistent is maar twee ochtenden beschikbaar en er is nog geen \
behandeling voor de angstklachten."""
wat_nodig = "Een combinatie van een kleine groep met behandeling (onderwijs-zorgarrangement)."
'''


# --- the whole case --------------------------------------------------------------------------------


def generate(folder: Path, *, libreoffice: bool = True) -> list[tuple[str, str]]:
    """Write the case into `folder`; returns [(onderdeel, bestand)] in case-file order."""
    stukken = folder / "stukken"
    stukken.mkdir(parents=True, exist_ok=True)
    docs: list[tuple[str, str]] = []
    toestemming_scan(stukken / "toestemming-ouders.pdf")
    docs.append(("toestemming-ouders", "stukken/toestemming-ouders.pdf"))
    zienswijze_scan(stukken / "zienswijze-ouders.pdf", 2, SEED + 1)
    docs.append(("zienswijze-ouders", "stukken/zienswijze-ouders.pdf"))
    for i, (name, onderdeel, title, kop, sections) in enumerate(WORD_REPORTS):
        word_report(stukken / name, title, kop, sections, SEED + 10 + i)
        docs.append((onderdeel, f"stukken/{name}"))
    text_pdf(stukken / "opp.pdf", "Ontwikkelingsperspectiefplan", 30, SEED + 30)
    docs.append(("opp", "stukken/opp.pdf"))
    verzuim_pdf(stukken / "verzuimregistratie.pdf", 10, SEED + 31)
    docs.append(("verzuimregistratie", "stukken/verzuimregistratie.pdf"))
    lo_done = False
    with tempfile.TemporaryDirectory(prefix="bench-docx-") as tmp:
        sources = []
        for i, (pdf_name, title, kop, sections) in enumerate(LO_REPORTS):
            sources.append(word_report(Path(tmp) / pdf_name.replace(".pdf", ".docx"), title, kop,
                                       sections, SEED + 40 + i))
        if libreoffice:
            try:
                libreoffice_export(sources, stukken)
                lo_done = True
            except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
                print(f"note: LibreOffice export failed ({type(exc).__name__}); "
                      "writing those reports with reportlab", file=sys.stderr)
        if not lo_done:
            for i, (pdf_name, title, _kop, sections) in enumerate(LO_REPORTS):
                text_pdf(stukken / pdf_name, title, sections, SEED + 40 + i)
    docs += [("overige-verslagen", f"stukken/{pdf_name}") for pdf_name, *_ in LO_REPORTS]
    (folder / "casus.toml").write_text(casus_toml(docs), encoding="utf-8")
    return docs


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    folder = Path(args[0])
    docs = generate(folder, libreoffice="--no-libreoffice" not in argv)
    print(f"wrote {folder / 'casus.toml'} with {len(docs)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
