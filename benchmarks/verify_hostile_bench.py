"""`dossier verify` on hostile files: time, peak memory and the answer (issue 14).

    .venv/bin/python benchmarks/verify_hostile_bench.py [--keep]

Builds, in a temp folder, a real bundle (the test suite's generator) and from it the
hostile files of issue 14: a page named a million times, a manifest, a content stream and
a font that inflate to gigabytes, a 3 GB non-PDF and a 40 GB PDF (both sparse, they take
no disk), and `/dev/zero`. Each row is one `python -m dossier_app verify` in a fresh
process: wall time, the process's peak resident memory (`wait4`, through `launch.py`: its
own, not this benchmark's), exit code and the first
line of its message. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zlib
from pathlib import Path

import launch
import pikepdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TIMEOUT_S = 300
GB = 1024 ** 3


def deflate_zeros(size: int) -> bytes:
    """`size` bytes of spaces, Flate-compressed, without holding them in memory."""
    comp = zlib.compressobj(9)
    chunk = b" " * (64 * 1024 * 1024)
    out, left = [], size
    while left > 0:
        out.append(comp.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    out.append(comp.flush())
    return b"".join(out)


def fresh_bundle(folder: Path) -> Path:
    from test_assemble import build_bundle  # the test suite's real-bundle generator

    return build_bundle(folder)[0]


def million_pages(bundle: Path, out: Path) -> Path:
    with pikepdf.open(bundle) as pdf:
        first = pdf.Root.Pages.Kids[0]
        pdf.Root.Pages.Kids = pikepdf.Array([first] * 1_000_000)
        pdf.Root.Pages.Count = 1_000_000
        pdf.save(out)
    return out


def many_references(bundle: Path, out: Path, count: int) -> Path:
    """`count` references spread over small arrays (each below the per-object limit)."""
    with pikepdf.open(bundle) as pdf:
        first = pdf.Root.Pages.Kids[0]
        arrays = [pdf.make_indirect(pikepdf.Array([first] * 1000)) for _ in range(count // 1000)]
        pdf.Root.Pages.Kids[0].Notitie = pikepdf.Array(arrays)
        pdf.save(out)
    return out


def with_stream(bundle: Path, out: Path, which: str, size: int) -> Path:
    data = deflate_zeros(size)
    with pikepdf.open(bundle) as pdf:
        if which == "manifest":
            stream = pdf.Root.Names.EmbeddedFiles.Names[1].EF.F
        elif which == "content":
            stream = pdf.make_stream(b"")
            pdf.pages[1].obj.Contents = pdf.make_indirect(stream)
        else:  # a font program
            font = pdf.make_stream(b"")
            pdf.pages[1].Resources.Font = pikepdf.Dictionary(Fb=pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name.Bom,
                FontDescriptor=pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontFile2=font)))
            stream = font
        stream.write(data, filter=pikepdf.Name.FlateDecode)
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out


def sparse(out: Path, head: bytes, size: int) -> Path:
    with open(out, "wb") as f:
        f.write(head)
        f.truncate(size)
    return out


def measure(path: Path) -> tuple[int, float, float, str]:
    env = {**os.environ, "TAFELDOSSIER_WACHTWOORD": ""}
    done = launch.run([sys.executable, "-m", "dossier_app", "verify", str(path)], env, cwd=ROOT,
                      timeout=TIMEOUT_S)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    first = next((line for line in lines if line.startswith(("Uitslag", "FOUT"))), lines[0] if lines else "")
    return done.exit, done.seconds, done.peak_mb, first[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    bundle = fresh_bundle(folder)
    print("building hostile files ...", file=sys.stderr)
    cases = [
        ("gewone bundel (8 pagina's)", bundle),
        ("1 pagina een miljoen keer genoemd", million_pages(bundle, folder / "miljoen.pdf")),
        ("1 miljoen verwijzingen, kleine objecten", many_references(bundle, folder / "refs.pdf", 1_000_000)),
        ("manifest 1,5 GB uitgepakt",
         with_stream(bundle, folder / "manifest-bom.pdf", "manifest", 3 * GB // 2)),
        ("inhoud 3 GB uitgepakt", with_stream(bundle, folder / "inhoud-bom.pdf", "content", 3 * GB)),
        ("lettertype 3 GB uitgepakt", with_stream(bundle, folder / "font-bom.pdf", "font", 3 * GB)),
        ("3 GB geen PDF (sparse)", sparse(folder / "groot.bin", b"hallo", 3 * GB)),
        ("40 GB PDF (sparse)", sparse(folder / "groot.pdf", b"%PDF-1.7\n", 40 * GB)),
        ("/dev/zero", Path("/dev/zero")),
    ]
    print(f"{'geval':38} {'bestand':>10} {'exit':>4} {'tijd s':>7} {'piek MB':>8}  melding")
    for name, path in cases:
        size = path.stat().st_size if path.is_file() else 0
        code, seconds, peak, first = measure(path)
        print(f"{name:38} {size / 1024:9.0f}K {code:>4} {seconds:7.2f} {peak:8.0f}  {first}")
    if not args.keep:
        for p in folder.rglob("*"):
            if p.is_file():
                p.unlink()
    print(f"(temp folder {folder}{' kept' if args.keep else ' emptied'})")


if __name__ == "__main__":
    main()
