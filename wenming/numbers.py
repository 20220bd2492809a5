"""Numbers as the ledger's readers write them: Chinese numerals and plain figures."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"


def chinese_numeral(value: int) -> str:
    """一 … 九十九 for 1 … 99, as a plan numbers its parts; other numbers in digits."""
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[ones] if ones else "")


def parse_chinese_numeral(text: str) -> int | None:
    """The value of 一 … 九十九 (and 〇-less forms such as 十一, 二十), else None."""
    if not text or any(c not in DIGITS + "十" for c in text):
        return None
    if "十" not in text:
        return DIGITS.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def plain_number(value: float | None, places: int = 2) -> str:
    """A figure without a trailing .0 and at most `places` decimals: 36, 3.5, 18.33."""
    if value is None:
        return ""
    rounded = round(float(value), places)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.{places}f}".rstrip("0").rstrip(".")


def stored_number(value: float) -> int | float:
    """A figure as a file stores it: whole numbers as integers."""
    return int(value) if float(value).is_integer() else value


def section_numeral(section_id: str) -> str:
    """A section's id as the plan writes it: “7” → “七”; ids that are not numbers as they are."""
    return chinese_numeral(int(section_id)) if section_id.isdigit() else section_id
