"""Every word that is not part of an identifier survives redaction, next to hits too.

Over the example case and the generated benchmark case (Word reports, reportlab and
LibreOffice PDFs) and the test generators' PDFs: the words of each input, minus the words
that belong to an identifier, must all be in the output. "Part of an identifier" is
decided here from the case's values alone (their words, the pupil's and parents'
initials, possessives), not from the finder's hits: a hit that eats a neighbouring word
("Weimarstraat 212" + the "E" of "E-mail" on the next line) is caught.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfmaker
import pytest

from dossier_app.anonymise.docx_redact import anonymise_docx
from dossier_app.anonymise.hits import hits_in_all_views, joined_lines
from dossier_app.anonymise.identifiers import IdentifierSet, build_identifiers
from dossier_app.anonymise.matcher import fold_text
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.anonymise.pdfium_chars import page_texts
from dossier_app.case import read_case
from dossier_app.case_model import Leerling, Persoon

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "adviestafel-den-haag"
_WORD = re.compile(r"[^\W_]+")


_MONTHS = (("januari", "jan"), ("februari", "feb", "febr"), ("maart", "mrt", "mar"),
           ("april", "apr"), ("mei",), ("juni", "jun"), ("juli", "jul"),
           ("augustus", "aug"), ("september", "sep", "sept"), ("oktober", "okt", "oct"),
           ("november", "nov"), ("december", "dec"))


@dataclass(frozen=True)
class _Known:
    """A case's identifiers: the finder, and their words decided from the values alone."""

    ids: IdentifierSet
    words: frozenset[str]  # folded lowercase words of every identifier value
    initials: frozenset[str]  # uppercase initials of the people


def _known(leerling: Leerling, personen: Sequence[Persoon], extra: Sequence[str] = ()) -> _Known:
    values: list[str] = [*extra]
    initials: set[str] = set()
    for name in (leerling.voornamen, leerling.roepnaam, leerling.achternaam,
                 *(p.naam for p in personen)):
        values.append(name)
        initials |= {w[0].upper() for w in _WORD.findall(name)}
    for person in (leerling, *personen):
        values += [person.adres, person.postcode]
        day = person.geboortedatum
        if day:
            values += [f"{day:%d %m %Y %y %Y%m%d %d%m%Y}", str(day.day), str(day.month),
                       *_MONTHS[day.month - 1]]
    values += [leerling.bsn, *(p.telefoon for p in personen), *(p.email for p in personen)]
    words = {w for v in values for w in _WORD.findall(fold_text(v).lower())}
    words |= {"".join(_WORD.findall(fold_text(v).lower())) for v in values}  # 0641528376
    words |= {c.replace("-", "") for v in values  # "Ouaziz-" / "Benali" joined
              for c in re.findall(r"[^\W_]+(?:-[^\W_]+)+", fold_text(v).lower())}
    return _Known(build_identifiers(leerling, personen, extra), frozenset(words),
                  frozenset(initials))


def _is_identifier_word(word: str, known: _Known) -> bool:
    if word in known.initials:
        return True
    folded = fold_text(word).lower()
    if folded in known.words or (folded.endswith("s") and folded[:-1] in known.words):
        return True  # possessive "Noors"
    return folded.isdigit() and any(folded in w for w in known.words if w.isdigit())  # "0641"


def _joined(text: str) -> str:
    """Words split by a line-end hyphen joined, on both sides of the comparison
    ("Jan-" / "sen" is the identifier "Jansen", not the words "Jan" and "sen")."""
    joined = joined_lines(text)
    return text if joined is None else joined[0]


def _kept_words(texts: list[str], known: _Known) -> Counter[str]:
    return Counter(w for text in texts for w in _WORD.findall(_joined(text))
                   if not _is_identifier_word(w, known))


def _neighbours(texts: list[str], known: _Known) -> set[str]:
    """The words right before and after each hit that are not identifiers themselves: the
    ones a redactor eating letters next to a hit would lose."""
    found = set()
    for text in texts:
        for hit in hits_in_all_views(known.ids.finder, text):
            before = _WORD.findall(text[max(0, hit.start - 40):hit.start])
            after = _WORD.findall(text[hit.end:hit.end + 40])
            found |= {w for w in before[-1:] + after[:1] if not _is_identifier_word(w, known)}
    return found


def _check_pdf(src: Path, out: Path, known: _Known) -> set[str]:
    """Redact `src` (no manual regions: text only); every other word must be in the
    output. Returns the neighbours of hits that were checked."""
    texts: list[str] = []
    result = clean_pdf(src, out, known.ids.finder, [], bestand=src.name,
                       on_page_text=lambda _index, text: texts.append(text))
    before = [t for i, t in enumerate(texts) if i + 1 not in result.gerasterd]
    after = [t for i, t in enumerate(page_texts(out)) if i + 1 not in result.gerasterd]
    missing = _kept_words(before, known) - _kept_words(after, known)
    assert not missing, f"{src.name}: words lost: {sorted(missing)}"
    return _neighbours(before, known)


def _docx_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def _check_docx(src: Path, out: Path, known: _Known) -> set[str]:
    anonymise_docx(src, out, known.ids.finder, bestand=src.name)
    before = _docx_texts(src)
    missing = _kept_words(before, known) - _kept_words(_docx_texts(out), known)
    assert not missing, f"{src.name}: words lost: {sorted(missing)}"
    return _neighbours(before, known)


def _check_case(folder: Path, tmp_path: Path) -> set[str]:
    case = read_case(folder / "casus.toml")
    known = _known(case.leerling, case.personen, case.extra_termen)
    neighbours: set[str] = set()
    for number, document in enumerate(case.documenten):
        src = folder / document.bestand
        if src.suffix.lower() == ".pdf":
            neighbours |= _check_pdf(src, tmp_path / f"uit-{number}.pdf", known)
        elif src.suffix.lower() == ".docx":
            neighbours |= _check_docx(src, tmp_path / f"uit-{number}.docx", known)
    return neighbours


def test_example_case_keeps_every_other_word(tmp_path: Path) -> None:
    neighbours = _check_case(EXAMPLE, tmp_path)
    # the check has teeth: these words stand right next to a hit in the example documents
    assert {"Adres", "Den", "Geboortedatum"} <= neighbours


@pytest.mark.slow
def test_generated_case_keeps_every_other_word(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    try:
        from benchmarks import generate_case
    finally:
        sys.path.remove(str(REPO))
    folder = tmp_path / "casus"
    generate_case.generate(folder, libreoffice=pdfmaker.soffice() is not None)
    assert len(_check_case(folder, tmp_path)) > 10


def test_test_pdfs_keep_every_other_word(tmp_path: Path) -> None:
    known = _known(Leerling(voornamen=pdfmaker.VOORNAAM, achternaam=pdfmaker.ACHTERNAAM,
                            bsn=pdfmaker.BSN, postcode=pdfmaker.POSTCODE,
                            adres="Weimarstraat 212"), [])
    makers: list[Callable[[Path], Path]] = [
        pdfmaker.make_rich_pdf,
        lambda p: pdfmaker.make_text_pdf(p, 3),
        pdfmaker.make_spaced_table_pdf,
        pdfmaker.make_spacing_pdf,
        pdfmaker.make_kerned_pdf,
        lambda p: pdfmaker.make_identity_h_pdf(p, [
            f"Gesprek met {pdfmaker.VOORNAAM} {pdfmaker.ACHTERNAAM}, BSN {pdfmaker.BSN}.",
            f"Postcode {pdfmaker.POSTCODE}", "E-mail ouders: zie dossier",
            "Adres: Weimarstraat 212", "E-mail ouders: zie dossier",
            "Woont aan de Weimarstraat 212 E-mail: zie boven"]),
    ]
    neighbours: set[str] = set()
    for number, make in enumerate(makers):
        src = make(tmp_path / f"bron-{number}.pdf")
        neighbours |= _check_pdf(src, tmp_path / f"uit-{number}.pdf", known)
    assert {"E", "BSN", "met", "Adres", "de"} <= neighbours


def test_shared_family_surname_gets_a_neutral_label(tmp_path: Path) -> None:
    """Word path: "Mirjam van der Berg en Daan van der Berg" is "[moeder] en [leerling]",
    not "[moeder] [leerling] en [leerling]"; the surname alone is no one's in particular."""
    known = _known(Leerling(voornamen="Daan", achternaam="van der Berg"),
                   [Persoon("moeder", "Mirjam van der Berg")])
    document = docx.Document()
    document.add_paragraph("Gesprek met Mirjam van der Berg en Daan van der Berg over school.")
    document.add_paragraph("De familie Van der Berg woont sinds kort in de wijk.")
    src = tmp_path / "verslag.docx"
    document.save(src)
    _check_docx(src, tmp_path / "uit.docx", known)
    shown = _docx_texts(tmp_path / "uit.docx")
    assert shown[0] == "Gesprek met [moeder] en [leerling] over school."
    assert shown[1] == "De familie [achternaam] woont sinds kort in de wijk."
