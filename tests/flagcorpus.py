"""A labelled evaluation set for the flagger: realistic Dutch school reports (PO and VO) as
text PDFs (reportlab) and Word files (python-docx), every item labelled.

All people are made up. Each document is written in a small markup: `{cls:value}` marks
an item and its class:

- planted personal data the user did not enter (`p.*`: the flagger must raise it as
  personal data): `p.naam` (siblings, grandparents, neighbours, with a cue),
  `p.relatie` (a relation in parentheses after a name), `p.familie` ("de familie X"),
  `p.tussen` (a capitalised tussenvoegsel), `p.telefoon`, `p.adres`, `p.email`, `p.bsn`,
  `p.iban`, `p.postcode`, `p.geboortedatum` (with a cue or under a "Geboortedatum"
  column), `p.afgebroken` (any of these as it came out wrapped over a line end: a
  surname hyphenated at the line end, a double name whose own hyphen ends the line, a
  number continued on the next line; in running text, narrow table cells, and Word
  files laid out by LibreOffice);
- professionals (`r`): must not be raised as personal data (a review item is fine), in
  the styles real reports use: role before or after, organisation in parentheses,
  "namens het CJG", signature blocks, role columns of tables, later mentions without
  the role, a role wrapped to the next line;
- decoys (`d.*`): ordinary dossier words that are no personal data: `d.vak` (subjects),
  `d.instelling` (schools, hospitals, programmes named after people), `d.woord` (surnames
  used as words), `d.label` (form labels), `d.plaatsdatum` ("Plaats en datum Rijswijk,
  2 juni 2026"), `d.datum` (dates of events, also after the redaction label
  "[geboortedatum]").

The pupil and parents of each family are entered in the case (`identifiers()`); their
names appear everywhere unlabelled, as in a real dossier.

`documents(variants)` builds the documents (deterministic, seeded), each in the case
(`Doc.dossier`) of its family and variant: a handover report names the case's
professionals with their role and a contact log names them again without it, and
`evaluate` applies the professionals of the whole case as the product does;
`write(doc, folder)` writes one as PDF or DOCX (a Word file is converted by the built-in
converter or, for `Doc.converter = "libreoffice"`, by LibreOffice);
`honest_documents()` are the same kinds of reports with no
planted personal data at all (for the "verifies clean" check).
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dossier_app.anonymise.identifiers import IdentifierSet, build_identifiers
from dossier_app.case_model import Leerling, Persoon

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
TODAY = date(2026, 10, 19)

_MARK = re.compile(r"\{([a-z]+(?:\.[a-z]+)?):([^{}]*)\}")


@dataclass(frozen=True)
class Family:
    leerling: Leerling
    ouders: tuple[Persoon, ...]
    roepnaam: str
    moeder: str
    vader: str


FAMILIES = (
    Family(Leerling(voornamen="Jasmijn Eva", roepnaam="Jasmijn", achternaam="Verkerk",
                    geboortedatum=date(2016, 4, 12), bsn="204817656",
                    adres="Goudsbloemlaan 112", postcode="2565 CV", woonplaats="Den Haag"),
           (Persoon("moeder", "Ilona Verkerk-Smeets", telefoon="06-48210937"),
            Persoon("vader", "Ruud Verkerk", telefoon="06-29384756")),
           "Jasmijn", "Ilona Verkerk-Smeets", "Ruud Verkerk"),
    Family(Leerling(voornamen="Bilal", roepnaam="Bilal", achternaam="Amrani",
                    geboortedatum=date(2011, 9, 3), bsn="232221313",
                    adres="Hoefkade 402", postcode="2526 BN", woonplaats="Den Haag"),
           (Persoon("moeder", "Samira Amrani-Tahiri", telefoon="06-17283940"),
            Persoon("vader", "Mustafa Amrani", telefoon="070-3928471")),
           "Bilal", "Samira Amrani-Tahiri", "Mustafa Amrani"),
)


# The family of examples/adviestafel-den-haag (its case file enters exactly these).
EXAMPLE_FAMILY = Family(
    Leerling(voornamen="Noor Aaliyah", roepnaam="Noor", achternaam="el Amrani",
             geboortedatum=date(2015, 11, 17), bsn="123456782", adres="Weimarstraat 212",
             postcode="2562 HK", woonplaats="Den Haag"),
    (Persoon("moeder", "Fatima el Amrani-Bouzid", telefoon="06-41528376", email="f.elamrani@example.nl"),
     Persoon("vader", "Youssef el Amrani", telefoon="070-3456789")),
    "Noor", "Fatima el Amrani-Bouzid", "Youssef el Amrani")


def identifiers(family: Family) -> IdentifierSet:
    return build_identifiers(family.leerling, list(family.ouders))


# --- pools (made up) ---------------------------------------------------------------------

SIBLING_FIRST = ["Yusuf", "Kacper", "Zofia", "Oliwia", "Jakub", "Mees", "Fenna", "Sem", "Ayoub",
                 "Ilias", "Amira", "Mila", "Tess", "Jayden", "Shanice", "Dewi", "Rohan", "Anjali",
                 "Mehmet", "Elif", "Emre", "Zeynep", "Wiktoria", "Szymon", "Natalia", "Tymon",
                 "Luuk", "Femke", "Ricardo", "Soufiane", "Hamza", "Yara", "Liam", "Julia", "Dunya",
                 "Stijn", "Maud", "Igor", "Aleksandra", "Mateusz", "Kerem", "Ravi", "Sanne-Lotte"]
RELATIVE_FULL = ["Truus de Wit", "Henk Brouwers", "Gerda Hendriks", "Kees Janssens", "Ramesh Mahabier",
                 "Sunita Ramdin", "Abdelkader Bakkali", "Fatiha El Idrissi", "Jan-Willem Peeters",
                 "Marieke Wouters", "Hüseyin Yılmaz", "Ayşe Demir", "Tomasz Nowak", "Barbara Wiśniewska",
                 "Rinus Verbeek", "Johanna de Bruijn", "Errol Sewnath", "Gloria Doelwijt",
                 "Stanley Pinas", "Karolina Zielińska"]
FAMILY_NAMES = ["Doelwijt", "Kowalski", "Öztürk", "Mahabier", "Brouwers", "Nowak", "Sewnath", "Pinas",
                "El Khatib", "Hendriks", "Wiśniewski", "Ramdin"]
TUSSEN_NAMES = ["Van den Broek", "De Bruijn", "Van der Meulen", "Van Beek", "Ter Horst", "Van 't Hof",
                "De Groot", "Van Dam", "Den Hartog", "El Hamdaoui"]
RELATIONS = ["broer", "zus", "oom", "tante", "neef", "nicht", "opa", "oma", "buurman", "buurvrouw",
             "stiefvader", "halfbroer", "halfzus", "grootmoeder", "vriend van moeder"]
PHONES = ["06-51234987", "06 23 45 67 81", "+31 6 41236587", "070 345 6712", "06-19283746",
          "+48 601 234 567", "010-4567123", "06-87654123", "+32 470 12 34 56", "0174 234567"]
ADDRESSES = ["Laakkade 14b", "Prins Hendrikstraat 3-2", "Weimarstraat 212",
             "Vaillantlaan 21", "Zuiderparklaan 301", "Loosduinseweg 17a", "Paul Krugerlaan 44",
             "Stationsweg 9", "Herengracht 5 hs", "Fahrenheitstraat 620", "Bazarstraat 12",
             "Kamperfoeliestraat 7"]
EMAILS = ["oma.truus@hotmail.com", "k.nowak1985@gmail.com", "gezin.doelwijt@ziggo.nl",
          "yusuf.k@outlook.com", "rinus.verbeek@kpnmail.nl", "ayse.demir@live.nl"]
BSNS = ["111222333", "123456782", "234567892"]
BIRTH_DATES = ["12-05-2012", "03-11-2014", "21 januari 2019", "2013-07-30", "8 okt. 2017",
               "17-02-1958", "30-06-2010", "05-12-2015", "14 maart 2009"]

PRO_FIRST = ["Petra", "Marloes", "Fatima", "Priya", "Anna", "Erik", "Mirjam", "Dennis", "Sanne",
             "Karin", "Joost", "Ingrid", "Wouter", "Esther", "Hanneke", "Bas", "Nadia", "Rachida",
             "Sandra", "Thijs", "Monique", "Ilse", "Gerard", "Hatice", "Jeroen", "Linda", "Özlem",
             "Agnieszka", "Ruben", "Noortje"]
PRO_LAST = ["Bouwman", "Hoogland", "Smit", "Kowalczyk", "Mol", "de Lange", "Kuipers", "Ouali",
            "Mangal", "Verhoef", "Visser", "de Graaf", "Dekker", "Vermeulen", "Postma", "Hoekstra",
            "Koç", "Benali", "Kramer", "van Dijk", "Meijer", "Mulder", "Bos", "van Leeuwen",
            "Jacobs", "Willems", "Lubbers", "Zwanenburg", "Sitompul", "Brinkman"]
ROLES = ["intern begeleider", "IB'er", "mentor", "leerkracht van groep 6", "jeugdarts",
         "jeugdverpleegkundige", "schoolmaatschappelijk werker", "leerplichtambtenaar",
         "verzuimcoördinator", "zorgcoördinator", "orthopedagoog", "GZ-psycholoog",
         "administratief medewerker", "tolk Pools", "wijkagent", "casemanager", "gezinscoach",
         "consulent passend onderwijs", "ambulant begeleider", "teamleider onderbouw",
         "afdelingsleider", "directeur", "logopedist", "kinderfysiotherapeut", "kinderpsychiater",
         "ouder- en kindadviseur", "jeugdconsulent", "trajectbegeleider", "decaan",
         "remedial teacher", "onderwijsassistent", "vertrouwenspersoon", "gedragsspecialist",
         "huisarts", "coördinator leerlingzaken", "schoolverpleegkundige", "jeugdbeschermer"]
ORGS = ["GGD Haaglanden", "CJG", "JGZ", "SWV", "LPA", "RBL", "Veilig Thuis", "wijkteam Laak",
        "Jeugdbescherming west", "Raad voor de Kinderbescherming", "Youz", "Parnassia",
        "Stichting Jeugdformaat", "leerplicht", "gemeente Den Haag", "Kessler Stichting"]

SUBJECTS = ["Nederlands", "Engels", "Frans", "Duits", "Spaans", "Turks", "Arabisch", "Latijn",
            "Grieks", "Geschiedenis", "Aardrijkskunde", "Biologie", "Economie", "NaSk", "Wiskunde",
            "Rekenen", "Muziek", "Techniek", "Informatica", "Filosofie"]
INSTITUTIONS = ["Juliana Kinderziekenhuis", "Johan de Witt-scholengroep", "Edith Stein College",
                "Rots en Water", "Maerlant Lyceum", "Stanislas College", "basisschool De Regenboog",
                "OBS Willem van Oranje", "CBS Prins Maurits", "IKC Anne Frank", "Dr. Schaepmanschool",
                "Sophia Kinderziekenhuis", "Erasmus College", "Huygens College",
                "Pieter Zeeman College", "Vincent van Gogh Lyceum", "Maria Montessorischool",
                "Kanjertraining", "Christelijk Lyceum Delft", "Koningin Wilhelmina School",
                "Emma Kinderziekenhuis", "Haags Montessori Lyceum", "Lorentz Lyceum",
                "Mondriaan College", "Hofstad Lyceum", "Jan Ligthart School"]
WORD_SURNAMES = ["Zijn beroepswens is {d.woord:Kok} of {d.woord:Bakker}",
                 "In het stoplichtmodel staat hij op {d.woord:Groen}",
                 "Bij sociaal functioneren scoort zij {d.woord:Oranje}",
                 "Hij wil later {d.woord:Timmerman} of {d.woord:Schilder} worden",
                 "In de musical speelde zij de {d.woord:Koning}",
                 "De kaart stond op {d.woord:Rood}",
                 "Beroepen die hem trekken: {d.woord:Kapper}, {d.woord:Monteur} of {d.woord:Visser}"]
LABELS = ["Relatie", "Geboortedatum", "Bijzonderheden", "Klas", "Interesses", "Nationaliteit",
          "Hobby's", "Schooljaar", "Leerweg", "Niveau", "Ondersteuningsbehoefte", "Hulpvraag",
          "Sterke kanten", "Belemmerende factoren", "Uitstroomprofiel", "Gezinssamenstelling",
          "Medicatie", "Diagnose", "Toelichting", "Aandachtspunten", "Voertaal", "Mentor",
          "Doorstroom", "Beginsituatie", "Leeftijd", "Roepnaam", "Geslacht", "Verwijzer"]
PLACES = ["Rijswijk", "Den Haag", "Delft", "Zoetermeer", "Leidschendam", "Voorburg", "Wateringen",
          "Naaldwijk", "Rotterdam", "Amsterdam", "Westland"]
EVENT_DATES = ["01-09-2020", "14-03-2019", "1 augustus 2018", "12-11-2017", "05-06-2016",
               "2019-10-07", "28 september 2015", "03-02-2021", "16-09-2014", "9 januari 2017"]
EVENT_CUES = ["ingestroomd in groep 1 op {d}", "intake d.d. {d}", "aangemeld per {d}",
              "sinds {d} bekend bij het CJG", "verslag van {d}", "ingeschreven op {d}",
              "eerste gesprek op {d}", "gestart op {d} met de behandeling",
              "op {d} verhuisd naar een andere wijk", "overgestapt per {d}"]


@dataclass
class Doc:
    name: str
    kind: str  # "pdf" or "docx"
    family: Family
    blocks: list[tuple[str, object]] = field(default_factory=list)
    converter: str = "builtin"  # for Word files: the converter that makes the PDF
    dossier: str = ""  # the case it belongs to ("" = a case of its own): see `evaluate`

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def lines(self, *lines: str) -> None:
        self.blocks.append(("lines", list(lines)))

    def table(self, rows: list[list[str]]) -> None:
        self.blocks.append(("table", rows))

    def narrow(self, rows: list[list[str]]) -> None:
        """A table with narrow columns (cells wrap; a "\n" in a cell is a line end)."""
        self.blocks.append(("narrow", rows))

    def labels(self) -> list[tuple[str, str]]:
        """(value, class) of every marked item, once per mark."""
        return [(m[2], m[1]) for m in _MARK.finditer(self._markup())]

    def _markup(self) -> str:
        out = []
        for kind, body in self.blocks:
            if kind in ("table", "narrow"):
                out += [" ".join(row) for row in body]  # type: ignore[attr-defined]
            elif kind == "lines":
                out += list(body)  # type: ignore[call-overload]
            else:
                out.append(str(body))
        return "\n".join(out)


def plain(text: str) -> str:
    return _MARK.sub(lambda m: m[2], text)


# --- how reports name professionals -------------------------------------------------------

_Style = Callable[[str, str, str, str], str]
PRO_STYLES: list[_Style] = [
    lambda f, s, r, o: f"{r} {{r:{f} {s}}}",
    lambda f, s, r, o: f"mevrouw {{r:{s[0].upper() + s[1:]}}} ({o})",
    lambda f, s, r, o: f"{{r:{f[0]}. {s}}}, {r}",
    lambda f, s, r, o: f"{{r:{f} {s}}}, {r}",
    lambda f, s, r, o: f"{{r:{f} {s}}} ({r})",
    lambda f, s, r, o: f"{{r:{f} {s}}} ({o})",
    lambda f, s, r, o: f"namens het {o} {{r:{f} {s}}}",
    lambda f, s, r, o: f"de {r}, {{r:{f} {s}}},",
    lambda f, s, r, o: f"{r} {{r:{f}}}",
    lambda f, s, r, o: f"dhr. {{r:{s[0].upper() + s[1:]}}} ({r})",
    lambda f, s, r, o: f"{{r:{f} {s}}} ({r},\n{o})",
    lambda f, s, r, o: f"{{r:{f} {s}}} van {o}",
]


class People:
    """Draws people for one document without repeats."""

    def __init__(self, rng: random.Random, family: Family | None = None) -> None:
        self.rng = rng
        # nobody shares a name with the family entered in the case
        taken = {w.lower() for w in re.findall(r"\w+", " ".join(
            [family.leerling.voornamen, family.leerling.achternaam, family.moeder, family.vader])
        )} if family else set()
        self._pools = {k: [x for x in v if not taken & {w.lower() for w in re.findall(r"\w+", x)}]
                       for k, v in {
            "sib": SIBLING_FIRST, "rel": RELATIVE_FULL, "fam": FAMILY_NAMES, "tus": TUSSEN_NAMES,
            "pf": PRO_FIRST, "pl": PRO_LAST, "role": ROLES, "org": ORGS, "inst": INSTITUTIONS,
            "subj": SUBJECTS, "phone": PHONES, "addr": ADDRESSES, "mail": EMAILS,
            "bd": BIRTH_DATES, "ev": EVENT_DATES, "lab": LABELS, "place": PLACES}.items()}
        for pool in self._pools.values():
            rng.shuffle(pool)

    def take(self, pool: str) -> str:
        items = self._pools[pool]
        value = items.pop()
        items.insert(0, value)  # wraps around in long documents
        return value

    def take_bsn(self) -> str:
        return BSNS[self.rng.randrange(len(BSNS))]

    def professional(self, style: int | None = None) -> tuple[str, str]:
        """Markup naming a professional, and a later mention (surname or first name)."""
        first, last = self.take("pf"), self.take("pl")
        role, org = self.take("role"), self.take("org")
        chosen = PRO_STYLES[style if style is not None else self.rng.randrange(len(PRO_STYLES))]
        text = chosen(first, last, role, org)
        surname = last[0].upper() + last[1:]  # "De Graaf vertelt"
        later = surname if "{r:" + first + "}" not in text else first
        if "mevrouw {r:" in text or "dhr. {r:" in text:
            later = last[0].upper() + last[1:]
            return text, f"mevrouw {{r:{later}}}" if "mevrouw" in text else f"meneer {{r:{later}}}"
        return text, f"{{r:{later}}}"


# --- document kinds --------------------------------------------------------------------

def _mdo(doc: Doc, ppl: People, n: int) -> None:
    fam = doc.family
    a, a_later = ppl.professional()
    b, _ = ppl.professional()
    c, c_later = ppl.professional()
    doc.h(f"Verslag multidisciplinair overleg {n}")
    doc.p(f"Aanwezig: {fam.moeder} (moeder), {fam.vader} (vader), {a}, {b} en {c}. "
          f"Afwezig met bericht: {ppl.professional()[0]}.")
    sib, rel = ppl.take("sib"), ppl.take("rel")
    doc.p(f"{fam.roepnaam} woont met moeder, vader en broertje {{p.naam:{sib}}} in de wijk. "
          f"Op woensdag is {fam.roepnaam} bij {ppl.rng.choice(['oma', 'opa', 'tante'])} "
          f"{{p.naam:{rel}}}, die op de {{p.adres:{ppl.take('addr')}}} woont. "
          f"Zij is bereikbaar op {{p.telefoon:{ppl.take('phone')}}}.")
    doc.p(f"{a_later} vertelt dat {fam.roepnaam} sinds de herfstvakantie vaker afwezig is. "
          f"Volgens {c_later} speelt de zorg om {{p.relatie:{ppl.take('sib')}}} "
          f"({ppl.rng.choice(['broer', 'zus', 'halfbroer'])}, {ppl.rng.randint(13, 19)}) een rol; "
          f"die is {EVENT_CUES[n % len(EVENT_CUES)].format(d='{d.datum:' + ppl.take('ev') + '}')}.")
    subj1, subj2 = ppl.take("subj"), ppl.take("subj")
    doc.p(f"Op school gaat het wisselend. Bij de lessen {{d.vak:{subj1}}} doet {fam.roepnaam} "
          f"goed mee; de vorderingen bij {{d.vak:{subj2}}} blijven achter. "
          f"Eerder kreeg {fam.roepnaam} begeleiding via {{d.instelling:{ppl.take('inst')}}}.")
    doc.p(f"Afspraken: {a_later} neemt contact op met de familie {{p.familie:{ppl.take('fam')}}} "
          f"over het vervoer; {c_later} plant een huisbezoek. "
          f"Mevrouw {{p.tussen:{ppl.take('tus')}}}, de buurvrouw, past soms op.")
    doc.p(f"Volgend overleg: {{d.datum:{ppl.take('ev')}}} op school. "
          f"{ppl.rng.choice(WORD_SURNAMES)}.")


def _smw(doc: Doc, ppl: People) -> None:
    fam = doc.family
    first, last = ppl.take("pf"), ppl.take("pl")
    doc.h("Verslag schoolmaatschappelijk werk")
    doc.table([["Naam leerling", fam.roepnaam + " " + fam.leerling.achternaam],
               ["{d.label:Klas}", "groep 6b"],
               ["Schoolmaatschappelijk werk", f"{{r:{first} {last}}}"],
               ["Intern begeleider", f"{{r:{ppl.take('pf')} {ppl.take('pl')}}}"],
               ["Datum verslag", "{d.datum:" + ppl.take("ev") + "}"]])
    doc.p(f"Aanleiding: de school maakt zich zorgen over het verzuim. In het gesprek met "
          f"{fam.moeder} kwam naar voren dat oom {{p.naam:{ppl.take('rel')}}} sinds kort "
          f"inwoont. {{p.relatie:{ppl.take('sib')}}} ({ppl.rng.choice(RELATIONS)}, "
          f"{ppl.rng.randint(12, 40)}) brengt {fam.roepnaam} soms naar school.")
    doc.p(f"Moeder gaf het nummer van buurvrouw {{p.naam:{ppl.take('rel')}}}: "
          f"{{p.telefoon:{ppl.take('phone')}}}, e-mail {{p.email:{ppl.take('mail')}}}.")
    doc.p(f"{fam.roepnaam} is aangemeld bij het {{d.instelling:{ppl.take('inst')}}} voor "
          f"onderzoek. {{r:{first}}} heeft contact gehad met de huisarts.")
    doc.lines("Met vriendelijke groet,", "", f"{{r:{first} {last}}}", "Schoolmaatschappelijk werker",
              "{d.instelling:" + ppl.take("inst") + "}")


def _family_table(doc: Doc, ppl: People) -> None:
    fam = doc.family
    doc.h("Gezinssituatie")
    rows = [["Naam", "{d.label:Relatie}", "{d.label:Geboortedatum}", "{d.label:Bijzonderheden}"],
            [fam.moeder, "moeder", "", "werkt parttime"],
            [fam.vader, "vader", "", ""]]
    for _ in range(2):
        rows.append([f"{{p.naam:{ppl.take('sib')}}} {fam.leerling.achternaam}",
                     ppl.rng.choice(["broer", "zus"]), "{p.geboortedatum:" + ppl.take("bd") + "}",
                     ppl.rng.choice(["zit op de middelbare school", "naar de opvang", "-"])])
    doc.table(rows)
    doc.p(f"{fam.roepnaam} is geboren op {fam.leerling.geboortedatum:%d-%m-%Y}; "
          f"halfzus {{p.naam:{ppl.take('sib')}}} (geb. {{p.geboortedatum:{ppl.take('bd')}}}) "
          f"woont bij haar vader. Het gezin {{p.familie:{ppl.take('fam')}}} uit de straat helpt.")


def _grades(doc: Doc, ppl: People) -> None:
    doc.h("Cijferoverzicht en vorderingen")
    rows = [["Vak", "Periode 1", "Periode 2", "Gemiddeld"]]
    for _ in range(6):
        rows.append(["{d.vak:" + ppl.take("subj") + "}", f"{ppl.rng.randint(4, 8)},{ppl.rng.randint(0, 9)}",
                     f"{ppl.rng.randint(4, 8)},{ppl.rng.randint(0, 9)}", f"{ppl.rng.randint(5, 7)},0"])
    doc.table(rows)
    subjects = " ".join(f"{{d.vak:{ppl.take('subj')}}} {ppl.rng.randint(4, 8)},{ppl.rng.randint(0, 9)}"
                        for _ in range(4))
    doc.p(f"Rapportcijfers: {subjects}. {ppl.rng.choice(WORD_SURNAMES)}.")
    mentor_first, mentor_last = ppl.take("pf"), ppl.take("pl")
    doc.p(f"Mentor: {{r:{mentor_first} {mentor_last}}}. Decaan: {{r:{ppl.take('pf')} {ppl.take('pl')}}}.")
    doc.p(f"{{r:{mentor_last.split()[-1]}}} merkt op dat de motivatie voor {{d.vak:{ppl.take('subj')}}} "
          f"groot is. {ppl.rng.choice(WORD_SURNAMES)}.")


def _form(doc: Doc, ppl: People) -> None:
    doc.h("Aanmeldformulier ondersteuning")
    for _ in range(5):
        doc.lines("{d.label:" + ppl.take("lab") + "}", "............................")
    doc.lines("{d.label:" + ppl.take("lab") + "} {d.label:" + ppl.take("lab") + "} {d.label:"
              + ppl.take("lab") + "}")
    place = ppl.take("place")
    day = f"{ppl.rng.randint(1, 28)} {ppl.rng.choice(['juni', 'mei', 'september'])} 2026"
    doc.lines(f"Plaats en datum {{d.plaatsdatum:{place}, {day}}}",
              f"Handtekening ouder/verzorger: {doc.family.moeder}")
    doc.p(f"Ingevuld door {ppl.professional()[0]} op {{d.datum:{ppl.take('ev')}}}.")


def _opp(doc: Doc, ppl: People) -> None:
    fam = doc.family
    ib, ib_later = ppl.professional(0)
    doc.h("Ontwikkelingsperspectiefplan (OPP)")
    doc.p(f"{fam.roepnaam} ({fam.leerling.geboortedatum:%d-%m-%Y}) "
          f"{EVENT_CUES[0].format(d='{d.datum:' + ppl.take('ev') + '}')}. "
          f"Opgesteld door {ib}, in overleg met {ppl.professional(5)[0]}.")
    doc.p(f"Leerroute: uitstroomprofiel vmbo-kader. Voor {{d.vak:{ppl.take('subj')}}} en "
          f"{{d.vak:{ppl.take('subj')}}} werkt {fam.roepnaam} op eigen niveau. "
          f"{fam.roepnaam} bezoekt wekelijks {{d.instelling:{ppl.take('inst')}}}.")
    doc.p(f"Evaluatie: {ib_later} en {ppl.professional(8)[0]} bespraken de doelen met moeder. "
          f"Thuis helpt opa {{p.naam:{ppl.take('rel')}}} met lezen; bellen kan via "
          f"{{p.telefoon:{ppl.take('phone')}}}. BSN van zus {{p.naam:{ppl.take('sib')}}}: "
          f"{{p.bsn:{ppl.take_bsn()}}}.")
    doc.p(f"Ondertekening: {ppl.professional(3)[0]} {ib_later} ({{d.datum:{ppl.take('ev')}}}).")


def _verzuim(doc: Doc, ppl: People) -> None:
    fam = doc.family
    doc.h("Verzuimregistratie en verzuimmelding")
    rows = [["Datum", "Uren", "Reden", "Gemeld door"]]
    for _ in range(4):
        rows.append(["{d.datum:" + ppl.take("ev") + "}", str(ppl.rng.randint(2, 7)),
                     ppl.rng.choice(["ziek", "ongeoorloofd", "te laat"]), "moeder"])
    rows.append(["{d.datum:" + ppl.take("ev") + "}", "6", "ziek",
                 f"{{p.relatie:{ppl.take('sib')}}} ({ppl.rng.choice(['broer', 'zus'])}, 16)"])
    doc.table(rows)
    lpa, lpa_later = ppl.professional()
    doc.p(f"De melding is gedaan bij {lpa}. Ook {ppl.professional()[0]} is op de hoogte. "
          f"{lpa_later} sprak met {fam.vader} en met neef {{p.naam:{ppl.take('rel')}}}, "
          f"bereikbaar via {{p.email:{ppl.take('mail')}}}.")


def _break_word(word: str, rng: random.Random, mark: str = "-\n") -> str:
    """`word` hyphenated over a line end somewhere in its middle ("Bouch-" / "taoui")."""
    at = rng.randint(2, max(2, len(word) - 3))
    return word[:at] + mark + word[at:]


def _break_groups(number: str, rng: random.Random) -> str:
    """A number written in groups, wrapped at one of its spaces ("+48 601 234" / "567")."""
    gaps = [m.start() for m in re.finditer(" ", number)]
    if not gaps:  # "06-51234987": after its hyphen
        at = number.index("-") + 1
        return number[:at] + "\n" + number[at:]
    at = gaps[rng.randrange(1, len(gaps))] if len(gaps) > 1 else gaps[0]
    return number[:at] + "\n" + number[at + 1:]


def _iban(rng: random.Random) -> str:
    """A valid Dutch IBAN in groups of four (made up: mod 97 holds, no real account)."""
    bank = rng.choice(["ABNA", "INGB", "RABO", "SNSB", "TRIO"])
    account = f"{rng.randrange(10 ** 9, 10 ** 10)}"
    digits = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(digits) % 97
    iban = f"NL{check:02d}{bank}{account}"
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _wrapped(doc: Doc, ppl: People) -> None:
    """Names and numbers wrapped over a line end (PDF): a surname hyphenated at the line
    end (lowercase continuation), a double first name or surname whose own hyphen ends
    the line, phone numbers, a BSN, an IBAN and a postcode continued on the next line; a
    professional hyphenated the same way; a list item starting with a dash."""
    rng = ppl.rng
    first, last = ppl.take("rel").split(" ", 1)
    words = last.split(" ")
    words[-1] = _break_word(words[-1], rng)
    doc.p(f"Contact gezin: tante {{p.naam:{first} {' '.join(words)}}} belt vaak; haar nummer is "
          f"{{p.telefoon:{_break_groups(ppl.take('phone'), rng)}}}. Zij neemt neefje "
          f"{{p.naam:{ppl.take('sib')}}} mee.")
    double = rng.choice(["Jan-Willem", "Anne-Marie", "Sanne-Lotte", "Jean-Paul", "Marie-José"])
    doc.p(f"Op woensdag haalt buurman {{p.naam:{double.replace('-', '-' + chr(10))} "
          f"{ppl.take('fam')}}} de kinderen op. Zijn mobiel: {{p.telefoon:"
          f"{_break_groups(ppl.take('phone'), rng)}}}.")
    bsn = rng.choice(BSNS)
    bsn_written = f"{bsn[:4]} {bsn[4:6]}\n{bsn[6:]}" if rng.random() < 0.5 else \
        f"{bsn[:3]} {bsn[3:6]}\n{bsn[6:]}"
    doc.p(f"Voor de aanvraag gaf moeder het BSN van halfbroer {{p.naam:{ppl.take('sib')}}}: "
          f"{{p.bsn:{bsn_written}}}; het geld gaat naar rekening {{p.iban:"
          f"{_break_groups(_iban(rng), rng)}}}.")
    street = ppl.take("addr")
    code = f"{rng.randint(1000, 9999)}\n{rng.choice(['AB', 'CK', 'GH', 'LP', 'RT', 'XZ'])}"
    doc.p(f"Oma {{p.naam:{ppl.take('rel')}}} woont op {{p.adres:{street}}}, {{p.postcode:{code}}} "
          f"{ppl.take('place')}.")
    pro_first, pro_last = ppl.take("pf"), ppl.take("pl")
    pro_words = pro_last.split(" ")
    if len(pro_words[-1]) >= 5:
        pro_words[-1] = _break_word(pro_words[-1], rng)
    doc.p(f"Het advies komt van {{r:{pro_first} {' '.join(pro_words)}}} (intern\nbegeleider); zij "
          f"sprak ook met {{r:{ppl.take('pf')} {ppl.take('pl')}}} (ambulant\nbegeleider).")
    region = rng.choice(["Noord-Holland", "Zuid-Holland", "Noord-Brabant", "Oost-Europa"])
    doc.p(f"Het gezin komt uit {{d.woord:{region.replace('-', '-' + chr(10))}}} en spreekt thuis "
          f"Pools; de afspraken met de school:")
    doc.lines(f"- {{d.vak:{ppl.take('subj')}}} extra oefenen", "- elke week een gesprek",
              f"- {{d.instelling:{ppl.take('inst')}}} blijft betrokken")


def _wrapped_table(doc: Doc, ppl: People) -> None:
    """A contact table with narrow columns: names and numbers wrap inside their cells
    (reportlab: hyphenated by us; Word: soft hyphens and the converter's own line
    breaks)."""
    rng = ppl.rng
    soft = doc.kind == "docx"
    doc.h("Netwerk rond het gezin")
    rows = [["Naam", "Relatie", "Telefoon", "Bijzonderheden"]]
    for relation in rng.sample(["tante", "oom", "opa", "oma", "buurvrouw", "neef"], 3):
        first, last = ppl.take("rel").split(" ", 1)
        words = last.split(" ")
        words[-1] = _break_word(words[-1], rng, "\u00ad" if soft else "-\n")
        phone = ppl.take("phone")
        rows.append([f"{{p.naam:{first} {' '.join(words)}}}", relation,
                     f"{{p.telefoon:{phone if soft else _break_groups(phone, rng)}}}",
                     "haalt op" if soft else "haalt\nop"])
    doc.narrow(rows)
    doc.p(f"Overleg met {{r:{ppl.take('pf')} {ppl.take('pl')}}} ({ppl.take('role')}) over het "
          f"netwerk; {fam_name(doc)} is akkoord.")


def _case_professionals(ppl: People) -> list[tuple[str, str, str]]:
    """Four professionals of one case: (markup with the role, later mention, full name).
    Drawn first by both documents of a pair, so both name the same people."""
    out = []
    for style in (0, 1, 3, 4, 6, 9):
        first, last = ppl.take("pf"), ppl.take("pl")
        role, org = ppl.take("role"), ppl.take("org")
        text = PRO_STYLES[style](first, last, role, org)
        surname = last[0].upper() + last[1:]
        later = f"{{r:{surname}}}" if style not in (1, 9) else \
            f"{'mevrouw' if style == 1 else 'meneer'} {{r:{surname}}}"
        out.append((text, later, f"{{r:{first} {last}}}" if style not in (1, 9) else later))
    return out


def _handover(doc: Doc, ppl: People) -> None:
    """A handover report naming the case's professionals with their roles (the first
    document of a two-document case)."""
    pros = _case_professionals(ppl)
    fam = doc.family
    doc.h("Overdrachtsverslag zorgteam")
    doc.p(f"Betrokken bij {fam.roepnaam}: {pros[0][0]}, {pros[1][0]} en {pros[2][0]}. "
          f"Verder {pros[3][0]}, {pros[4][0]} en {pros[5][0]}.")
    doc.p(f"{fam.roepnaam} woont bij moeder; oom {{p.naam:{ppl.take('rel')}}} helpt met vervoer. "
          f"Het gezin wordt ondersteund vanuit {{d.instelling:{ppl.take('inst')}}}.")


def _logbook(doc: Doc, ppl: People) -> None:
    """A contact log of the same case naming the professionals again without their role
    ("Bouwman belde"): the second document of the pair."""
    pros = _case_professionals(ppl)
    ppl.take("rel")  # the uncle of the handover report
    fam = doc.family
    days = [f"{d:02d}-10-2026" for d in (2, 6, 9, 13, 16, 20)]
    doc.h("Logboek contacten")
    doc.lines(
        f"{days[0]}: {pros[0][1]} belde met {fam.moeder} over het verzuim.",
        f"{days[1]}: overleg met {pros[1][1]}; afspraak gepland.",
        f"{days[2]}: {pros[2][2]} heeft {fam.roepnaam} gesproken.",
        f"{days[3]}: {pros[3][1]} stuurt het verslag na.",
        f"{days[4]}: volgens {pros[4][2]} gaat het beter; zus {{p.naam:{ppl.take('sib')}}} "
        "brengt haar nu.",
        f"{days[5]}: {pros[5][1]} en {pros[0][1]} bespreken de voortgang met "
        f"buurvrouw {{p.naam:{ppl.take('rel')}}}.")


def fam_name(doc: Doc) -> str:
    return doc.family.moeder


_KINDS = [("mdo-1", "docx"), ("smw", "docx"), ("gezin", "pdf"), ("cijfers", "pdf"),
          ("formulier", "pdf"), ("opp", "docx"), ("verzuim", "pdf"), ("mdo-2", "pdf"),
          ("afgebroken", "pdf"), ("netwerk", "pdf"), ("netwerk-word", "docx"),
          ("overdracht", "docx"), ("logboek", "pdf")]
_PAIRED = ("overdracht", "logboek")


def documents(variants: int = 3, seed: int = 20261205) -> list[Doc]:
    """`variants` x nine documents per family (PO and VO), PDF and Word."""
    out = []
    for v in range(variants):
        for f, fam in enumerate(FAMILIES):
            rng = random.Random(seed + 100 * v + f)
            for name, kind in _KINDS:
                ppl = People(random.Random(seed + 100 * v + f + 50), fam) if name in _PAIRED \
                    else People(rng, fam)  # both of a pair name the same professionals
                doc = Doc(f"{name}-{f}-{v}", kind, fam, dossier=f"{f}-{v}")
                if name.endswith("-word") and _soffice():
                    doc.converter = "libreoffice"  # Word -> PDF as LibreOffice lays it out
                _BUILD[name](doc, ppl)
                out.append(doc)
    return out


_BUILD: dict[str, Callable[[Doc, People], None]] = {
    "mdo-1": lambda d, p: _mdo(d, p, 1), "mdo-2": lambda d, p: _mdo(d, p, 2), "smw": _smw,
    "gezin": _family_table, "cijfers": _grades, "formulier": _form, "opp": _opp,
    "verzuim": _verzuim, "afgebroken": _wrapped, "netwerk": _wrapped_table,
    "netwerk-word": _wrapped_table, "overdracht": _handover, "logboek": _logbook,
}


def _soffice() -> bool:
    from dossier_app.documents.convert import libreoffice

    return libreoffice.find_soffice() is not None


def honest_documents(family: Family = EXAMPLE_FAMILY, seed: int = 7) -> list[Doc]:
    """Reports of the same kinds with nothing planted: every sentence holding a `p.*` item
    is left out."""
    out = []
    for doc in documents(1, seed):
        if doc.name.startswith(("afgebroken", "gezin", "verzuim", "netwerk")) \
                or doc.family != FAMILIES[0]:
            continue
        again = _rebuilt_for(doc, family, seed)
        honest = Doc(again.name, again.kind, family)
        for kind, body in again.blocks:
            honest.blocks.append((kind, _without_planted(body)))
        out.append(honest)
    return out


def _rebuilt_for(doc: Doc, family: Family, seed: int) -> Doc:
    name = doc.name.rsplit("-", 2)[0]
    again = Doc(doc.name, doc.kind, family)
    _BUILD[name](again, People(random.Random(seed), family))
    return again


def _without_planted(body: object) -> object:
    if isinstance(body, list):
        return [_without_planted(b) for b in body]
    text = str(body)
    # a sentence holding planted data goes as a whole (split outside the marks only)
    sentences = re.split(r"(?<=[.;:])\s+(?![^{}]*\})", text)
    return " ".join(s for s in sentences if "{p." not in s)


# --- writing ----------------------------------------------------------------------------

def write(doc: Doc, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return _write_pdf(doc, folder / f"{doc.name}.pdf") if doc.kind == "pdf" else \
        _write_docx(doc, folder / f"{doc.name}.docx")


def _write_pdf(doc: Doc, path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = [800.0]

    def line(text: str, x: float = 56, size: float = 10) -> None:
        if y[0] < 60:
            pdf.showPage()
            y[0] = 800.0
        pdf.setFont("DejaVu", size)
        pdf.drawString(x, y[0], text)

    for kind, body in doc.blocks:
        if kind == "h":
            line(plain(str(body)), size=13)
            y[0] -= 22
        elif kind == "p":
            for piece in plain(str(body)).split("\n"):
                for wrapped in textwrap.wrap(piece, 92) or [""]:
                    line(wrapped)
                    y[0] -= 14
            y[0] -= 8
        elif kind == "lines":
            for text in body:  # type: ignore[attr-defined]
                line(plain(text))
                y[0] -= 14
            y[0] -= 8
        elif kind == "narrow":
            for row in body:  # type: ignore[attr-defined]
                cells = [plain(cell).split("\n") for cell in row]
                for i, pieces in enumerate(cells):  # cell by cell, as a table is drawn
                    for k, piece in enumerate(pieces):
                        pdf.setFont("DejaVu", 10)
                        pdf.drawString(56 + i * 78, y[0] - 13 * k, piece)
                y[0] -= 13 * max(len(c) for c in cells) + 6
            y[0] -= 8
        else:
            for row in body:  # type: ignore[attr-defined]
                width = 480 / len(row)
                for i, cell in enumerate(row):
                    line(plain(cell), x=56 + i * width)
                y[0] -= 16
            y[0] -= 8
    pdf.setFont("DejaVu", 8)
    pdf.drawString(56, 30, "Vertrouwelijk")
    pdf.save()
    return path


def _write_docx(doc: Doc, path: Path) -> Path:
    from docx import Document as Docx

    out = Docx()
    for kind, body in doc.blocks:
        if kind == "h":
            out.add_heading(plain(str(body)), level=2)
        elif kind == "p":
            para = out.add_paragraph()
            for i, piece in enumerate(plain(str(body)).split("\n")):
                run = para.add_run(piece)
                if i:
                    run.add_break()
        elif kind == "lines":
            for text in body:  # type: ignore[attr-defined]
                out.add_paragraph(plain(text))
        else:
            rows = body  # type: ignore[assignment]
            table = out.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[arg-type]
            if kind == "narrow":  # columns of 2.4 cm: names and numbers wrap in their cells
                from docx.shared import Cm

                table.autofit = False
                for column in table.columns:
                    column.width = Cm(2.4)  # the grid LibreOffice lays out by
                    for cell in column.cells:
                        cell.width = Cm(2.4)
            for r, row in enumerate(rows):  # type: ignore[arg-type]
                for c, cell in enumerate(row):
                    table.cell(r, c).text = plain(cell).replace("\n", " ")
    out.save(str(path))
    return path


# --- evaluation ---------------------------------------------------------------------------

@dataclass
class Outcome:
    """Per labelled mention: the class, what the flagger made of it."""

    cls: str
    value: str
    doc: str
    raised: bool  # raised as personal data (not a review item)
    reviewed: bool  # only raised as a review item (professional?)
    whole: bool  # a personal-data finding covers the whole value


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)
    unlabelled: list[tuple[str, str, str]] = field(default_factory=list)  # doc, categorie, text
    words: int = 0

    def of(self, prefix: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.cls == prefix or o.cls.startswith(prefix + ".")]

    @staticmethod
    def share(items: list[Outcome]) -> float:
        return sum(o.raised for o in items) / len(items) if items else 0.0

    def recall(self) -> float:
        """Planted items raised as personal data, wrapped ones (`p.afgebroken`) included."""
        return self.share(self.of("p"))

    def false_alarms(self) -> float:
        return self.share(self.of("d"))

    def professionals_misread(self) -> float:
        return self.share(self.of("r"))


def page_texts_of(path: Path, family: Family, workdir: Path, converter: str = "builtin") -> list[str]:
    """The page texts the flagger gets in the product: intake, Word files anonymised at the
    source and converted (built-in converter), before the PDF's own redaction."""
    from dossier_app.anonymise.pdfium_chars import page_texts
    from dossier_app.case_model import Document
    from dossier_app.documents.pipeline import PipelineOptions, prepare_document

    doc = Document(onderdeel="verslag", bestand=path.name, pad=path)
    workdir.mkdir(parents=True, exist_ok=True)
    prepared = prepare_document(doc, identifiers(family), workdir,
                                PipelineOptions(converter=converter, ocr=False))
    return page_texts(prepared.pdf)


def evaluate(docs: list[Doc], folder: Path) -> Score:
    """Each document flagged as the product does, then per case (`Doc.dossier`) the
    professionals of all its documents applied to each (`flag_pdf.case_wide`, as the
    wizard's review and the loket's check do), then scored."""
    from dossier_app.anonymise.flag_pdf import case_wide, findings_in_texts

    score = Score()
    read = []
    for doc in docs:
        path = write(doc, folder / "in")
        texts = page_texts_of(path, doc.family, folder / "work", doc.converter)
        found = findings_in_texts(enumerate(texts), identifiers(doc.family), before_redaction=True)
        score.words += sum(len(t.split()) for t in texts)
        read.append((doc, texts, found))
    cases: dict[str, list[int]] = {}
    for i, (doc, _, _) in enumerate(read):
        cases.setdefault(doc.dossier or f"apart-{i}", []).append(i)
    for members in cases.values():
        for i, found in zip(members, case_wide([read[i][2] for i in members]), strict=True):
            read[i] = (read[i][0], read[i][1], found)
    for doc, texts, found in read:
        _score_document(score, doc, texts, found)
    return score


def _score_document(score: Score, doc: Doc, texts: list[str], found: list) -> None:  # type: ignore[type-arg]
    labels = sorted(set(doc.labels()), key=lambda item: -len(item[0]))
    used: set[int] = set()
    for index, text in enumerate(texts):
        page = [b for b in found if b.pagina == index + 1]
        taken: list[tuple[int, int]] = []
        for value, cls in labels:
            for m in _value_pattern(value).finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append(m.span())
                hits = [b for b in page if b.start < m.end() and m.start() < b.end]
                raised = [b for b in hits if not b.review]
                wrapped = cls.startswith("p.") and re.search(r"[\n\ufffe\x02]", m.group())
                score.outcomes.append(Outcome(  # wrapped over a line: a class of its own
                    "p.afgebroken" if wrapped else cls, value, doc.name, bool(raised),
                    bool(hits) and not raised,
                    any(b.start <= m.start() and b.end >= m.end() for b in raised)))
        for b in page:
            if not any(b.start < e and s < b.end for s, e in taken):
                used.add(id(b))
                score.unlabelled.append((doc.name, b.categorie + ("?" if b.review else ""), b.tekst))


def _value_pattern(value: str) -> re.Pattern[str]:
    """A labelled value as it may come out of a PDF: any white space or line-end mark
    between its words; a hyphen inside a word as a hyphen or a line-end mark, with any
    line break after it; a line-end hyphen ("-" + line break, or a soft hyphen) written
    there or not; a line break inside a word (LibreOffice breaks a word wider than its
    table cell without a hyphen)."""
    body = []
    for token in re.split(r"(-\n|\u00ad|-|\s+)", value):
        if token in ("-\n", "\u00ad"):
            body.append("[-\u00ad\ufffe\x02]?\\s*")
        elif token == "-":
            body.append("[-\u2010\u00ad\ufffe\x02]\\s*")
        elif token and token.isspace():
            body.append("[\\s\u00ad\ufffe\x02]+")
        elif token:  # a word a narrow cell broke without a hyphen ("Abdelkad" / "er") too
            body.append("(?:\r?\n)?".join(re.escape(c) for c in token))
    return re.compile(rf"(?<![\w]){''.join(body)}(?![\w])")
