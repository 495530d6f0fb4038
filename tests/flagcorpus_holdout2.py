"""A second held-out part of the flagger's evaluation set, written after the flagger was
finished and measured once as it was: five reports in styles the other parts do not use
(abbreviated notes, a stakeholder table, an informal letter, lists of siblings). All
people are made up; same markup as `flagcorpus`.

First measurement (63 mentions): recall 15/16, false alarms 0/24, professionals misread
5/22. The classes behind them were then fixed ("fam. X"; a letter's addressee; e-mail and
phone in a signature block or under "Functie: <rol>"; a role field on the line after a
name); what is left: a professional named by first name only in a letter, whose role
stands in another document of the case ("met Saskia en Hamid")."""

from __future__ import annotations

from flagcorpus import FAMILIES, Doc

PO, VO = FAMILIES


def _leerlingbespreking() -> Doc:
    doc = Doc("h2-lb", "pdf", VO)
    doc.h("Notulen leerlingbespreking 2K")
    doc.lines("Aanwezig: {r:mw. Jansen-de Vries} (afdelingsleider), {r:dhr. K. Öztürk} (docent "
              "{d.vak:Engels}), {r:Marco Hefting} (LO), {r:L. Brouwer}, zorgcoördinator",
              "Notulist: {r:Daphne Kroon}", "{d.label:Datum}: d.d. {d.datum:3 maart 2025}")
    doc.p("Bilal: cijfers voor {d.vak:Nederlands} en {d.vak:Aardrijkskunde} zakken weg. "
          "{r:Öztürk} ziet dat hij in de les vaak met klasgenoot {p.naam:Rayan Bouali} praat. "
          "{r:Hefting} meldt dat hij bij {d.vak:LO} juist goed meedoet.")
    doc.p("Actie: {r:Brouwer} belt vader; bespreken in MDO van {d.datum:17-03-2025}. "
          "Broers/zussen: {p.relatie:Mirza} (14), {p.relatie:Lejla} (7).")
    return doc


def _zorgplan() -> Doc:
    doc = Doc("h2-zorgplan", "docx", PO)
    doc.h("Zorgplan")
    doc.table([["Betrokkene", "Rol", "Organisatie"],
               ["{r:Saskia Meijboom}", "casusregisseur", "{d.instelling:Stichting Jeugdformaat}"],
               ["{r:Hamid Essabri}", "gezinsbegeleider", "Xtra"],
               ["{r:Joke van Vliet}", "intern begeleider", "{d.instelling:CBS De Fontein}"],
               ["{r:dr. P. Langeveld}", "kinderarts", "{d.instelling:Haga Ziekenhuis}"]])
    doc.p("Jasmijn is in {d.datum:juni 2025} onderzocht in het {d.instelling:Prinses Máxima "
          "Centrum}. De grootouders van moederszijde ({p.familie:fam. Hadžić}) wonen in Zagreb; "
          "{p.naam:oma Vesna} komt twee keer per jaar.")
    doc.p("Op school werkt {r:Van Vliet} met een weektaak. {r:Meijboom} houdt het overzicht. "
          "Buurvrouw {p.naam:mevr. Lindeboom} vangt Jasmijn na school op "
          "({p.adres:Dotterbloemstraat 45}, {p.telefoon:06-22334455}).")
    return doc


def _brief_jeugdhulp() -> Doc:
    doc = Doc("h2-brief", "pdf", PO)
    doc.h("Terugkoppeling ambulante jeugdhulp")
    doc.p("Beste {r:Joke},")
    doc.p("Vorige week had ik het tweede gesprek thuis. Ook {p.naam:Ruud's broer Arjen} was "
          "erbij; hij woont tijdelijk in ({p.adres:Soestdijksekade 1024}). Jasmijn vertelde trots "
          "over haar spreekbeurt over {d.woord:Vogel} en {d.woord:Vis}, haar konijnen.")
    doc.p("Ik stel voor dat we in het MDO met {r:Saskia} en {r:Hamid} de planning bespreken.")
    doc.lines("Hartelijke groet,", "{r:Sanne Blom}", "jeugdhulpverlener, {d.instelling:Stichting "
              "Jeugdformaat}", "{r:s.blom@jeugdformaat.nl}")
    return doc


def _groepsoverzicht() -> Doc:
    doc = Doc("h2-groep", "docx", VO)
    doc.h("Overdracht van de basisschool")
    doc.p("Bilal kwam van {d.instelling:Basisschool Het Palet} (leerkracht groep 8: "
          "{r:meester Ruben}). Advies: vmbo-kader. In groep 6 is hij getest door "
          "{r:drs. E. Wolters}, orthopedagoog.")
    doc.p("Thuis: vader, moeder, {p.naam:broer Ilyas} (geb. {p.geboortedatum:12-12-2008}) en "
          "{p.naam:zus Nour}. In schooljaar 2023-2024 verhuisde het gezin; sindsdien reist hij "
          "met neef {p.naam:Soufian Tahar} mee.")
    doc.table([["{d.label:Vak}", "Eindtoets"], ["{d.vak:Taal}", "1F"], ["{d.vak:Rekenen}", "1F"]])
    return doc


def _verzuimmelding() -> Doc:
    doc = Doc("h2-melding", "pdf", VO)
    doc.h("Verzuimmelding DUO")
    doc.lines("{d.label:Naam} melder: {r:A. Kasmi}", "{d.label:Functie}: verzuimcoördinator",
              "{d.label:Telefoon}: 070 311 22 33",
              "Soort verzuim: ongeoorloofd, 16 uur in 4 weken",
              "Eerste verzuimdag: {d.datum:06-01-2026}")
    doc.p("Toelichting: vader zegt dat Bilal ziek was; volgens {p.naam:zijn vriend Kevin} "
          "speelde hij overdag FIFA bij {p.naam:Kevin's oom Marcel}. Contact via "
          "{p.email:marcel.dekker@planet.nl}.")
    return doc


def holdout2_documents() -> list[Doc]:
    return [_leerlingbespreking(), _zorgplan(), _brief_jeugdhulp(), _groepsoverzicht(),
            _verzuimmelding()]
