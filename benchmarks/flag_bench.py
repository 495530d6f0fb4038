"""The flagger on the labelled evaluation set: recall, false alarms per class, professionals
misread; and the flagger's own speed per page.

Run: .venv/bin/python benchmarks/flag_bench.py [--variants 2] [--show]

The set (tests/flagcorpus.py, tests/flagcorpus_holdout.py, tests/flagcorpus_holdout2.py):
realistic Dutch PO and VO reports (MDO verslagen, SMW verslag, OPP, family table, grade
list, form, absence register, thirteen hand-written held-out reports) as text PDFs and
Word files, every item labelled: planted personal data the case does not hold (`p.*`),
professionals (`r`), decoys (`d.*`). Each document goes the product's way: intake, Word
anonymised at the source and converted (built-in converter), then
`flag_pdf.findings_in_texts` over PDFium's page texts.

- recall: planted items raised as personal data, names and numbers wrapped over a line
  end (`p.afgebroken`) included;
- false alarms: decoys raised as personal data, per class and in total;
- professionals misread: professionals raised as personal data (a review item is right);
- unlabelled: findings on nothing labelled (with --show: each one; all people are made up).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from flagcorpus import Score, documents, evaluate  # noqa: E402
from flagcorpus_holdout import holdout_documents  # noqa: E402
from flagcorpus_holdout2 import holdout2_documents  # noqa: E402

TARGETS = {"recall": 0.95, "false_alarms": 0.03, "professionals": 0.05}


def _row(name: str, items: int, share: float, target: str = "") -> str:
    return f"  {name:<22} {items:>5} {100 * share:>7.1f}%  {target}"


def report(title: str, score: Score, show: bool) -> None:
    print(f"\n{title}: {len(score.outcomes)} labelled mentions, {score.words} words")
    print(f"  {'class':<22} {'items':>5} {'raised':>8}")
    for cls in sorted({o.cls for o in score.outcomes}):
        print(_row(cls, len(score.of(cls)), Score.share(score.of(cls))))
    print(_row("RECALL (p.*)", len(score.of("p")), score.recall(), f">= {TARGETS['recall']:.0%}"))
    wrapped = score.of("p.afgebroken")
    print(f"  wrapped over a line end, found whole: {sum(o.raised and o.whole for o in wrapped)} "
          f"of {len(wrapped)}")
    print(_row("FALSE ALARMS (d.*)", len(score.of("d")), score.false_alarms(),
               f"<= {TARGETS['false_alarms']:.0%}"))
    print(_row("PROFESSIONALS MISREAD", len(score.of("r")), score.professionals_misread(),
               f"<= {TARGETS['professionals']:.0%}"))
    reviewed = sum(o.reviewed for o in score.of("r"))
    print(f"  professionals shown as a name to check: {reviewed} of {len(score.of('r'))}")
    print(f"  unlabelled findings: {len(score.unlabelled)} "
          f"({sum(1 for u in score.unlabelled if not u[1].endswith('?'))} as personal data)")
    if show:
        for o in score.outcomes:
            wrong = (o.cls.startswith("p") and not o.raised) or (not o.cls.startswith("p") and o.raised)
            if wrong:
                print(f"    wrong: {o.cls:<16} {o.value!r} ({o.doc})")
        for doc, categorie, text in score.unlabelled:
            print(f"    unlabelled: {categorie:<10} {text!r} ({doc})")


def speed() -> None:
    """The flagger alone over the page texts of the generated reports, repeated."""
    from flagcorpus import identifiers, page_texts_of, write

    from dossier_app.anonymise.detect import warm_up
    from dossier_app.anonymise.flag_pdf import findings_in_texts

    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for doc in documents(1):
            texts = page_texts_of(write(doc, Path(tmp) / "in"), doc.family, Path(tmp) / "work")
            pages += [(doc.family, t) for t in texts]
    rounds = 5
    started = time.perf_counter()
    for _ in range(rounds):
        for family, text in pages:
            findings_in_texts([(0, text)], identifiers(family), before_redaction=True)
    seconds = time.perf_counter() - started
    count = rounds * len(pages)
    print(f"\nflagger alone: {count} pages in {seconds:.2f} s = {count / seconds:.0f} pages/s "
          f"({1000 * seconds / count:.1f} ms per page, name detector loaded)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=2, help="generated variants per report kind")
    parser.add_argument("--show", action="store_true", help="list every wrong and unlabelled item")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generated = evaluate(documents(args.variants), Path(tmp) / "gegenereerd")
        held_out = evaluate(holdout_documents() + holdout2_documents(), Path(tmp) / "apart")
    report(f"generated ({args.variants} variants x {len(documents(1))} reports)", generated, args.show)
    report("held out (13 hand-written reports)", held_out, args.show)
    both = Score(generated.outcomes + held_out.outcomes, generated.unlabelled + held_out.unlabelled,
                 generated.words + held_out.words)
    report("together", both, False)
    speed()


if __name__ == "__main__":
    main()
