"""Step 4, boxes: the black boxes over the hits, as drawn on the page and as shown to
the user."""

from __future__ import annotations

from pikepdf import ContentStreamInstruction, Operator

from dossier_app.anonymise.pdf_redact.context import Context, PageFind, Rect
from dossier_app.case_model import Lakvlak

_BOX_PAD = 0.6  # points around the glyph boxes: antialiased edges


def merge_boxes(boxes: list[Rect]) -> list[Rect]:
    """Join the boxes of neighbouring chars on one line into one box, then pad."""
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in boxes:
        if merged:
            m = merged[-1]
            height = max(m[3] - m[1], y1 - y0, 0.1)
            same_line = abs((m[1] + m[3]) / 2 - (y0 + y1) / 2) < height / 2
            near = x0 - m[2] < height * 1.5 and m[0] - x1 < height * 1.5
            if same_line and near:
                m[:] = [min(m[0], x0), min(m[1], y0), max(m[2], x1), max(m[3], y1)]
                continue
        merged.append([x0, y0, x1, y1])
    return [(a - _BOX_PAD, b - _BOX_PAD, c + _BOX_PAD, d + _BOX_PAD) for a, b, c, d in merged]


def box_ops(boxes: list[Rect]) -> list:
    if not boxes:
        return []
    ops = [ContentStreamInstruction([], Operator("q")),
           ContentStreamInstruction([0], Operator("g"))]
    for x0, y0, x1, y1 in boxes:
        ops.append(ContentStreamInstruction(
            [round(x0, 3), round(y0, 3), round(x1 - x0, 3), round(y1 - y0, 3)], Operator("re")))
    ops += [ContentStreamInstruction([], Operator("f")),
            ContentStreamInstruction([], Operator("Q"))]
    return ops


def shown_boxes(ctx: Context, index: int, found: PageFind) -> list[Lakvlak]:
    boxes = list(ctx.regions.get(index, []))
    return boxes + [to_shown(b, found.crop, found.rotate, index) for b in found.boxes]


def to_shown(rect: Rect, crop: tuple[float, ...], rotate: int, index: int) -> Lakvlak:
    """User-space rectangle -> top-left-origin rectangle of the page as shown."""
    cx0, cx1 = sorted((crop[0], crop[2]))
    cy0, cy1 = sorted((crop[1], crop[3]))
    width, height = cx1 - cx0, cy1 - cy0
    points = []
    for x, y in ((rect[0], rect[1]), (rect[2], rect[3])):
        u, v = x - cx0, cy1 - y
        points.append({90: (height - v, u), 180: (width - u, height - v),
                       270: (v, width - u)}.get(rotate, (u, v)))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Lakvlak(index + 1, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
