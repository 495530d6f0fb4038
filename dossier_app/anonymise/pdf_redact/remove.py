"""Step 3, remove: rewrite the text-showing operators that draw a hit, each hit glyph
replaced by a displacement of its own advance, and write the edited streams back."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator

from dossier_app.anonymise.hits import HYPHENS, LINE_END_MARKS
from dossier_app.anonymise.pdf_redact.boxes import box_ops
from dossier_app.anonymise.pdf_redact.content import ContentTree, Stream, TextOp, pdf_number
from dossier_app.anonymise.pdf_redact.context import (
    REASON_UNSUPPORTED,
    Context,
    ObjectFind,
    PageFind,
    Rect,
    near,
)
from dossier_app.anonymise.pdf_redact.fonts import Advances, FontInfo, font_info

_HYPHEN_FORMS = HYPHENS | {"\u00ad"}


class Unsupported(Exception):
    """This page cannot be edited safely; it becomes an image instead."""


def remove_all(ctx: Context) -> None:
    for index, found in ctx.finds.items():
        if not found.objects or index in ctx.raster_reason:
            continue
        try:
            _edit_page(ctx, index, found)
            ctx.edited.add(index)
        except (Unsupported, pikepdf.PdfError):
            ctx.raster_reason[index] = REASON_UNSUPPORTED


def _edit_page(ctx: Context, index: int, found: PageFind) -> None:
    page = ctx.pdf.pages[index].obj
    try:
        tree = ContentTree(page)
    except pikepdf.PdfError as exc:
        raise Unsupported from exc
    if len(tree.text_ops) != found.object_count or -1 in found.objects:
        raise Unsupported
    for pos, target in found.objects.items():
        text_op = tree.text_ops[pos]
        stream = tree.streams[text_op.chain]
        inst = stream.ops[text_op.index]
        font = font_info(ctx, text_op.font)
        stream.replacements[text_op.index] = _rewrite_text_op(inst, text_op, font, target)
    _materialise(ctx.pdf, page, tree, found.boxes)


def _rewrite_text_op(inst: object, text_op: TextOp, font: FontInfo,
                     target: ObjectFind) -> list:
    """Replace one text-showing operator by a TJ without the hit glyphs.

    Each removed glyph becomes a displacement of exactly its advance, so every glyph
    after it stays where it was.
    """
    op = str(inst.operator)  # type: ignore[attr-defined]
    operands = list(inst.operands)  # type: ignore[attr-defined]
    if font.split == "" or text_op.font_size == 0:
        raise Unsupported
    elements: list[list[int] | float] = []
    for element in list(operands[0]) if op == "TJ" else [operands[-1]]:
        if isinstance(element, pikepdf.String):
            codes = font.codes(bytes(element))
            if codes is None:
                raise Unsupported
            elements.append(codes)
        else:
            elements.append(pdf_number(element))
    advances = font.advances(text_op)
    remove = _hit_glyphs(elements, font, advances, target)
    new_elements: list = []
    glyph = 0
    for element in elements:
        if isinstance(element, float):
            _append_number(new_elements, element)
            continue
        kept: list[int] = []
        for code in element:
            if glyph in remove:
                _flush(new_elements, kept, font)
                _append_number(new_elements, -advances[code])
            else:
                kept.append(code)
            glyph += 1
        _flush(new_elements, kept, font)
    show = ContentStreamInstruction([Array(new_elements)], Operator("TJ"))
    return [*_prefix_ops(op, operands), show]


def _hit_glyphs(elements: list[list[int] | float], font: FontInfo, advances: Advances,
                target: ObjectFind) -> set[int]:
    """The numbers of the glyphs in the operator that draw a hit char.

    PDFium does not give one char per glyph: it drops spaces that follow a space, adds
    spaces of its own for wide gaps and line ends, and gives a ligature glyph several
    chars. So the glyphs are matched to PDFium's chars on what they show: every glyph
    that is not a space must decode (ToUnicode or encoding) to exactly the next
    non-space chars PDFium has for the object, and every char must sit at the origin
    that the glyph's advances put it. Only when that cannot be shown, and PDFium
    counted exactly as many glyphs as the operator has, is its count taken as is.
    """
    aligned = align_glyphs(elements, font, advances, target.chars)
    if aligned is not None:
        return {glyph for glyph, hit in aligned if hit}
    if sum(len(e) for e in elements if isinstance(e, list)) != target.size:
        raise Unsupported  # PDFium counted other glyphs than we did: do not guess
    return target.glyphs


def align_glyphs(elements: list[list[int] | float], font: FontInfo, advances: Advances,
                  chars: list[tuple[str, float, float, bool]]) -> list[tuple[int, bool]] | None:
    """(glyph number, shows a hit char) for every non-space glyph, or None if unproven."""
    wanted = [(c, x, y, hit) for c, x, y, hit in chars if not c.isspace()]
    wanted_text = "".join(c for c, _, _, _ in wanted)
    aligned: list[tuple[int, bool]] = []
    points: list[tuple[float, float, float]] = []  # glyph offset, PDFium origin
    k = 0
    for glyph, offset, code in _glyph_offsets(elements, advances):
        forms = font.forms(code)
        if forms is None:
            return None
        if forms[0] and wanted_text.startswith(forms[0], k) and len(forms[0]) == 1:
            _, x, y, hit = wanted[k]  # the usual case, one glyph one char: no lists
            k += 1
            aligned.append((glyph, hit))
            points.append((offset, x, y))
            continue
        size = _matching_chars(forms, wanted_text, k)
        if size is None:
            return None
        if size == 0:
            continue  # a space: PDFium may have kept, dropped or added one
        members = wanted[k:k + size]
        k += size
        aligned.append((glyph, any(hit for _, _, _, hit in members)))
        points.extend((offset, x, y) for _, x, y, _ in members)
    if k != len(wanted) or not _on_one_line(points):
        return None
    return aligned


def _glyph_offsets(elements: list[list[int] | float],
                   advances: Advances) -> Iterator[tuple[int, float, int]]:
    """(glyph number, start along the baseline in TJ units, code) for every glyph."""
    glyph = 0
    offset = 0.0
    for element in elements:
        if isinstance(element, float):
            offset -= element
            continue
        for code in element:
            yield glyph, offset, code
            offset += advances[code]
            glyph += 1


def _matching_chars(forms: tuple[str, ...], wanted: str, k: int) -> int | None:
    """How many of PDFium's non-space chars (`wanted`) from `k` on show a glyph with
    these `glyph_forms`; None if none.

    PDFium splits a ligature glyph (U+FB01) into its letters ("fi") and shows a hyphen
    at the end of a line as one of its line-end marks.
    """
    for form in forms:
        if not form:
            return 0
        if wanted.startswith(form, k):
            return len(form)
        if form in _HYPHEN_FORMS and wanted[k:k + 1] and wanted[k] in LINE_END_MARKS:
            return 1
    return None


def _on_one_line(points: list[tuple[float, float, float]]) -> bool:
    """Whether PDFium's origins are the glyph offsets laid out along one straight line.

    The direction and scale (font size, horizontal scaling, text and current matrix)
    follow from the first and last glyph; every other char must then lie within a few
    hundredths of an em of where its glyph's advances put it.
    """
    if not points:
        return True
    first = min(points)
    last = max(points)
    span = last[0] - first[0]
    if span <= 1e-6:
        return all(near(p[1:], first[1:]) for p in points)
    vx, vy = (last[1] - first[1]) / span, (last[2] - first[2]) / span
    tolerance = 0.01 + 20.0 * (vx * vx + vy * vy) ** 0.5  # 0.02 em
    return all(abs(first[1] + vx * (d - first[0]) - x) <= tolerance
               and abs(first[2] + vy * (d - first[0]) - y) <= tolerance for d, x, y in points)


def _flush(elements: list, kept: list[int], font: FontInfo) -> None:
    if kept:
        elements.append(pikepdf.String(font.encode(kept)))
        kept.clear()


def _append_number(elements: list, value: float) -> None:
    # TJ numbers are subtracted from the position: a glyph of width w becomes -w.
    if elements and isinstance(elements[-1], float):
        elements[-1] = round(elements[-1] + value, 4)
    else:
        elements.append(float(value))


def _prefix_ops(op: str, operands: list) -> list:
    if op == "'":
        return [ContentStreamInstruction([], Operator("T*"))]
    if op == '"':
        return [ContentStreamInstruction([operands[0]], Operator("Tw")),
                ContentStreamInstruction([operands[1]], Operator("Tc")),
                ContentStreamInstruction([], Operator("T*"))]
    return []


def _materialise(pdf: pikepdf.Pdf, page: Dictionary, tree: ContentTree,
                 boxes: list[Rect]) -> None:
    """Write edited streams back: forms as private copies, the page with its boxes."""
    edited = _edited_chains(tree)
    for chain in sorted(edited, key=len, reverse=True):
        if chain == ():
            continue
        stream = tree.streams[chain]
        copy = _copy_form(pdf, stream, _apply(stream))
        parent = tree.streams[chain[:-1]]
        name = _private_xobject(parent, copy, page if len(chain) == 1 else None)
        parent.replacements[chain[-1]] = [ContentStreamInstruction([name], Operator("Do"))]
    page_ops = _apply(tree.streams[()])
    lead = 1 - tree.min_depth
    close = lead + tree.end_depth
    q = ContentStreamInstruction([], Operator("q"))
    big_q = ContentStreamInstruction([], Operator("Q"))
    content = [q] * lead + page_ops + [big_q] * max(close, 0) + box_ops(boxes)
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(content))


def _edited_chains(tree: ContentTree) -> set[tuple[int, ...]]:
    edited: set[tuple[int, ...]] = set()
    for chain, stream in tree.streams.items():
        if stream.replacements:
            edited.update(chain[:k] for k in range(len(chain) + 1))
    return edited


def _apply(stream: Stream) -> list:
    out: list = []
    for index, inst in enumerate(stream.ops):
        out.extend(stream.replacements.get(index, [inst]))
    return out


def _copy_form(pdf: pikepdf.Pdf, stream: Stream, ops: list) -> pikepdf.Stream:
    assert stream.xobject is not None
    copy = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(ops))
    for key, value in stream.xobject.stream_dict.items():
        if key not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
            copy[key] = value
    if stream.resources is not None:
        copy.Resources = _shallow_copy(stream.resources)
        stream.resources = copy.Resources
    return pdf.make_indirect(copy)


def _shallow_copy(d: Dictionary) -> Dictionary:
    return Dictionary({key: value for key, value in d.items()})


def _private_xobject(parent: Stream, form: pikepdf.Stream, page: Dictionary | None) -> Name:
    """Register `form` under a fresh name in resources that only this use sees."""
    if parent.resources is None:
        parent.resources = Dictionary()
    if page is not None and not getattr(parent, "private", False):
        parent.resources = _shallow_copy(parent.resources)
        page.Resources = parent.resources
        parent.private = True  # type: ignore[attr-defined]
    resources = parent.resources
    group = resources.get("/XObject")
    group = _shallow_copy(group) if isinstance(group, Dictionary) else Dictionary()
    resources.XObject = group
    n = 1
    while Name(f"/TdForm{n}") in group:
        n += 1
    name = Name(f"/TdForm{n}")
    group[name] = form
    return name
