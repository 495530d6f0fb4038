"""A Case as JSON and back, losslessly, including a case still being filled in.

Drafts need this rather than the case file: the case-file reader rightly refuses an
empty OT-nummer or a person without a name, but a draft must keep exactly what the user
typed so far. Only ever stored sealed (see drafts.py)."""

from __future__ import annotations

import json
import types
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from dossier_app.case_model import Case


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Path):
        return {"$p": str(value)}
    return value


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime | date | Path):
        return _scalar(value)
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$m": {str(k): _encode(v) for k, v in value.items()}}
    return value


def _tagged(value: dict[str, Any]) -> Any:
    tag, inner = next(iter(value.items()))
    if tag == "$dt":
        return datetime.fromisoformat(inner)
    if tag == "$d":
        return date.fromisoformat(inner)
    if tag == "$p":
        return Path(inner)
    return {k: _decode(v, Any) for k, v in inner.items()}


def _decode(value: Any, hint: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("$dt", "$d", "$p", "$m"):
        return _tagged(value)
    if isinstance(hint, type) and is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{k: _decode(v, hints[k]) for k, v in value.items() if k in hints})
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        return None if value is None else _decode(value, options[0])
    if origin is tuple and isinstance(value, list):
        return tuple(_decode(v, get_args(hint)[0]) for v in value)
    if isinstance(value, list):
        return [_decode(v, Any) for v in value]
    return value


def case_to_json(case: Case) -> str:
    return json.dumps(_encode(case), ensure_ascii=False)


def case_from_json(text: str) -> Case:
    case = _decode(json.loads(text), Case)
    if not isinstance(case, Case):
        raise ValueError("not a case")
    return case
