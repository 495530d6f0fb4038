"""A page's content and the forms it draws, parsed once, with the text state of every
text-showing operator, in PDFium's object order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from dossier_app.anonymise.pdfium_chars import (
    MAX_FORM_DEPTH,
)

_TEXT_SHOW = {"Tj", "TJ", "'", '"'}


@dataclass
class TextOp:
    chain: tuple[int, ...]  # Do-operator indices from the page down to this stream
    index: int  # operator index within that stream
    font: object
    char_spacing: float
    word_spacing: float
    font_size: float


@dataclass
class Stream:
    ops: list
    resources: Dictionary | None
    xobject: pikepdf.Stream | None  # None for the page itself
    replacements: dict[int, list] = field(default_factory=dict)


@dataclass
class _TextState:
    font: object = None
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    font_size: float = 0.0


class ContentTree:
    """A page's content and the forms it draws, parsed once, in PDFium's object order."""

    def __init__(self, page: Dictionary) -> None:
        self.streams: dict[tuple[int, ...], Stream] = {}
        self.text_ops: list[TextOp] = []
        self.min_depth = 0  # q/Q balance of the page: how far it pops below its start
        self.end_depth = 0
        resources = page.get("/Resources")
        ops = pikepdf.parse_content_stream(page)
        self.streams[()] = Stream(ops, resources if isinstance(resources, Dictionary) else None,
                                   None)
        self._walk((), _TextState(), frozenset(), top=True)

    def _walk(self, chain: tuple[int, ...], state: _TextState,
              seen: frozenset[tuple[int, int]], *, top: bool = False) -> None:
        stream = self.streams[chain]
        stack: list[_TextState] = []
        depth = 0
        for index, inst in enumerate(stream.ops):
            op = str(inst.operator)
            if op == "q":
                stack.append(_TextState(**vars(state)))
                depth += 1
            elif op == "Q":
                if stack:
                    state = stack.pop()
                depth -= 1
                if top:
                    self.min_depth = min(self.min_depth, depth)
            elif op in _TEXT_SHOW:
                self._text_op(chain, index, inst, op, state)
            else:
                self._state_op(stream, chain, (index, inst, op), state, seen)
        if top:
            self.end_depth = depth

    def _text_op(self, chain: tuple[int, ...], index: int, inst: object, op: str,
                 state: _TextState) -> None:
        operands = inst.operands  # type: ignore[attr-defined]
        if op == '"' and len(operands) == 3:
            state.word_spacing, state.char_spacing = pdf_number(operands[0]), pdf_number(operands[1])
        if state.font is None or not _shows_something(operands, op):
            return  # PDFium makes no text object for these either
        self.text_ops.append(TextOp(chain, index, state.font, state.char_spacing,
                                     state.word_spacing, state.font_size))

    def _state_op(self, stream: Stream, chain: tuple[int, ...], where: tuple[int, object, str],
                  state: _TextState, seen: frozenset[tuple[int, int]]) -> None:
        index, inst, op = where
        operands = inst.operands  # type: ignore[attr-defined]
        if op == "Tf" and len(operands) == 2:
            state.font = _lookup(stream.resources, "/Font", operands[0]) or "missing"
            state.font_size = pdf_number(operands[1])
        elif op == "Tc" and operands:
            state.char_spacing = pdf_number(operands[0])
        elif op == "Tw" and operands:
            state.word_spacing = pdf_number(operands[0])
        elif op == "Do" and operands:
            self._form(stream, (*chain, index), operands[0], state, seen)

    def _form(self, parent: Stream, child: tuple[int, ...], name: object,
              state: _TextState, seen: frozenset[tuple[int, int]]) -> None:
        xobj = _lookup(parent.resources, "/XObject", name)
        if not isinstance(xobj, pikepdf.Stream) or xobj.get("/Subtype") != Name.Form:
            return
        if len(child) > MAX_FORM_DEPTH or xobj.objgen in seen:
            return
        resources = xobj.get("/Resources")
        if not isinstance(resources, Dictionary):
            resources = parent.resources  # PDFium falls back to the page's resources
        self.streams[child] = Stream(pikepdf.parse_content_stream(xobj), resources, xobj)
        self._walk(child, _TextState(**vars(state)), seen | {xobj.objgen})


def pdf_number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _lookup(resources: Dictionary | None, category: str, name: object) -> object:
    if not isinstance(resources, Dictionary) or not isinstance(name, Name):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, Dictionary) else None


def _shows_something(operands: list, op: str) -> bool:
    if op == "TJ":
        return bool(operands) and isinstance(operands[0], Array) and any(
            isinstance(x, pikepdf.String) for x in operands[0])
    text = operands[-1] if operands else None
    return isinstance(text, pikepdf.String) and len(bytes(text)) > 0
