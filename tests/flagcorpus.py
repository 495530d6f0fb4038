"""A labelled evaluation set for the flagger: realistic Dutch school reports (PO and VO) as
text PDFs (reportlab) and Word files (python-docx), every item labelled.

All people are made up. Each document is written in a small markup: `{cls:value}` marks
an item and its class:

- planted personal data the user did not enter (`p.*`: the flagger must raise it as
  personal data): `p.naam` (siblings, grandparents, neighbours, with a cue),
  `p.relatie` (a relation in parentheses after a name), `p.familie` ("de familie X"),
  `p.tussen` (a capitalised tussenvoegsel), `p.telefoon`, `p.adres`, `p.email`, `p.bsn`,
  `p.geboortedatum` (with a cue or under a "Geboortedatum" column), `p.afgebroken` (a name
  or number wrapped over a line: issue 13 joins those; reported apart);
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

`documents(variants)` builds the documents (deterministic, seeded); `write(doc, folder)`
writes one as PDF or DOCX; `honest_documents()` are the same kinds of reports with no
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

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def lines(self, *lines: str) -> None:
        self.blocks.append(("lines", list(lines)))

    def table(self, rows: list[list[str]]) -> None:
        self.blocks.append(("table", rows))

    def labels(self) -> list[tuple[str, str]]:
        """(value, class) of every marked item, once per mark."""
        return [(m[2], m[1]) for m in _MARK.finditer(self._markup())]

    def _markup(self) -> str:
        out = []
        for kind, body in self.blocks:
            if kind == "table":
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


def _wrapped(doc: Doc, ppl: People) -> None:
    """Names and numbers wrapped over a line (PDF only): issue 13's mechanics."""
    doc.p("Contact gezin: tante {p.naam:Souad Bouch-\ntaoui} belt vaak; haar nummer is "
          "{p.afgebroken:+48 601 234\n567}. Zij neemt neefje {p.naam:Tymon} mee.")
    first, last = ppl.take("pf"), ppl.take("pl")
    doc.p(f"Het advies komt van {{r:{first} {last}}} (intern\nbegeleider); zij sprak ook met "
          f"{{r:{ppl.take('pf')} {ppl.take('pl')}}} (ambulant\nbegeleider).")


_KINDS = [("mdo-1", "docx"), ("smw", "docx"), ("gezin", "pdf"), ("cijfers", "pdf"),
          ("formulier", "pdf"), ("opp", "docx"), ("verzuim", "pdf"), ("mdo-2", "pdf"),
          ("afgebroken", "pdf")]


def documents(variants: int = 3, seed: int = 20261205) -> list[Doc]:
    """`variants` x nine documents per family (PO and VO), PDF and Word."""
    out = []
    for v in range(variants):
        for f, fam in enumerate(FAMILIES):
            rng = random.Random(seed + 100 * v + f)
            for name, kind in _KINDS:
                ppl = People(rng, fam)
                doc = Doc(f"{name}-{f}-{v}", kind, fam)
                _BUILD[name](doc, ppl)
                out.append(doc)
    return out


_BUILD: dict[str, Callable[[Doc, People], None]] = {
    "mdo-1": lambda d, p: _mdo(d, p, 1), "mdo-2": lambda d, p: _mdo(d, p, 2), "smw": _smw,
    "gezin": _family_table, "cijfers": _grades, "formulier": _form, "opp": _opp,
    "verzuim": _verzuim, "afgebroken": _wrapped,
}


def honest_documents(family: Family = EXAMPLE_FAMILY, seed: int = 7) -> list[Doc]:
    """Reports of the same kinds with nothing planted: every sentence holding a `p.*` item
    is left out."""
    out = []
    for doc in documents(1, seed):
        if doc.name.startswith(("afgebroken", "gezin", "verzuim")) or doc.family != FAMILIES[0]:
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
            for r, row in enumerate(rows):  # type: ignore[arg-type]
                for c, cell in enumerate(row):
                    table.cell(r, c).text = plain(cell)
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

    def recall(self, *, wrapped: bool = False) -> float:
        planted = [o for o in self.of("p") if wrapped or o.cls != "p.afgebroken"]
        return self.share(planted)

    def false_alarms(self) -> float:
        return self.share(self.of("d"))

    def professionals_misread(self) -> float:
        return self.share(self.of("r"))


def page_texts_of(path: Path, family: Family, workdir: Path) -> list[str]:
    """The page texts the flagger gets in the product: intake, Word files anonymised at the
    source and converted (built-in converter), before the PDF's own redaction."""
    from dossier_app.anonymise.pdfium_chars import page_texts
    from dossier_app.case_model import Document
    from dossier_app.documents.pipeline import PipelineOptions, prepare_document

    doc = Document(onderdeel="verslag", bestand=path.name, pad=path)
    workdir.mkdir(parents=True, exist_ok=True)
    prepared = prepare_document(doc, identifiers(family), workdir,
                                PipelineOptions(converter="builtin", ocr=False))
    return page_texts(prepared.pdf)


def evaluate(docs: list[Doc], folder: Path) -> Score:
    from dossier_app.anonymise.flag_pdf import findings_in_texts

    score = Score()
    for doc in docs:
        path = write(doc, folder / "in")
        texts = page_texts_of(path, doc.family, folder / "work")
        found = findings_in_texts(enumerate(texts), identifiers(doc.family), before_redaction=True)
        score.words += sum(len(t.split()) for t in texts)
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
                score.outcomes.append(Outcome(  # wrapped over a line: joining it is issue 13's
                    "p.afgebroken" if wrapped else cls, value, doc.name, bool(raised),
                    bool(hits) and not raised,
                    any(b.start <= m.start() and b.end >= m.end() for b in raised)))
        for b in page:
            if not any(b.start < e and s < b.end for s, e in taken):
                used.add(id(b))
                score.unlabelled.append((doc.name, b.categorie + ("?" if b.review else ""), b.tekst))


def _value_pattern(value: str) -> re.Pattern[str]:
    """A labelled value as it may come out of a PDF: any white space or line-end mark
    between its words, and a line-end hyphen inside a word."""
    parts = [re.escape(w) for w in value.split()]
    body = r"[\s\ufffe\x02]+".join(parts).replace(r"\-", "[-\ufffe\x02]\\s*")
    return re.compile(rf"(?<![\w]){body}(?![\w])")
