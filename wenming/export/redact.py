"""`export --redact`: mask mainland ID numbers and mobile numbers in every text an export shows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from .rows import LedgerExport

# Digits standing alone: not inside a longer run of letters or digits (a hash, a URL token).
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Integrity data and the paths files are read from: masking them would break them.
_KEEP = frozenset({"sha256", "commit", "origin"})

T = TypeVar("T")


def is_id_number(text: str) -> bool:
    """A mainland resident ID number: 17 digits and the ISO 7064 check character."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == text[17].upper()


def _mask_id(match: re.Match[str]) -> str:
    text = match.group(1)
    return text[:3] + "*" * 11 + text[-4:] if is_id_number(text) else text


def mask(text: str) -> str:
    """The text with ID numbers shown as 110***********123X and mobiles as 138****5678."""
    if not any(c.isdigit() for c in text):
        return text
    text = _ID.sub(_mask_id, text)
    return _MOBILE.sub(lambda m: m.group(1)[:3] + "****" + m.group(1)[-4:], text)


def _walk(value: T) -> T:
    """A copy of `value` with every string masked, through dataclasses, tuples and mappings."""
    result: Any = value
    if isinstance(value, str):
        result = mask(value)
    elif isinstance(value, tuple):
        result = tuple(_walk(v) for v in value)
    elif isinstance(value, list):
        result = [_walk(v) for v in value]
    elif isinstance(value, Mapping):
        result = {_walk(k): _walk(v) for k, v in value.items()}
    elif is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _walk(getattr(value, f.name))
            for f in fields(value)
            if f.init and f.name not in _KEEP
        }
        result = replace(value, **changes)
    return result  # type: ignore[no-any-return]


def redact_export(data: LedgerExport) -> LedgerExport:
    """The same export with personal numbers masked everywhere, file names in the bundle too."""
    return _walk(data)
