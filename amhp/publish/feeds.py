"""Calendar feeds of published rotas: one per person, per service and per shift type.

Events come from the published versions' exports. A duty's UID is fixed by
(service, person, date, shift), so it stays the same across versions; SEQUENCE
counts the published versions in which its start, end or status changed, and
LAST-MODIFIED is the publication time of the version that last changed it. DTSTAMP
is the current version's publication time. No clock is read here except to pick
the months of the rolling window, so the bytes change only when a version is
published or the month turns.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from amhp.core.months import months_from
from amhp.publish.ical import FeedEvent, FeedMeta, build_calendar
from amhp.rota.reader import RotaExport, read_export
from amhp.store.db import database_url
from amhp.store.tables import FeedToken, PractitionerRow, RotaVersion, ServiceRow, as_utc

MONTHS_BACK = 3
MONTHS_AHEAD = 12


def window_months(today: date, back: int = MONTHS_BACK, ahead: int = MONTHS_AHEAD) -> list[str]:
    return months_from(today, back + 1 + ahead, offset=-back)


@dataclass(frozen=True)
class _Content:
    """An event as one version shows it; ``timing`` is what SEQUENCE tracks."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    location: str | None
    description: str | None
    categories: tuple[str, ...] = ()

    @property
    def timing(self) -> tuple:
        return (self.start, self.end)


def _uid(*parts: str) -> str:
    return "-".join(parts) + "@amhp-rota"


def person_events(doc: RotaExport, person: str) -> list[_Content]:
    names = doc.names
    leads_by_date: dict[date, set[str]] = {}
    for slot in doc.slots:
        for pid in slot.assigned:
            if doc.roles.get(pid) in ("lead", "manager"):
                leads_by_date.setdefault(slot.date, set()).add(names[pid])
    out = []
    for slot, shadow in doc.duties_of(person):
        shift = doc.shift_by_code[slot.shift]
        colleagues = [names[p] for p in slot.assigned if p != person]
        lines = [f"Colleagues on this shift: {', '.join(colleagues) or 'none'}"]
        leads = sorted(leads_by_date.get(slot.date, set()) - {names[person]})
        if leads:
            lines.append(f"Lead on duty: {', '.join(leads)}")
        if shadow:
            lines.append("Shadow day: supernumerary, not counted towards cover.")
        title = f"{'Shadow: ' if shadow else ''}{shift.name} ({doc.title})"
        kind = "shadow" if shadow else "duty"
        out.append(
            _Content(
                _uid(doc.service, person, slot.date.isoformat(), slot.shift, kind),
                title,
                slot.start,
                slot.end,
                shift.place,
                "\n".join(lines),
                (kind.upper(), slot.shift),
            )
        )
    for rec in doc.recovery_of(person):
        after = f"after {rec.after.shift} on {rec.after.date.isoformat()}"
        if rec.kind == "rest_day":
            rest_date = rec.end.date()  # the local date the on-call frees
            out.append(
                _Content(
                    _uid(doc.service, person, rest_date.isoformat(), "rest"),
                    "Rest day after on-call",
                    rest_date,
                    rest_date + timedelta(days=1),
                    None,
                    f"Recovery {after}: not required to work.",
                    ("RECOVERY",),
                )
            )
        else:
            out.append(
                _Content(
                    _uid(doc.service, person, rec.start.date().isoformat(), "documentation"),
                    "Documentation time",
                    rec.start,
                    rec.end,
                    None,
                    f"Protected time to write up AMHP work {after}.",
                    ("RECOVERY",),
                )
            )
    return out


def slot_events(doc: RotaExport, shift_code: str | None = None) -> list[_Content]:
    names = doc.names
    out = []
    for slot in doc.slots:
        if shift_code and slot.shift != shift_code:
            continue
        shift = doc.shift_by_code[slot.shift]
        who = ", ".join(names[p] for p in slot.assigned) or "nobody yet"
        lines = [f"On duty: {who}"]
        if slot.shadows:
            lines.append(f"Shadowing: {', '.join(names[p] for p in slot.shadows)}")
        if slot.missing:
            lines.append(f"Below minimum: {slot.missing} missing")
        out.append(
            _Content(
                _uid(doc.service, slot.date.isoformat(), slot.shift),
                f"{shift.name}: {who}",
                slot.start,
                slot.end,
                shift.place,
                "\n".join(lines),
                (slot.shift,),
            )
        )
    return out


def events_for(doc: RotaExport, kind: str, subject: str) -> list[_Content]:
    if kind == "person":
        return person_events(doc, subject)
    return slot_events(doc, subject if kind == "shift" else None)


def _published_in(stmt, service_id: str, months: list[str]):
    """``stmt`` narrowed to the service's published versions of these months."""
    return (
        stmt.where(RotaVersion.service_id == service_id)
        .where(col(RotaVersion.month).in_(months))
        .where(col(RotaVersion.published_at).is_not(None))
    )


def published_versions(session: Session, service_id: str, months: list[str]) -> list[RotaVersion]:
    stmt = _published_in(select(RotaVersion), service_id, months)
    return list(session.exec(stmt.order_by(RotaVersion.published_at, RotaVersion.id)))


def feed_events(versions: list[RotaVersion], kind: str, subject: str) -> list[FeedEvent]:
    """Walk each month's published versions in order, tracking per UID the
    sequence (start/end/status changes) and the last change time."""
    by_month: dict[str, list[RotaVersion]] = {}
    for v in versions:
        by_month.setdefault(v.month, []).append(v)
    out: list[FeedEvent] = []
    for month_versions in by_month.values():
        state: dict[str, FeedEvent] = {}
        seen: dict[str, _Content] = {}
        for v in month_versions:
            when = as_utc(v.published_at)
            current = {c.uid: c for c in events_for(published_doc(v), kind, subject)}
            for uid, c in current.items():
                before = seen.get(uid)
                if before is None:
                    # New, or back after being removed (a status change) in an earlier version.
                    seq = state[uid].sequence + 1 if uid in state else 0
                    state[uid] = _to_event(c, seq, when)
                elif before.timing != c.timing:
                    state[uid] = _to_event(c, state[uid].sequence + 1, when)
                elif before != c:
                    state[uid] = _to_event(c, state[uid].sequence, when)
            seen = current
        out.extend(state[uid] for uid in seen)  # what the newest version holds
    return out


# A published version never changes, so its export is read (validated) once, not on
# every feed request: keyed by database, id and publication time.
_DOCS: OrderedDict[tuple, RotaExport] = OrderedDict()
_DOCS_LOCK = threading.Lock()
MAX_CACHED_VERSIONS = 256


def published_doc(version: RotaVersion) -> RotaExport:
    key = (database_url(), version.id, version.published_at)
    with _DOCS_LOCK:
        if key in _DOCS:
            _DOCS.move_to_end(key)
            return _DOCS[key]
    doc = read_export(version.export)
    with _DOCS_LOCK:
        _DOCS[key] = doc
        while len(_DOCS) > MAX_CACHED_VERSIONS:
            _DOCS.popitem(last=False)
    return doc


def _to_event(c: _Content, sequence: int, when: datetime) -> FeedEvent:
    return FeedEvent(
        uid=c.uid,
        summary=c.summary,
        start=c.start,
        end=c.end,
        sequence=sequence,
        last_modified=when,
        location=c.location,
        description=c.description,
        categories=c.categories,
    )


@dataclass(frozen=True)
class Feed:
    body: bytes
    last_modified: datetime | None


@dataclass(frozen=True)
class ServedFeed:
    """A feed's bytes as served, each encoding with its own strong ETag."""

    body: bytes
    gzipped: bytes
    etag: str
    etag_gzip: str
    last_modified: datetime | None

    @classmethod
    def of(cls, feed: Feed) -> ServedFeed:
        digest = hashlib.sha256(feed.body).hexdigest()
        return cls(
            feed.body,
            gzip.compress(feed.body, compresslevel=6, mtime=0),
            f'"{digest}"',
            f'"{digest}-gzip"',
            feed.last_modified,
        )

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)


# Rendered feeds, keyed by everything their bytes depend on: the feed, the window's
# months, the published versions in it (id and publication time) and the service's
# revision (names, mailbox). Checking the key reads a few small columns, never an
# export; a new publication or edit makes a new key, and old ones age out.
_FEEDS: OrderedDict[tuple, ServedFeed] = OrderedDict()
_FEEDS_BYTES = [0]  # their total size, kept as they come and go
_FEEDS_LOCK = threading.Lock()
MAX_CACHED_FEED_BYTES = 64 * 1024 * 1024


def served_feed(session: Session, feed: FeedToken, today: date) -> ServedFeed:
    key = _feed_key(session, feed, today)
    with _FEEDS_LOCK:
        hit = _FEEDS.get(key)
        if hit is not None:
            _FEEDS.move_to_end(key)
            return hit
    served = ServedFeed.of(render_feed(session, feed, today))
    with _FEEDS_LOCK:
        if key not in _FEEDS:  # another request may have rendered it meanwhile
            _FEEDS[key] = served
            _FEEDS_BYTES[0] += served.size
        while _FEEDS_BYTES[0] > MAX_CACHED_FEED_BYTES and len(_FEEDS) > 1:
            _old, dropped = _FEEDS.popitem(last=False)
            _FEEDS_BYTES[0] -= dropped.size
    return served


def _feed_key(session: Session, feed: FeedToken, today: date) -> tuple:
    months = window_months(today)
    stmt = _published_in(select(RotaVersion.id, RotaVersion.published_at), feed.service_id, months)
    versions = session.exec(stmt.order_by(RotaVersion.id)).all()
    revision = session.exec(
        select(ServiceRow.revision).where(ServiceRow.id == feed.service_id)
    ).first()
    return (
        database_url(),
        feed.service_id,
        feed.kind,
        feed.subject,
        tuple(months),
        tuple((vid, str(at)) for vid, at in versions),
        revision,
    )


def render_feed(session: Session, feed: FeedToken, today: date) -> Feed:
    service = session.get(ServiceRow, feed.service_id)
    versions = published_versions(session, feed.service_id, window_months(today))
    events = feed_events(versions, feed.kind, feed.subject)
    published = max((as_utc(v.published_at) for v in versions), default=None)
    meta = FeedMeta(
        name=feed_name(session, service, feed),
        organizer=service.rota_mailbox or f"rota@{service.id}.invalid",
        published=published or datetime(2000, 1, 1, tzinfo=UTC),
        description=f"AMHP rota from {service.name}. Published duties only.",
    )
    return Feed(build_calendar(meta, events), published)


def feed_name(session: Session, service: ServiceRow, feed: FeedToken) -> str:
    if feed.kind == "person":
        row = session.exec(
            select(PractitionerRow).where(
                PractitionerRow.service_id == service.id,
                PractitionerRow.person_id == feed.subject,
            )
        ).first()
        who = row.name if row else feed.subject
        return f"AMHP rota: {who} ({service.name})"
    if feed.kind == "shift":
        return f"AMHP rota: {feed.subject} ({service.name})"
    return f"AMHP rota: {service.name}"
