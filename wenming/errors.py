"""Problems found in a ledger and the one exception type that reaches the user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text as a terminal may show it: a control character a file holds (an escape sequence
    that would rewrite the screen) becomes U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True, order=True, slots=True)
class Source:
    """Where something was read: a ledger-relative POSIX path and a 1-based line (0 = whole file)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of `wenming check`: where, which rule, what is wrong and how to fix it."""

    source: Source
    rule: str  # a name registered in wenming/rules.py (tests/test_check_rules.py checks every one)
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.source.path, self.source.line, self.rule, self.message)

    def format(self) -> str:
        head = f"{self.source}: {self.severity.label}：{self.message}（{self.rule}）"
        line = f"{head}\n  提示：{self.hint}" if self.hint else head
        return printable(line)  # a message quotes what the file holds

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.source.path,
            "line": self.source.line,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


class WenmingError(Exception):
    """A user-caused failure: shown as one Chinese line (plus a hint) and exit status 1."""

    def __init__(self, message: str, hint: str = "", exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
