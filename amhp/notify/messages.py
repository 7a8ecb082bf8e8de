"""The emails' words: plain text, dates and local times as the service keeps them,
and a link to the person's own page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from amhp.core.settings import settings

DEFAULT_BASE = "http://localhost:8000"


def my_page() -> str:
    return (settings().public_url or DEFAULT_BASE).rstrip("/") + "/app/me"


@dataclass(frozen=True)
class DutyLine:
    """One duty as an email lists it."""

    day: date
    shift_name: str
    start: datetime
    end: datetime

    def text(self, zone: ZoneInfo) -> str:
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        return f"{self.day:%a %-d %b %Y}  {self.shift_name}  {start:%H:%M}-{end:%H:%M}"


def duties_changed(
    name: str,
    service: str,
    label: str,
    added: list[DutyLine],
    removed: list[DutyLine],
    tz: str,
    why: str = "",
) -> tuple[str, str]:
    """(subject, body) of the email telling one person how their duties changed;
    ``why`` says what made the new version (a swap approved, a repair)."""
    zone = ZoneInfo(tz)
    subject = f"{service}: your duties changed ({label})"
    said = f"A new version of the {service} rota for {label} has been published."
    lines = [f"Dear {name},", "", " ".join(filter(None, [said, why])), ""]
    for title, duties in (("Added", added), ("Removed", removed)):
        if duties:
            lines.append(f"{title}:")
            lines.extend(f"  {d.text(zone)}" for d in sorted(duties, key=lambda d: d.start))
            lines.append("")
    lines += [f"Your rota: {my_page()}", "", "Times are local (" + tz + ")."]
    return subject, "\n".join(lines) + "\n"


def plain(name: str, subject: str, *paragraphs: str) -> tuple[str, str]:
    """(subject, body) of a short notice: a greeting, the paragraphs, the link."""
    body = "\n\n".join([f"Dear {name},", *paragraphs, f"Your rota: {my_page()}"])
    return subject, body + "\n"
