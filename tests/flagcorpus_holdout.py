"""Held-out part of the flagger's evaluation set: eight reports written by hand, in other
words and layouts than the generated ones of `flagcorpus` (other people, other roles, other
institutions), measured as they are and never tuned against string by string.

Same markup as `flagcorpus`: `{p.*:...}` planted personal data, `{r:...}` professionals,
`{d.*:...}` decoys. All people are made up.
"""

from __future__ import annotations

from flagcorpus import FAMILIES, Doc

PO, VO = FAMILIES


def _jgz() -> Doc:
    doc = Doc("h-jgz", "pdf", PO)
    doc.h("Verslag Jeugdgezondheidszorg - contactmoment groep 7")
    doc.lines("Jeugdarts: {r:dr. M.A. Oosterhuis}", "Jeugdverpleegkundige: {r:Wendy Brugman}",
              "{d.label:Datum} contactmoment: {d.datum:14 februari 2026}")
    doc.p("Jasmijn is gezien in aanwezigheid van moeder. Moeder vertelt dat het gezin sinds de "
          "zomer uitgebreid is: stiefzus {p.naam:Nikola} (11) woont om de week bij hen. "
          "Opa {p.naam:Gerrit} Smeets is in december overleden; dat heeft veel impact gehad.")
    doc.p("Lengte en gewicht zijn naar leeftijd. Het gehoor is getest bij het "
          "{d.instelling:Haga Kinderziekenhuis} op {d.datum:3 november 2025}; geen bijzonderheden. "
          "Voor de logopedie is zij verwezen naar {r:Sjoerd Tamminga} (logopedist).")
    doc.p("Moeder vraagt of de oppas, {p.naam:Lieke Brandsma}, ook informatie mag ontvangen. "
          "Zij is bereikbaar op {p.telefoon:06-39482716}. Dit is besproken met {r:Oosterhuis}.")
    doc.p("Vervolg: {r:Brugman} neemt over zes weken contact op. Bij zorgen kan school "
          "terecht bij {r:Wendy}.")
    doc.lines("Met vriendelijke groet,", "{r:Wendy Brugman}", "jeugdverpleegkundige JGZ",
              "{d.instelling:GGD Haaglanden}")
    return doc


def _onderwijskundig() -> Doc:
    doc = Doc("h-okr", "docx", VO)
    doc.h("Onderwijskundig rapport")
    doc.table([["{d.label:Leerling}", "Bilal Amrani"],
               ["{d.label:Geboortedatum}", "03-09-2011"],
               ["{d.label:Leerweg}", "vmbo-kader"],
               ["{d.label:Mentor}", "{r:Jolanda Verschuur}"],
               ["Coördinator leerlingzaken", "{r:Khalid Ait Ouaali}"],
               ["{d.label:Toelichting}", "zie hieronder"]])
    doc.p("Bilal stroomde in op het {d.instelling:Hofstad Mavo} en ging in leerjaar 2 naar het "
          "{d.instelling:Zuid-West College}. De resultaten voor {d.vak:Nederlands}, {d.vak:Engels} "
          "en {d.vak:Duits} liggen onder het klasgemiddelde; bij {d.vak:Economie} en "
          "{d.vak:Lichamelijke Opvoeding} haalt hij voldoendes.")
    doc.p("Bilal heeft twee broers. {p.relatie:Anouar} (broer, 19) studeert; {p.relatie:Zakaria} "
          "(broer, 9) zit op {d.instelling:basisschool Het Kompas}. Een oom, {p.naam:Driss} Amrani, "
          "woont op de {p.adres:Vlierboomstraat 231} en brengt Bilal soms naar school.")
    doc.p("Verzuim: Bilal is sinds {d.datum:6 januari 2026} regelmatig te laat. Hij is gemeld bij "
          "{r:Esra Yıldız} (leerplichtambtenaar) en besproken met {r:Sietse Hoekman}, "
          "afdelingsleider bovenbouw. {r:Yıldız} adviseert een gesprek met {r:Ait Ouaali}.")
    doc.p("Beroepswens: {d.woord:Kok} of iets in de techniek. In de stage bij "
          "{d.instelling:Bakkerij De Korenaar} functioneerde hij goed.")
    doc.p("Opgesteld door {r:Jolanda Verschuur}, mentor, op {d.datum:12 maart 2026}.")
    return doc


def _leerplicht() -> Doc:
    doc = Doc("h-leerplicht", "pdf", VO)
    doc.h("Verslag verzuimgesprek leerplicht")
    doc.p("Op {d.datum:19-05-2026} spraken {r:mevrouw Lambrechts} (leerplicht), Bilal en zijn "
          "vader. Ook aanwezig: de tolk, {r:Abdelhak Bouzidi}.")
    doc.p("Vader vertelt dat Bilal 's nachts gamet met zijn neef {p.naam:Younes El Kaddouri}, die "
          "in Rotterdam woont ({p.adres:Beukelsdijk 77b}, {p.postcode:3022 DK}). De familie heeft "
          "veel zorgen om het gezin {p.familie:El Kaddouri}.")
    doc.p("Afspraak: Bilal meldt zich elke ochtend bij {r:Hoekman}. Als het verzuim doorgaat, "
          "volgt een proces-verbaal. {r:Lambrechts} stuurt het verslag naar school.")
    doc.table([["Naam", "Functie", "Telefoon"],
               ["{r:F. Lambrechts}", "leerplichtambtenaar", "070 353 5454"],
               ["{r:Sietse Hoekman}", "afdelingsleider", "070 368 1122"]])
    doc.p("Contact thuis (door vader opgegeven): tante {p.naam:Malika} op "
          "{p.telefoon:06 27 18 39 40} en de buurvrouw, mevrouw {p.tussen:De Wolff}.")
    return doc


def _psy() -> Doc:
    doc = Doc("h-psy", "docx", PO)
    doc.h("Samenvatting psychologisch onderzoek")
    doc.p("Onderzoek uitgevoerd door {r:drs. Hanna Wijnberg}, GZ-psycholoog, en "
          "{r:Tim Ravenstein} (orthopedagoog in opleiding) van {d.instelling:Kenniscentrum "
          "Kinder- en Jeugdpsychiatrie}.")
    doc.p("Aanmelding: Jasmijn is op {d.datum:11 september 2025} aangemeld door school. "
          "Eerder onderzoek in het {d.instelling:Juliana Kinderziekenhuis} (2022).")
    doc.p("Gezin: Jasmijn woont met beide ouders. {p.relatie:Thijmen} (halfbroer, 17) woont bij "
          "zijn moeder in Leiden. Oma {p.naam:Riet van der Hulst} past twee middagen per week op. "
          "Buurjongen {p.naam:Dex} is haar beste vriend.")
    doc.p("Resultaten: de verbale en ruimtelijke vaardigheden liggen in het gemiddelde bereik. "
          "Bij {d.vak:Rekenen} en {d.vak:Spelling} is zij zwak. De training "
          "{d.instelling:Rots en Water} wordt geadviseerd, naast {d.instelling:Kanjertraining} op school.")
    doc.p("Advies besproken met de intern begeleider, {r:Carolien Dijkhuis}, en met "
          "{r:Wijnberg}. {r:Dijkhuis} zorgt voor de overdracht.")
    doc.lines("{r:H. Wijnberg}", "GZ-psycholoog BIG 49012345625")
    return doc


def _cjg_brief() -> Doc:
    doc = Doc("h-cjg", "pdf", PO)
    doc.h("Brief Centrum voor Jeugd en Gezin")
    doc.lines("{d.plaatsdatum:Den Haag, 28 april 2026}", "Betreft: terugkoppeling gezinsgesprek")
    doc.p("Geachte {r:mevrouw Van Rossum},")
    doc.p("Op {d.datum:21 april 2026} sprak ik met de ouders van Jasmijn. Ook tante {p.naam:"
          "Esmée} Smeets was aanwezig; zij wil graag betrokken blijven (e-mail "
          "{p.email:esmee.smeets@xs4all.nl}). Het gezin ontvangt ondersteuning van "
          "{r:Roel Kuijpers} (wijkteam Escamp).")
    doc.p("Er zijn zorgen om zusje {p.naam:Fleur}, geb. {p.geboortedatum:17-08-2021}, die nog "
          "niet naar de peuterspeelzaal gaat. Ik heb dit besproken met de jeugdarts, "
          "{r:Marjolein Strik}.")
    doc.p("Namens het CJG, {r:Ilse Wagenaar}, ouder- en kindadviseur")
    doc.lines("Met vriendelijke groet,", "", "{r:Ilse Wagenaar}", "Ouder- en kindadviseur",
              "T 088 - 123 45 67")
    return doc


def _handelingsplan() -> Doc:
    doc = Doc("h-hp", "docx", VO)
    doc.h("Handelingsplan periode 3")
    doc.table([["{d.label:Vak}", "{d.label:Doel}", "{d.label:Evaluatie}"],
               ["{d.vak:Wiskunde}", "breuken en verhoudingen", "{d.datum:03-04-2026}"],
               ["{d.vak:Frans}", "woordenschat hoofdstuk 5", "{d.datum:03-04-2026}"],
               ["{d.vak:Geschiedenis}", "plannen van leerwerk", "{d.datum:10-04-2026}"]])
    doc.p("Betrokken: {r:Yvonne Bakker} (RT), {r:Jolanda Verschuur} (mentor) en "
          "{r:Peter-Jan de Boer}, ambulant begeleider vanuit het {d.instelling:SWV Haaglanden}.")
    doc.p("Stoplicht: {d.woord:Groen} voor inzet, {d.woord:Oranje} voor huiswerk. "
          "{r:Bakker} bespreekt het plan met Bilal; {r:Verschuur} met de ouders.")
    doc.p("Thuis helpt nicht {p.naam:Salma} Tahiri met huiswerk op woensdag. "
          "Zij woont op de {p.adres:Parallelweg 14}.")
    return doc


def _mail() -> Doc:
    doc = Doc("h-mail", "pdf", PO)
    doc.h("E-mailwisseling (geprint)")
    doc.lines("Van: {r:Romy Zandvliet}", "Aan: {r:Gert-Jan Mulder}",
              "Onderwerp: Jasmijn - afwezigheid", "{d.label:Datum}: {d.datum:15-01-2026}")
    doc.p("Hoi {r:Gert-Jan}, Jasmijn was vandaag weer afwezig. Moeder belde dat ze ziek is, "
          "maar haar broer {p.naam:Stan} zag haar 's middags bij buurvrouw {p.naam:Jannie Koster} "
          "spelen. Kun jij contact opnemen? Groet, {r:Romy}")
    doc.p("Hoi {r:Romy}, ik heb moeder gebeld. Ze heeft het nummer van opa {p.naam:Wim} gegeven: "
          "{p.telefoon:0174-283746}. Ik zet het in ParnasSys. Groet, {r:Gert-Jan Mulder}, "
          "intern begeleider")
    doc.lines("{r:Romy Zandvliet}", "Leerkracht groep 7", "{d.instelling:OBS De Springbok}")
    return doc


def _intake() -> Doc:
    doc = Doc("h-intake", "pdf", VO)
    doc.h("Intakeformulier schoolmaatschappelijk werk")
    doc.lines("{d.label:Naam} leerling: Bilal Amrani", "{d.label:Klas}: 2K3",
              "{d.label:Gezinssamenstelling}:",
              "  {p.relatie:Anouar} (broer, 19) - student",
              "  {p.relatie:Zakaria} (broer, 9)",
              "  {p.naam:Lamia} Amrani (zus), geb. {p.geboortedatum:2 juli 2014}",
              "{d.label:Interesses}: voetbal, gamen", "{d.label:Hulpvraag}: zie verslag",
              "Aangemeld door: {r:Jolanda Verschuur}, mentor",
              "Intake door: {r:Naima Bakkali}, schoolmaatschappelijk werker",
              "{d.label:Datum} intake: {d.datum:2 februari 2026}")
    doc.p("Bilal vertelt dat het thuis druk is sinds oom {p.naam:Hassan} bij hen inwoont. "
          "Hij mist zijn vriend {p.naam:Mohamed Ouchan}, die verhuisd is naar de "
          "{p.adres:Kerkstraat 12} in Delft. {r:Bakkali} spreekt met vader af dat zij "
          "{d.datum:9 februari 2026} op huisbezoek komt.")
    doc.lines("Plaats en datum: {d.plaatsdatum:Den Haag, 2 februari 2026}",
              "Handtekening SMW: {r:N. Bakkali}")
    return doc


def holdout_documents() -> list[Doc]:
    return [_jgz(), _onderwijskundig(), _leerplicht(), _psy(), _cjg_brief(), _handelingsplan(),
            _mail(), _intake()]
