"""An independent checker of ``amhp-rota/1`` documents.

Written from shared/spec/rota-export.md alone and reading nothing but the JSON, so
it can catch the producer and the solver agreeing on a mistake. Returns a list of
violations; an empty list means the document passes every listed check.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta


def check_rota(doc: dict) -> list[str]:
    problems: list[str] = []
    bad = problems.append
    if doc.get("format") != "amhp-rota/1":
        bad(f"format is {doc.get('format')!r}")
    people = {p["id"]: p for p in doc["people"]}
    kinds = {s["code"]: s["kind"] for s in doc["shifts"]}
    rules = doc.get("rules", {})
    held: dict[str, list[dict]] = defaultdict(list)
    gaps = {(g["date"], g["shift"]): g for g in doc["gaps"]}

    for slot in doc["slots"]:
        key = (slot["date"], slot["shift"])
        everyone = slot["assigned"] + slot.get("shadows", [])
        # 1. known ids, nobody twice in a slot
        for pid in everyone:
            if pid not in people:
                bad(f"{key}: unknown person {pid}")
        if len(set(everyone)) != len(everyone):
            bad(f"{key}: someone appears twice")
        # 2. max and gaps
        n = len(slot["assigned"])
        if n > slot["max"]:
            bad(f"{key}: {n} assigned above max {slot['max']}")
        if n < slot["min"]:
            gap = gaps.get(key)
            if gap is None:
                bad(f"{key}: below min without a gap entry")
            else:
                if gap["missing"] != slot["min"] - n:
                    bad(f"{key}: gap missing {gap['missing']} != {slot['min'] - n}")
                if not gap["reasons"]:
                    bad(f"{key}: gap without reasons")
        elif key in gaps:
            bad(f"{key}: gap entry but slot meets its minimum")
        # 5. shadows need someone assigned
        if slot.get("shadows") and not slot["assigned"]:
            bad(f"{key}: shadows with nobody assigned")
        for pid in slot["assigned"]:
            held[pid].append(slot)
            wf = people.get(pid, {}).get("warranted_from")
            if wf and slot["date"] < wf:
                bad(f"{key}: {pid} assigned before warranted_from {wf}")
        for pid in slot.get("shadows", []):
            held[pid].append(slot)
        # 3. unavailable dates
        for pid in everyone:
            if slot["date"] in people.get(pid, {}).get("unavailable", []):
                bad(f"{key}: {pid} is unavailable that date")

    min_rest = timedelta(hours=rules.get("min_rest_hours", 0))
    for pid, slots in held.items():
        ordered = sorted(slots, key=lambda s: datetime.fromisoformat(s["start"]))
        # 4. no overlap, rest on real instants
        for a, b in itertools.pairwise(ordered):
            end_a = datetime.fromisoformat(a["end"])
            start_b = datetime.fromisoformat(b["start"])
            if start_b < end_a:
                bad(f"{pid}: {a['shift']} {a['date']} overlaps {b['shift']} {b['date']}")
            elif a["date"] != b["date"] and start_b - end_a < min_rest:
                bad(f"{pid}: only {start_b - end_a} rest before {b['shift']} {b['date']}")
        assigned_dates = sorted({s["date"] for s in slots if pid in s["assigned"]})
        # 6. consecutive duty days
        cap = rules.get("max_consecutive_duty_days")
        if cap:
            run = 1
            for x, y in itertools.pairwise(assigned_dates):
                consecutive = date.fromisoformat(y) - date.fromisoformat(x) == timedelta(days=1)
                run = run + 1 if consecutive else 1
                if run > cap:
                    bad(f"{pid}: {run} consecutive duty days ending {y}")
        # 7. day off after on-call
        if rules.get("day_off_after_on_call"):
            on_call = {s["date"] for s in slots if kinds[s["shift"]] == "on_call"}
            for s in slots:
                prev = (date.fromisoformat(s["date"]) - timedelta(days=1)).isoformat()
                if prev in on_call and kinds[s["shift"]] != "on_call":
                    bad(f"{pid}: {s['shift']} on {s['date']} the day after an on-call")
        # 8. closure caps
        closure = rules.get("closure")
        if closure:
            in_window = [d for d in assigned_dates if closure["start"] <= d <= closure["end"]]
            if len(in_window) > closure["max_days_per_person"]:
                bad(f"{pid}: {len(in_window)} closure days")
            keys = [d for d in assigned_dates if d in closure["key_days"]]
            if len(keys) > closure["max_key_days_per_person"]:
                bad(f"{pid}: {len(keys)} key days")
        # 9. duty_days matches
    for pid, person in people.items():
        actual = len({s["date"] for s in held.get(pid, []) if pid in s["assigned"]})
        if person["duty_days"] != actual:
            bad(f"{pid}: duty_days {person['duty_days']} but holds {actual} dates")
    # Recovery time never overlaps a slot the same person holds.
    for rec in doc.get("recovery", []):
        start, end = datetime.fromisoformat(rec["start"]), datetime.fromisoformat(rec["end"])
        if end <= start:
            bad(f"{rec['person']}: empty {rec['kind']} at {rec['start']}")
        for slot in held.get(rec["person"], []):
            s_start = datetime.fromisoformat(slot["start"])
            s_end = datetime.fromisoformat(slot["end"])
            if s_start < end and start < s_end:
                bad(f"{rec['person']}: {rec['kind']} overlaps {slot['shift']} {slot['date']}")
    if doc["status"] == "optimal" and doc["objective"] != doc["bound"]:
        bad("status optimal but objective != bound")
    if doc["status"] not in ("optimal", "feasible"):
        bad(f"status {doc['status']!r}")
    return problems
