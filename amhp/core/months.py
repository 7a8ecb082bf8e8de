"""Month labels (``YYYY-MM``): the one pattern and the one parser."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import Field

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"  # 2000-01 to 2099-12
Month = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2026-12"])]


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of a label; ``ValueError`` naming the expected shape otherwise."""
    if not isinstance(text, str) or not re.fullmatch(MONTH_PATTERN, text):
        raise ValueError(f"month must look like YYYY-MM between 2000-01 and 2099-12, got {text!r}")
    year, month = map(int, text.split("-"))
    return year, month


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_from(start: date | str, n: int, offset: int = 0) -> list[str]:
    """``n`` month labels from ``start``'s month (a date or a label) moved by
    ``offset`` months (negative: earlier)."""
    year, month = parse_month(start) if isinstance(start, str) else (start.year, start.month)
    first = year * 12 + month - 1 + offset
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, first + n)]
