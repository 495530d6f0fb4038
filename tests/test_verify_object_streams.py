"""Content hidden inside object streams (/Type /ObjStm) of a received bundle (issue 14).

An object stream is compressed: what it holds is not in the file's plain bytes, and an
object in it that no page refers to is shown by no viewer. Each attack puts the unredacted
page of a pupil (a page dictionary inside an object stream, its content stream beside it)
or an image into a real bundle, once as a file rewritten by pikepdf with object streams,
once appended as an incremental update (with and without the old `%%EOF`), and expects
verify to refuse with its specific message.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from test_assemble import EXTRA, make_info, make_parts
from test_verify import verify
from test_verify_attacks import fresh, refused  # noqa: F401 (fixture)

from dossier_app.bundle import manifest, structure
from dossier_app.bundle.assemble import assemble
from dossier_app.bundle.verify import verify_bundle
from dossier_app.documents.limits import Limits
from dossier_app.errors import ExitCode, NotABundleError

SECRET = b"Jan de Vries, BSN 123456782, Weimarstraat 12"
PAGE_TEXT = b"BT /F1 18 Tf 72 700 Td (" + SECRET + b") Tj ET"


def _hidden_objects(pdf: pikepdf.Pdf, kind: str) -> pikepdf.Object:
    """A dictionary (it goes into an object stream) that refers to a stream with the secret."""
    if kind == "pagina":
        content = pdf.make_stream(PAGE_TEXT)
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                                                    Contents=content))
    pixels = bytes(range(256)) * 12 + SECRET  # an image whose pixels carry the text
    image = pdf.make_stream(pixels, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=8,
                            Height=len(pixels) // 8, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    return pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im9=image)))


@pytest.mark.parametrize("kind", ["pagina", "afbeelding"])
def test_orphan_in_an_object_stream_of_a_rewritten_file(fresh, kind):  # noqa: F811
    """Saved by pikepdf with object streams while the trailer still named the hidden
    dictionary; then that reference blanked out (same length): one clean revision."""
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.trailer.Zz = _hidden_objects(pdf, kind)
        pdf.save(fresh, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    raw = fresh.read_bytes()
    ref = re.search(rb"/Zz (\d+) 0 R", raw)
    assert ref is not None and SECRET not in raw  # compressed
    raw = raw.replace(ref.group(0), b" " * len(ref.group(0)))
    fresh.write_bytes(raw)
    table = structure.check_layout(raw, 10_000)  # one revision, every object where the xref says
    assert int(ref.group(1)) in table.in_stream  # the dictionary is inside an object stream
    with pikepdf.open(fresh) as pdf:
        assert "/Zz" not in pdf.trailer and not pdf.get_warnings()
    refused(fresh, "VERBORGEN_OBJECTEN", "2 objecten waar niets in de bundel naar verwijst")


def _xref_keys(raw: bytes) -> tuple[int, bytes, int]:
    """(startxref offset, the /Root /Info /ID entries, /Size) of the last xref stream."""
    at = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
    head = raw[at:raw.index(b"stream", at)]
    keys = b" ".join(re.search(pattern, head).group(0)
                     for pattern in (rb"/Root \d+ 0 R", rb"/Info \d+ 0 R", rb"/ID ?\[[^\]]*\]"))
    size = int(re.search(rb"/Size (\d+)", head).group(1))
    return at, keys, size


def append_object_stream(path: Path, *, keep_old_eof: bool, prev: bool, xref_tail: bytes = b"") -> None:
    """Append, as an incremental update would: a content stream with the secret, an object
    stream holding a page dictionary that refers to it (nothing else does), and a new xref
    stream. `prev`: the new xref names the old one (/Prev) and lists only the new objects;
    otherwise it lists every object, so the file reads as one revision. `xref_tail`: the xref
    stream compressed, with these bytes after the end of its compressed data."""
    raw = path.read_bytes()
    old_at, keys, size = _xref_keys(raw)
    old = structure.check_layout(raw, 10_000)
    if not keep_old_eof:  # overwrite the old "startxref n %%EOF"
        tail = re.search(rb"startxref\s+\d+\s+%%EOF\s*$", raw)
        raw = raw[:tail.start()] + b" " * (tail.end() - tail.start() - 1) + b"\n"
    page, content, objstm, xref = size, size + 1, size + 2, size + 3
    offsets: dict[int, int] = {}
    offsets[content] = len(raw)
    raw += b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        content, len(PAGE_TEXT), PAGE_TEXT)
    header = b"%d 0 " % page
    body = b"<< /Type /Page /MediaBox [0 0 595 842] /Contents %d 0 R >>" % content
    data = zlib.compress(header + body)
    offsets[objstm] = len(raw)
    raw += (b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
            b"endstream\nendobj\n" % (objstm, len(header), len(data), data))
    offsets[xref] = len(raw)
    rows = {page: (2, objstm, 0), content: (1, offsets[content], 0), objstm: (1, offsets[objstm], 0),
            xref: (1, offsets[xref], 0)}
    if not prev:  # every object of the bundle as well
        rows |= {num: (1, off, gen) for (num, gen), off in old.offsets.items()}
        rows |= {num: (2, container, 0) for num, container in old.in_stream.items()}
        rows[0] = (0, 0, 65535)
    numbers = sorted(rows)
    index = b" ".join(b"%d 1" % n for n in numbers)
    table = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                     for t, a, b in (rows[n] for n in numbers))
    extra = b" /Prev %d" % old_at if prev else b""
    if xref_tail:
        table, extra = zlib.compress(table) + xref_tail, extra + b" /Filter /FlateDecode"
    raw += (b"%d 0 obj\n<< /Type /XRef /Size %d /Index [%s] /W [1 4 2] %s%s /Length %d >>\nstream\n%s\n"
            b"endstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
            % (xref, xref + 1, index, keys, extra, len(table), table, offsets[xref]))
    path.write_bytes(raw)


def test_object_stream_appended_as_an_incremental_update(fresh):  # noqa: F811
    append_object_stream(fresh, keep_old_eof=True, prev=True)
    with pikepdf.open(fresh) as pdf:  # a valid update: qpdf reads it without repair
        assert not pdf.get_warnings()
    refused(fresh, "BEWERKT_NA_MAKEN", "als aanvulling opgeslagen (incrementele update)")


def test_object_stream_appended_over_the_old_end_of_file(fresh):  # noqa: F811
    append_object_stream(fresh, keep_old_eof=False, prev=True)
    refused(fresh, "OPBOUW_AFWIJKEND", "Verschillende PDF-lezers kunnen er dan verschillende pagina's")


def test_object_stream_appended_with_a_new_full_xref(fresh):  # noqa: F811
    """No /Prev, one %%EOF: the file reads as one revision; the old xref stream, the page
    dictionary in the new object stream and its content stream are what nothing reaches."""
    append_object_stream(fresh, keep_old_eof=False, prev=False)
    with pikepdf.open(fresh) as pdf:
        assert not pdf.get_warnings()
    refused(fresh, "VERBORGEN_OBJECTEN", "waar niets in de bundel naar verwijst")


def test_bytes_after_the_compressed_data_of_the_xref_stream(fresh):  # noqa: F811
    append_object_stream(fresh, keep_old_eof=False, prev=False, xref_tail=SECRET)
    with pikepdf.open(fresh) as pdf:
        assert not pdf.get_warnings()
    refused(fresh, "VERBORGEN_BYTES", "1 datastroom met gegevens na het einde")


# --- bytes after the end of compressed data -----------------------------------------------

def add_tail(stream: pikepdf.Stream) -> None:
    """Keep the stream's content (so the page digest stays the same), compressed, and put the
    secret after the end of the compressed data, inside the stream's /Length."""
    stream.write(zlib.compress(stream.read_bytes()) + SECRET, filter=pikepdf.Name.FlateDecode)


def test_bytes_after_the_compressed_data_of_a_page(fresh):  # noqa: F811
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        contents = pdf.pages[2].obj.Contents
        add_tail(contents[0] if isinstance(contents, pikepdf.Array) else contents)
        pdf.save(fresh)
    assert SECRET in fresh.read_bytes()
    report = refused(fresh, "VERBORGEN_BYTES", "1 datastroom met gegevens na het einde van de "
                     "gecomprimeerde inhoud")
    assert not report.wijzigingen  # the page decodes as built: only the bytes tell


def _resave_with_object_streams(path, level: int) -> None:
    """qpdf writes the file anew, every stream recompressed at `level`, in object streams."""
    pikepdf.settings.set_flate_compression_level(level)
    try:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, recompress_flate=True)
    finally:
        pikepdf.settings.set_flate_compression_level(-1)


def test_bytes_after_the_compressed_data_of_an_object_stream(fresh):  # noqa: F811
    """qpdf writes the object streams with fast compression; recompressed tighter, the
    secret fits after the end of the data without moving a byte of the file."""
    _resave_with_object_streams(fresh, level=1)
    raw = fresh.read_bytes()
    at = raw.index(b"/Type /ObjStm")
    start, data_at = raw.rindex(b" obj", 0, at), raw.index(b"stream\n", at) + 7
    length = int(re.search(rb"/Length (\d+)", raw[start:data_at]).group(1))
    data = raw[data_at:data_at + length]
    tight = zlib.compress(zlib.decompress(data), 9)
    assert len(tight) + len(SECRET) <= length
    hidden = tight + SECRET + b" " * (length - len(tight) - len(SECRET))
    fresh.write_bytes(raw[:data_at] + hidden + raw[data_at + length:])
    with pikepdf.open(fresh) as pdf:
        assert not pdf.get_warnings()
    refused(fresh, "VERBORGEN_BYTES", "gegevens na het einde van de gecomprimeerde inhoud")


def test_the_assembler_drops_bytes_after_the_compressed_data(tmp_path):
    """A source document with such bytes: the bundle leaves them out, and passes."""
    parts = make_parts(tmp_path / "parts")
    source = parts[2].pdfs[0]
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        add_tail(pdf.pages[0].obj.Contents)
        pdf.save(source)
    assert SECRET in source.read_bytes()
    out = tmp_path / "bundel.pdf"
    assemble(parts, make_info(), out, manifest_extra=EXTRA)
    assert SECRET not in out.read_bytes()
    with pikepdf.open(out) as pdf:
        streams = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)]
        assert not any(SECRET in o.read_raw_bytes() for o in streams)
    assert verify(out).exit_code == ExitCode.ok


# --- further attacks from the list --------------------------------------------------

def test_manifest_twice_in_a_name_tree_with_kids(fresh):  # noqa: F811
    """Two leaves of a name tree each hold an entry under the manifest's name: readers that
    walk the tree list both, a reader that keeps one name shows either."""
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        tree = pdf.Root.Names.EmbeddedFiles
        name, spec = tree.Names[0], tree.Names[1]
        other = pdf.make_indirect(pikepdf.Dictionary({k: spec[k] for k in spec}))
        stream = spec.EF.F
        keys = {k[1:]: stream.stream_dict[k] for k in stream.stream_dict
                if k not in ("/Length", "/Filter", "/DecodeParms")}
        copy = pdf.make_stream(stream.read_bytes(), **keys)
        other.EF = pikepdf.Dictionary(F=copy, UF=copy)  # a valid manifest too (a changed one would do)
        leaves = [pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array([name, s]),
                                                       Limits=pikepdf.Array([name, name])))
                  for s in (spec, other)]
        pdf.Root.Names.EmbeddedFiles = pdf.make_indirect(pikepdf.Dictionary(Kids=pikepdf.Array(leaves)))
        pdf.save(fresh)
    refused(fresh, "BIJLAGE_TOEGEVOEGD", "bijgevoegd")


def test_extra_key_on_the_manifest_stream(fresh):  # noqa: F811
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.attachments[manifest.BESTANDSNAAM].obj.EF.F.Notitie = pikepdf.String("Jan de Vries")
        pdf.save(fresh)
    refused(fresh, "BIJLAGE_TOEGEVOEGD", "bestandsbeschrijving van het manifest")


def test_font_bomb_is_refused(fresh):  # noqa: F811
    """An embedded font program that inflates far beyond the limit (exit 3, before any
    reader decodes it)."""
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        bomb = zlib.compress(b"\0" * (3 * 1024 * 1024), 9)
        program = pdf.make_stream(b"")
        program.write(bomb, filter=pikepdf.Name.FlateDecode)
        fonts = pdf.pages[1].obj.Resources.Font
        font = fonts[next(iter(fonts.keys()))]
        descriptor = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor,
                                                          FontName=font.get("/BaseFont"), FontFile2=program))
        font.FontDescriptor = descriptor
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match="datastroom die uitgepakt meer dan 1 MB") as info:
        verify_bundle(fresh, bestand=fresh.name, limits=Limits(max_stream_bytes=1024 * 1024))
    assert info.value.exit_code == ExitCode.input_error


def test_a_resave_with_recompressed_object_streams_passes(fresh):  # noqa: F811
    """qpdf writing every stream anew (tighter compression, object streams): harmless."""
    _resave_with_object_streams(fresh, level=9)
    report = verify(fresh)
    assert report.ok, [m.tekst for m in report.problemen]


def test_bytes_after_the_compressed_data_of_the_manifest(fresh):  # noqa: F811
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        add_tail(pdf.attachments[manifest.BESTANDSNAAM].obj.EF.F)
        pdf.save(fresh)
    refused(fresh, "VERBORGEN_BYTES", "1 datastroom met gegevens na het einde")
