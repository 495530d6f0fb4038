"""Dates as Dutch users type them (dates.lees_datum): every usual way, and a clear
message for what cannot be read or does not exist, never a silent other date."""

from __future__ import annotations

from datetime import date

import pytest

from dossier_app.dates import DatumFout, datum_kort, lees_datum

VANDAAG = date(2026, 12, 5)  # school year 2026-2027


@pytest.mark.parametrize("text", ["29-02-2016", "29-2-2016", "29/02/2016", "29/2/2016", "29.02.2016",
                                  "2016-02-29", "29 februari 2016", "29 feb 2016", "29 feb. 2016",
                                  "29 Februari 2016", " 29  februari  2016 ", "ma 29 februari 2016",
                                  "maandag 29 februari 2016", "29 - 02 - 2016"])
def test_every_usual_way_of_writing_a_date(text):
    assert lees_datum(text, vandaag=VANDAAG, jaar_nodig=True) == date(2016, 2, 29)


@pytest.mark.parametrize(("text", "expected"), [
    ("1-6-2026", date(2026, 6, 1)), ("1 juni 2026", date(2026, 6, 1)), ("01-06-2026", date(2026, 6, 1)),
    ("3 sept 2026", date(2026, 9, 3)), ("3 sep 2026", date(2026, 9, 3)), ("7 mrt 2027", date(2027, 3, 7)),
    ("7 okt 2026", date(2026, 10, 7)), ("31 dec 2026", date(2026, 12, 31)),
])
def test_day_month_year(text, expected):
    assert lees_datum(text, vandaag=VANDAAG) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1 juni", date(2027, 6, 1)),  # June is in the second half of the school year
    ("1 sep", date(2026, 9, 1)),  # September in the first
    ("1-6", date(2027, 6, 1)), ("15-10", date(2026, 10, 15)),
])
def test_without_a_year_the_current_school_year(text, expected):
    assert lees_datum(text, vandaag=VANDAAG) == expected
    # on 1 March 2027 the school year is the same one
    assert lees_datum(text, vandaag=date(2027, 3, 1)) == expected


def test_empty_is_no_date():
    assert lees_datum("  ", vandaag=VANDAAG) is None


@pytest.mark.parametrize(("text", "says"), [
    ("29-02-2015", "februari 2015 heeft geen dag 29"),
    ("31-4-2026", "april 2026 heeft geen dag 31"),
    ("1-13-2020", "12 maanden"),
    ("sep", "geen datum die Tafeldossier kan lezen"),
    ("29-02-16", "vier cijfers"),
    ("29 feb 16", "vier cijfers"),
    ("30 februari 2016", "geen dag 30"),
    ("1 smurf 2016", "geen datum"),
    ("2016-13-01", "12 maanden"),
])
def test_what_cannot_be_read_or_does_not_exist_says_so(text, says):
    with pytest.raises(DatumFout) as exc:
        lees_datum(text, vandaag=VANDAAG)
    assert says in str(exc.value)
    assert "dd-mm-jjjj" in str(exc.value) or "Controleer" in str(exc.value) or "maand" in str(exc.value)


def test_a_birth_date_needs_its_year():
    with pytest.raises(DatumFout, match="jaar"):
        lees_datum("29 februari", vandaag=VANDAAG, jaar_nodig=True)


def test_shown_back_as_dd_mm_yyyy():
    assert datum_kort(date(2016, 2, 29)) == "29-02-2016"
    assert lees_datum(datum_kort(date(2015, 1, 1))) == date(2015, 1, 1)
