"""The redactor's steps, each on its own (pdf_redact/: prepass, find, remove, boxes,
verify, save), on generated PDFs; `test_pdf_redact.py` tests them together."""

from __future__ import annotations

from pathlib import Path

import pdfmaker
import pikepdf
import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise.pdf_redact.boxes import box_ops, merge_boxes, shown_boxes
from dossier_app.anonymise.pdf_redact.context import (
    REASON_VERIFY,
    Context,
    PageFind,
    PdfCleanResult,
    snapshot,
)
from dossier_app.anonymise.pdf_redact.find import find_all
from dossier_app.anonymise.pdf_redact.prepass import open_pdf, prepass
from dossier_app.anonymise.pdf_redact.remove import remove_all
from dossier_app.anonymise.pdf_redact.save import sanitise_and_save
from dossier_app.anonymise.pdf_redact.verify import verify_all
from dossier_app.anonymise.pdfium_chars import page_texts


def _context(path: Path) -> Context:
    pdf = open_pdf(path, path.name)
    return Context(pdf, pdfmaker.finder, path.name, {}, PdfCleanResult(paginas=len(pdf.pages)))


def _snapshot_texts(ctx: Context, tmp_path: Path) -> list[str]:
    out = tmp_path / "tussenstand.pdf"
    out.write_bytes(snapshot(ctx.pdf))
    return page_texts(out)


def test_prepass_alone_removes_hidden_layers_marked_content_and_annotations(tmp_path: Path) -> None:
    path = pdfmaker.add_hidden_channels(pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf"))
    ctx = _context(path)
    with ctx.pdf:
        prepass(ctx)
        assert all("/Annots" not in page.obj for page in ctx.pdf.pages)
        assert "/OCProperties" not in ctx.pdf.Root and "/AcroForm" not in ctx.pdf.Root
        content = b"".join(page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream)
                           else b"".join(c.read_bytes() for c in page.obj.Contents)
                           for page in ctx.pdf.pages)
        assert b"BDC" not in content and b"ActualText" not in content
        texts = _snapshot_texts(ctx, tmp_path)
    assert "Verborgen laag" not in texts[0]  # what the hidden layer drew is gone
    assert "Zie het dossier van de leerling" in texts[0]  # the visible text stays
    assert {m.code for m in ctx.result.meldingen} >= {"VERBORGEN_LAAG_VERWIJDERD"}


def test_find_alone_locates_hits_boxes_and_the_text_to_keep(tmp_path: Path) -> None:
    path = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 2)
    ctx = _context(path)
    with ctx.pdf:
        doc = pdfium.PdfDocument(snapshot(ctx.pdf))
        try:
            find_all(ctx, doc)
        finally:
            doc.close()
    for found in ctx.finds.values():
        assert found.has_text and found.categories == {"naam": 2, "bsn": 1}
        assert len(found.boxes) == 2  # "Noor Jansen" and the BSN, each one box on the line
        assert "Noor" not in found.kept and "mentor" in found.kept
        assert found.objects and found.checks


def test_remove_and_verify_alone_and_verify_refuses_a_moved_glyph(tmp_path: Path) -> None:
    path = pdfmaker.make_text_pdf(tmp_path / "tekst.pdf", 2)
    ctx = _context(path)
    with ctx.pdf:
        before = pdfium.PdfDocument(snapshot(ctx.pdf))
        try:
            find_all(ctx, before)
            remove_all(ctx)
            assert ctx.edited == {0, 1}
            texts = _snapshot_texts(ctx, tmp_path)
            assert all("Noor" not in t and "123456782" not in t and "mentor" in t for t in texts)
            verify_all(ctx, before)
            assert ctx.raster_reason == {}
            # page 2 drawn 3 points to the right: every kept glyph moved, verify refuses it
            page = ctx.pdf.pages[1]
            page.contents_add(ctx.pdf.make_stream(b"1 0 0 1 3 0 cm"), prepend=True)
            verify_all(ctx, before)
        finally:
            before.close()
    assert ctx.raster_reason == {1: REASON_VERIFY}


def test_boxes_alone() -> None:
    # neighbouring chars on one line become one padded box; another line stays apart
    merged = merge_boxes([(10, 100, 15, 110), (15.5, 100, 20, 110), (10, 80, 15, 90)])
    assert len(merged) == 2
    assert merged[0][0] < 10 and merged[0][2] > 20
    ops = box_ops(merged)
    assert [str(op.operator) for op in ops] == ["q", "g", "re", "re", "f", "Q"]
    assert box_ops([]) == []


def test_boxes_are_shown_in_the_rotated_page(tmp_path: Path) -> None:
    path = tmp_path / "gedraaid.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 700, "x")
    c.save()
    ctx = _context(path)
    with ctx.pdf:
        found = PageFind(boxes=[(100.0, 700.0, 200.0, 720.0)], crop=(0.0, 0.0, A4[0], A4[1]),
                         rotate=90)
        (shown,) = shown_boxes(ctx, 0, found)
    # turned a quarter clockwise, the page's bottom edge is on the left: the box's height
    # above the bottom is its distance from the left, its x its distance from the top
    assert (round(shown.x), round(shown.y), round(shown.breedte), round(shown.hoogte)) == (
        700, 100, 20, 100)


def test_save_alone_sanitises_and_rewrites(tmp_path: Path) -> None:
    path = pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf")
    ctx = _context(path)
    dst = tmp_path / "uit.pdf"
    with ctx.pdf:
        sanitise_and_save(ctx, dst)
    with pikepdf.open(dst) as pdf:
        assert "/Outlines" not in pdf.Root
        info = pdf.trailer.get("/Info")
        assert info is None or "/Author" not in info
    assert not dst.with_name(dst.name + ".tmp").exists()
