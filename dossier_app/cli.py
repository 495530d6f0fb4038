"""The `dossier` command: a thin layer over the core (see docs/cli.md).

People read stderr (Dutch); `--json` writes one JSON document to stdout. Exit codes
come from the exceptions in dossier_app.errors and are a stable interface.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from dossier_app.errors import DossierError, ExitCode, UsageError
from dossier_app.logs import get_logger, log_internal_error
from dossier_app.rules.terms import GEMEENTEN, ONDERWIJS
from dossier_app.taal import aantal, n_documenten, n_paginas, paginas, seconden

Handler = Callable[[argparse.Namespace], int]
_ARGPARSE_NL = [
    ("the following arguments are required: ", "deze argumenten ontbreken: "),
    ("unrecognized arguments: ", "onbekende argumenten: "),
    ("invalid choice: ", "ongeldige keuze: "),
    ("choose from ", "kies uit "),
    ("expected one argument", "verwacht één waarde"),
    ("argument ", "argument "),
    ("invalid date value", "ongeldige datum"),
]


class DutchParser(argparse.ArgumentParser):
    """argparse with Dutch usage errors that exit with our usage code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "gebruik:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "gebruik:", 1)
        for en, nl in (("positional arguments:", "argumenten:"), ("options:", "opties:")):
            text = text.replace(en, nl)
        return text

    def error(self, message: str) -> NoReturn:
        for en, nl in _ARGPARSE_NL:
            message = message.replace(en, nl)
        self.print_usage(sys.stderr)
        self.exit(ExitCode.usage, f"{self.prog}: fout: {message}\n"
                                  f"Zie '{self.prog} --help' voor de mogelijkheden.\n")


def _datum(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ongeldige datum {value!r}; schrijf JJJJ-MM-DD") from exc


def _say(lines: Sequence[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def _emit_json(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# --- commands -----------------------------------------------------------------------------

def cmd_tafels(args: argparse.Namespace) -> int:
    from dossier_app.rules import default_rulesets, ruleset_for
    from dossier_app.rules.report import tafels_dict, tafels_text

    peildatum = args.datum or date.today()
    onderwijzen = [args.onderwijs] if args.onderwijs else list(ONDERWIJS)
    sets = []
    for onderwijs in onderwijzen:
        try:
            sets.append(ruleset_for(onderwijs, peildatum, default_rulesets()))
        except DossierError:
            if args.onderwijs:
                raise
    if args.json:
        _emit_json(tafels_dict(sets, peildatum, args.gemeente))
    else:
        _say(tafels_text(sets, peildatum, args.gemeente))
    return ExitCode.ok


def cmd_check(args: argparse.Namespace) -> int:
    from dossier_app.case import read_case
    from dossier_app.rules.check import check_case
    from dossier_app.rules.report import check_dict, check_text

    case = read_case(Path(args.case), bestand=args.case)
    result = check_case(case)
    get_logger("cli").info("check: %s %s %s -> %s", case.casus.onderwijs, case.casus.gemeente,
                           case.casus.tafel, int(result.exit_code))
    if args.json:
        _emit_json(check_dict(result))
    else:
        _say(check_text(result, args.case))
    return result.exit_code


def _find_document(case, given: str):
    """The case-file entry whose `bestand` is the file given on the command line."""
    from dossier_app.case_model import Document

    target = Path(given).resolve()
    for doc in case.documenten:
        if doc.pad.resolve() == target:
            return doc, True
    return Document(onderdeel="", bestand=given, pad=target), False


def cmd_anonimiseer(args: argparse.Namespace) -> int:
    from dossier_app.anonymise.case_identifiers import identifiers_for_case
    from dossier_app.case import read_case
    from dossier_app.documents.pipeline import PipelineOptions, process_document
    from dossier_app.fileio import atomic_copy, check_output
    from dossier_app.store.workdir import private_workdir, remove_stale_workdirs

    case = read_case(Path(args.case), bestand=args.case)
    out = Path(args.output)
    check_output(out, force=True)
    ids = identifiers_for_case(case)
    doc, in_case = _find_document(case, args.input)
    remove_stale_workdirs()
    with private_workdir() as workdir:
        done = process_document(doc, ids, workdir, PipelineOptions(converter=args.converter))
        atomic_copy(done.pdf, out)
    get_logger("cli").info("anonimiseer: %d pagina's, %d niet gecontroleerd", done.paginas,
                           len(done.niet_gecontroleerd))
    _say(_anonimiseer_text(done, out, in_case))
    return ExitCode.ok


def _anonimiseer_text(done, out: Path, in_case: bool) -> list[str]:
    lines = [f"Geanonimiseerd: {done.document.bestand} -> {out} ({done.paginas} pagina's)"]
    if not in_case:
        lines.append("LET OP: dit bestand staat niet in het casusbestand; er zijn geen handmatige "
                     "lakvlakken toegepast.")
    if done.converter:
        lines.append(f"Omgezet met: {done.converter}")
    if done.treffers:
        lines.append("Verwijderd: " + ", ".join(f"{n}x {cat}" for cat, n in sorted(done.treffers.items())))
    lines += [m.regel() for m in done.meldingen]
    if done.niet_gecontroleerd:
        pages = ", ".join(str(p) for p in done.niet_gecontroleerd)
        lines.append(f"NIET GECONTROLEERD: pagina {pages} heeft geen tekstlaag. Bekijk die pagina's "
                     "zelf en geef lakvlakken op in [[documenten.lakken]] als er persoonsgegevens op staan.")
    lines += _controleer(((b.pagina, b.review, b.categorie, b.context, b.tekst or b.context)
                          for b in done.bevindingen), "pagina")
    lines.append("Controle na afloop: geen bekende persoonsgegevens gevonden in tekst, metadata of "
                 "verborgen onderdelen.")
    return lines


def _controleer(findings: Iterable[tuple[int, bool, str, str, str]], waar: str) -> list[str]:
    """A CONTROLEER line per finding: (page, a professional's name?, categorie, context,
    the value found). The same value again on the same page (a repeated header, a table
    row) is one line, with the context where it is first, and how often."""
    counts: dict[tuple[int, bool, str, str], int] = {}
    shown: dict[tuple[int, bool, str, str], str] = {}
    for pagina, review, categorie, context, value in findings:
        key = (pagina, review, categorie, value)
        counts[key] = counts.get(key, 0) + 1
        shown.setdefault(key, context)
    lines = []
    for key, n in counts.items():
        pagina, review, categorie, _ = key
        soort = "naam van een professional?" if review else f"mogelijk {categorie}"
        vaker = f" ({n}x op deze pagina)" if n > 1 else ""
        lines.append(f"CONTROLEER ({waar} {pagina}): {soort}: \"{shown[key]}\"{vaker}")
    return lines


def cmd_build(args: argparse.Namespace) -> int:
    from dossier_app.bundle.checker import CheckWorkers

    with CheckWorkers() as workers:
        workers.checker()  # first: it warms up while this process imports the build
        from dossier_app.bundle.build import BuildOptions, build_bundle
        from dossier_app.bundle.verdict import loket_oordeel
        from dossier_app.case import read_case

        case = read_case(Path(args.case), bestand=args.case)
        options = BuildOptions(concept=args.concept, force=args.force, converter=args.converter)
        progress = _progress_printer() if not args.stil else None
        if args.wachtwoord:
            result = _build_protected(case, Path(args.output), options, progress, workers)
        else:
            result = build_bundle(case, Path(args.output), options, progress=progress,
                                  workers=workers)
    _say(_build_text(result))
    if args.wachtwoord:
        _say(["De bundel is beveiligd met uw wachtwoord (AES-256). Geef het wachtwoord via een ander "
              "kanaal door dan de bundel, bijvoorbeeld telefonisch."])
    # The loket's verdict on this bundle, and its exit code: what `dossier verify` will say.
    oordeel = loket_oordeel(result.verify)
    _say([oordeel.kop, *oordeel.regels])
    return result.verify.exit_code


def _build_protected(case: Any, out: Path, options: Any, progress: Any, workers: Any) -> Any:
    """Ask the password, then build with only the encrypted bundle written to `out`."""
    from dossier_app.bundle.protect import build_protected_bundle, check_password
    from dossier_app.fileio import check_output

    check_output(out, force=options.force)
    password = _read_secret("Wachtwoord voor de bundel: ", confirm=True)
    check_password(password)
    return build_protected_bundle(case, out, options, password, progress=progress, workers=workers)


# The name of the environment variable, not a secret itself.
SECRET_ENV = "TAFELDOSSIER_WACHTWOORD"  # noqa: S105


def _read_secret(prompt: str, *, confirm: bool) -> str:
    """A password from TAFELDOSSIER_WACHTWOORD, or typed at the terminal; never from argv."""
    import getpass
    import os

    value = os.environ.get(SECRET_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"Geef het wachtwoord op in de omgevingsvariabele {SECRET_ENV}, of start de "
                         "opdracht in een terminal: dan vraagt Tafeldossier erom. Zet een wachtwoord "
                         "nooit op de opdrachtregel.")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Nogmaals ter controle: ") != value:
        raise UsageError("De twee wachtwoorden zijn niet gelijk. Probeer het opnieuw.")
    return value


def cmd_export(args: argparse.Namespace) -> int:
    from dossier_app.case import read_case
    from dossier_app.store.transfer import export_case

    case = read_case(Path(args.case), bestand=args.case)
    passphrase = _read_secret("Wachtwoordzin voor de export: ", confirm=True)
    export_case(case, Path(args.output), passphrase, force=args.force)
    _say([f"Geëxporteerd: {args.output} ({n_documenten(len(case.documenten))}). Geef de "
          "wachtwoordzin via een ander kanaal door dan het bestand."])
    return ExitCode.ok


def cmd_import(args: argparse.Namespace) -> int:
    from dossier_app.store.transfer import import_case

    passphrase = _read_secret("Wachtwoordzin van de export: ", confirm=False)
    case_file = import_case(Path(args.file), Path(args.output), passphrase)
    _say([f"Geïmporteerd: casusbestand {case_file} met de stukken in {case_file.parent / 'stukken'}."])
    return ExitCode.ok


def _progress_printer() -> Callable[[str, int, int], None]:
    last = [""]

    def show(label: str, done: int, total: int) -> None:
        if label != last[0]:
            print(f"... {label}", file=sys.stderr)
            last[0] = label

    return show


def _build_text(result: Any) -> list[str]:
    cache = f", {n_documenten(result.uit_cache)} uit de cache" if result.uit_cache else ""
    lines = [f"Bundel gemaakt: {result.out} ({n_paginas(result.paginas)}, "
             f"{seconden(result.seconden)}{cache})"]
    lines += [f"  {p.naam}: {paginas(p.pagina_van, p.pagina_tot)}" for p in result.assembled.onderdelen
              if p.pagina_van]
    lines += [m.regel() for m in result.meldingen]
    if result.niet_gecontroleerd:
        lines.append("NIET AUTOMATISCH GECONTROLEERD (geen tekstlaag; bekijk deze pagina's zelf): "
                     + "; ".join(result.niet_gecontroleerd))
    lines += _controleer(((p.pagina, p.review, p.categorie, p.context, p.context)
                          for p in result.verify.persoonsgegevens), "bundel pagina")
    lines.append("Eindcontrole: geen bekende persoonsgegevens (van leerling en gezin) gevonden; verborgen "
                 "onderdelen zijn leeg.")
    if result.assembled.manifest.get("concept"):
        lines.append("Dit is een CONCEPT: elke pagina is zo gemarkeerd. Niet indienen.")
    return lines


def cmd_verify(args: argparse.Namespace) -> int:
    from dossier_app.bundle.verify import report_dict, report_text, verify_bundle

    if Path(args.bundle).is_dir():
        return _verify_folder(args)
    if args.csv or args.xlsx or args.submappen:
        raise UsageError("--csv, --xlsx en --submappen horen bij een map met bundels, niet bij één bestand.")
    password = _read_secret("Wachtwoord van de bundel: ", confirm=False) if args.wachtwoord else None
    report = verify_bundle(Path(args.bundle), bestand=args.bundle, password=password)
    get_logger("cli").info("verify: exit %d", int(report.exit_code))
    try:
        if args.json:
            _emit_json(report_dict(report))
            sys.stdout.flush()
        else:
            _say(report_text(report))
    except BrokenPipeError:  # `dossier verify --json | head`: the reader stopped early; the verdict stands
        _quiet_stdout()
    return int(report.exit_code)


def _verify_folder(args: argparse.Namespace) -> int:
    """`dossier verify MAP`: every bundle in the folder, as a table (the loket's inbox)."""
    from dossier_app.bundle.inbox import InboxCache, check_folder, table, write_csv, write_xlsx

    folder = Path(args.bundle)
    progress = _progress_printer()
    rows = check_folder(folder, recursive=args.submappen, cache=InboxCache(), progress=progress)
    if args.csv:
        write_csv(rows, Path(args.csv))
    if args.xlsx:
        write_xlsx(rows, Path(args.xlsx))
    get_logger("cli").info("verify map: %d bundels, %d niet in orde", len(rows),
                           sum(1 for r in rows if not r.ok))
    if args.json:
        from dataclasses import asdict

        _emit_json({"map": str(folder), "ok": all(r.ok for r in rows) and bool(rows),
                    "bundels": [asdict(r) for r in rows]})
    else:
        _say(_table_lines(table(rows)))
        bad = sum(1 for r in rows if not r.ok)
        uitslag = ("alles in orde." if not bad else
                   f"{bad} niet in orde. Open een bundel met 'dossier verify BESTAND' voor de details.")
        _say([f"{aantal(len(rows), 'bestand', 'bestanden')} gecontroleerd; {uitslag}"]
             if rows else [f"Geen PDF-bestanden in {folder}."])
    return ExitCode.ok if rows and all(r.ok for r in rows) else ExitCode.incomplete


def _table_lines(lines: list[list[str]]) -> list[str]:
    widths = [min(max(len(line[i]) for line in lines), 40) for i in range(len(lines[0]))]
    return ["  ".join(cell[:40].ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]


def cmd_formulier(args: argparse.Namespace) -> int:
    from dossier_app.forms import all_forms, write_form

    if args.lijst:
        for naam, form in sorted(all_forms().items()):
            print(f"{naam}\t{form.titel}")
        return ExitCode.ok
    if not args.naam or not args.output:
        raise UsageError("Geef de naam van een formulier en -o BESTAND.docx, of --lijst. "
                         "Zie 'dossier formulier --help'.")
    out = Path(args.output)
    if out.suffix.lower() != ".docx":
        raise UsageError(f"Het formulier wordt een Word-bestand: geef een naam die eindigt op .docx "
                         f"(nu: {out.name}).")
    form = write_form(args.naam, out, force=args.force)
    _say([f"Formulier geschreven: {out} ({form.titel})",
          "Vul geen naam van de leerling in: gebruik de initialen en het OT-nummer."])
    return ExitCode.ok


def cmd_aanbieding(args: argparse.Namespace) -> int:
    from dossier_app.aanbieding import aanbieding_voor
    from dossier_app.case import read_case

    case = read_case(Path(args.case), bestand=args.case)
    aanbieding = aanbieding_voor(case)
    sys.stdout.write(aanbieding.als_tekst())
    _say(aanbieding.meldingen)
    return ExitCode.ok


# --- parser ---------------------------------------------------------------------------

def _add_form_parsers(sub: Any) -> None:
    """`formulier` and `aanbieding`."""
    p = sub.add_parser("formulier", help="een leeg formulier uit het routeboek als Word-bestand",
                       description="Schrijf een leeg formulier dat het routeboek vraagt (toestemming, "
                       "oplegger, uitgesplitste offerte, ...) als Word-bestand. Exitcode 0: gelukt; "
                       "2: onbekend formulier, of het bestand bestaat al (gebruik --force).")
    p.add_argument("naam", metavar="NAAM", nargs="?", help="het formulier (zie --lijst)")
    p.add_argument("-o", "--output", metavar="BESTAND.docx", help="het Word-bestand")
    p.add_argument("--lijst", action="store_true", help="toon de namen van de formulieren")
    p.add_argument("--force", action="store_true", help="een bestaand bestand vervangen")
    p.set_defaults(func=cmd_formulier)

    p = sub.add_parser("aanbieding", help="de tekst om een compleet dossier aan te bieden aan de tafel",
                       description="Schrijf de aanbiedingstekst (onderwerp en bericht) naar stdout: "
                       "alleen initialen en OT-nummer, geen andere gegevens van de leerling. "
                       "Exitcode 0: gelukt; 1: deze tafel heeft geen dossier of bestaat niet in de "
                       "gemeente; 3: casusbestand onleesbaar.")
    p.add_argument("case", metavar="CASUS", help="het casusbestand (.toml)")
    p.set_defaults(func=cmd_aanbieding)


class _VersionAction(argparse.Action):
    """argparse's "version" action wants the text when the parser is made; the version is
    read only when asked for (importlib.metadata costs every start ~40 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> NoReturn:
        from dossier_app import __version__

        print(f"Tafeldossier {__version__}")
        parser.exit()


def build_parser() -> DutchParser:
    parser = DutchParser(prog="dossier", description="Tafeldossier: aanmeldingen voor de tafels "
                         "van het Routeboek verzuim en thuiszitters voorbereiden en controleren.")
    parser.add_argument("--versie", action=_VersionAction, nargs=0, help="toon het versienummer en stop")
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchParser)
    sub.required = True

    p = sub.add_parser("tafels", help="de tafels, waar ze bestaan, wie aanmeldt en welke stukken nodig zijn",
                       description="Toon de tafels uit het routeboek dat op de peildatum geldt.")
    p.add_argument("--onderwijs", choices=list(ONDERWIJS), help="alleen po of vo")
    p.add_argument("--gemeente", choices=list(GEMEENTEN), help="beschikbaarheid voor één gemeente")
    p.add_argument("--datum", type=_datum, help="peildatum JJJJ-MM-DD (standaard: vandaag)")
    p.add_argument("--json", action="store_true", help="schrijf één JSON-document naar stdout")
    p.set_defaults(func=cmd_tafels)

    p = sub.add_parser("check", help="controleer een casus: beschikbaarheid, volledigheid, "
                       "voorwaarden, termijn",
                       description="Controleer een casusbestand tegen het routeboek. "
                       "Exitcode 0: compleet; 1: niet beschikbaar of niet compleet; 2: verkeerd "
                       "gebruik; 3: casusbestand onleesbaar.")
    p.add_argument("case", metavar="CASUS", help="het casusbestand (.toml)")
    p.add_argument("--json", action="store_true", help="schrijf één JSON-document naar stdout")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("anonimiseer", help="één document anonimiseren en opschonen tot een PDF",
                       description="Anonimiseer één document (PDF, Word of foto) met de gegevens uit "
                       "het casusbestand. Exitcode 0: gelukt; 3: invoer onleesbaar; 4: anonimisering "
                       "kon niet worden bevestigd (er is niets geschreven).")
    p.add_argument("--case", required=True, metavar="CASUS", help="het casusbestand (.toml)")
    p.add_argument("input", metavar="BESTAND", help="het document")
    p.add_argument("-o", "--output", required=True, metavar="UIT.pdf", help="de geanonimiseerde PDF")
    p.add_argument("--converter", choices=["auto", "word", "libreoffice", "builtin"], default="auto",
                   help="omzetter voor Word-bestanden (standaard: de beste die er is)")
    p.set_defaults(func=cmd_anonimiseer)

    p = sub.add_parser("build", help="de hele bundel maken: gecontroleerd, geanonimiseerd, één PDF",
                       description="Maak de geanonimiseerde bundel voor het loket. Er wordt niets "
                       "geschreven tenzij alles klopt. Exitcode 0: gelukt; 1: niet beschikbaar of niet "
                       "compleet; 2: verkeerd gebruik (of het uitvoerbestand bestaat al); 3: een "
                       "invoerbestand is onleesbaar; 4: anonimisering kon niet worden bevestigd.")
    p.add_argument("case", metavar="CASUS", help="het casusbestand (.toml)")
    p.add_argument("-o", "--output", required=True, metavar="BUNDEL.pdf", help="de bundel")
    p.add_argument("--concept", action="store_true",
                   help="ook als het dossier nog niet compleet is; elke pagina krijgt CONCEPT")
    p.add_argument("--force", action="store_true", help="een bestaande bundel vervangen")
    p.add_argument("--converter", choices=["auto", "word", "libreoffice", "builtin"], default="auto",
                   help="omzetter voor Word-bestanden (standaard: de beste die er is)")
    p.add_argument("--stil", action="store_true", help="geen voortgang tonen")
    p.add_argument("--wachtwoord", action="store_true",
                   help="de bundel versleutelen (AES-256) met een wachtwoord; Tafeldossier leest het "
                   "uit TAFELDOSSIER_WACHTWOORD of vraagt erom (nooit op de opdrachtregel)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help="een casus met stukken exporteren naar één versleuteld bestand",
                       description="Maak één bestand (.tafeldossier) met de casus en de stukken, "
                       "versleuteld met een wachtwoordzin, om aan een collega te geven. De "
                       "wachtwoordzin komt uit TAFELDOSSIER_WACHTWOORD of wordt gevraagd.")
    p.add_argument("case", metavar="CASUS", help="het casusbestand (.toml)")
    p.add_argument("-o", "--output", required=True, metavar="BESTAND.tafeldossier",
                   help="het exportbestand")
    p.add_argument("--force", action="store_true", help="een bestaand bestand vervangen")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="een geëxporteerde casus uitpakken in een nieuwe map",
                       description="Pak een .tafeldossier-bestand uit: casus.toml en de map stukken. "
                       "De wachtwoordzin komt uit TAFELDOSSIER_WACHTWOORD of wordt gevraagd. "
                       "Exitcode 3: verkeerde wachtwoordzin of beschadigd bestand.")
    p.add_argument("file", metavar="BESTAND.tafeldossier", help="het exportbestand")
    p.add_argument("-o", "--output", required=True, metavar="MAP", help="een nieuwe, lege map")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("verify", help="een ontvangen bundel controleren (voor het loket)",
                       description="Controleer een bundel: compleet, ongewijzigd, verborgen onderdelen "
                       "leeg, mogelijke persoonsgegevens. Exitcode 0: in orde; 1: problemen gevonden; "
                       "3: geen leesbare Tafeldossier-bundel.")
    p.add_argument("bundle", metavar="BUNDEL", help="de ontvangen bundel (.pdf), of een map met bundels")
    p.add_argument("--json", action="store_true", help="schrijf één JSON-document naar stdout")
    p.add_argument("--csv", metavar="BESTAND", help="bij een map: de tabel ook als CSV (voor Excel)")
    p.add_argument("--xlsx", metavar="BESTAND", help="bij een map: de tabel ook als Excel-bestand")
    p.add_argument("--submappen", action="store_true", help="bij een map: ook de submappen")
    p.add_argument("--wachtwoord", action="store_true",
                   help="de bundel is met een wachtwoord beveiligd (build --wachtwoord); Tafeldossier leest "
                   "het uit TAFELDOSSIER_WACHTWOORD of vraagt erom (nooit op de opdrachtregel)")
    p.set_defaults(func=cmd_verify)

    _add_form_parsers(sub)
    return parser


def _configure_streams() -> None:
    # A Windows console or pipe may not encode every character: never crash on output.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _configure_streams()
    get_logger()  # the support log, before any module logs
    _remove_stale_workdirs()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --versie, or a usage error
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except DossierError as exc:
        print(exc.message, file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("Afgebroken door de gebruiker. Er is niets weggeschreven.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: no traceback for the user, details in the log
        log_internal_error(exc)
        print("Er ging iets mis in Tafeldossier (interne fout). Er is niets weggeschreven. "
              "Meld dit bij de beheerder en vermeld het tijdstip; details staan in het logbestand.",
              file=sys.stderr)
        return int(ExitCode.internal)


def _remove_stale_workdirs() -> None:
    """Copies of source documents left by a killed build or conversion: gone at every start."""
    from dossier_app.store.workdir import remove_stale_workdirs

    try:
        remove_stale_workdirs()
    except OSError as exc:  # never a reason not to run the command
        get_logger("cli").warning("oude werkmappen niet opgeruimd (%s)", type(exc).__name__)


def _quiet_stdout() -> None:
    """Point stdout at devnull so Python's flush at exit does not fail on the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> NoReturn:
    from dossier_app.processes import leave

    leave(main())


__all__ = ["UsageError", "build_parser", "main", "run"]
