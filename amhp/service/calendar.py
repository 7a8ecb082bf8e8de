"""Dates of a rota period and what kind of day each one is."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from amhp.core.months import month_label, parse_month
from amhp.service.model import ClosureSettings, ServiceInfo


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def month(cls, text: str) -> Period:
        year, month = parse_month(text)
        return cls(date(year, month, 1), date(year, month, _calendar.monthrange(year, month)[1]))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def label(self) -> str:
        return month_label(self.start)


@lru_cache(maxsize=64)
def bank_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def is_bank_holiday(info: ServiceInfo, day: date) -> bool:
    return day in bank_holidays(info.holiday_country, info.holiday_subdivision, day.year)


def _month_day(text: str, year: int) -> date:
    month, day = map(int, text.split("-"))
    return date(year, month, day)


def closure_window(closure: ClosureSettings, day: date) -> tuple[date, date] | None:
    """The closure window containing ``day``, or None. Windows may span New Year."""
    for year in (day.year - 1, day.year):
        start = _month_day(closure.start, year)
        end = _month_day(closure.end, year if closure.end >= closure.start else year + 1)
        if start <= day <= end:
            return start, end
    return None


def closure_key_days(closure: ClosureSettings, window: tuple[date, date]) -> list[date]:
    out = []
    for text in closure.key_days:
        for year in (window[0].year, window[1].year):
            d = _month_day(text, year)
            if window[0] <= d <= window[1] and d not in out:
                out.append(d)
    return sorted(out)
