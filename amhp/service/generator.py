"""Deterministic synthetic services of any size, shaped like a real AMHP service:
a hub with a lead present on weekdays, crisis day and on-call shifts per area,
part-timers, managers at a reduced level, a locum, trainees, leave and requests."""

from __future__ import annotations

import random
from datetime import date, timedelta

import yaml

from amhp.core.months import months_from
from amhp.service.calendar import Period

FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Kim", "Lee", "Ash", "Jamie", "Nia", "Raj")
LAST = ("Smith", "Khan", "Jones", "Patel", "Brown", "Wilson", "Ali", "Evans", "Clarke", "Hall")


def synthetic_service(
    people: int, areas: int, seed: int, start: str = "2026-11", months: int = 1
) -> dict:
    rng = random.Random(seed)
    first = Period.month(start).start
    last = Period.month(months_from(start, months)[-1]).end
    area_ids = [f"area{a + 1}" for a in range(areas)]
    hub_target = max(2, round(people * 0.12))
    shift_types = [
        {"code": "HUB", "name": "AMHP hub", "location": "hub", "start": "09:00", "end": "17:00"}
    ]
    cover: list[dict] = [
        {
            "shift": "HUB",
            "days": "weekday",
            "min": max(1, hub_target - 1),
            "target": hub_target,
            "max": hub_target + 1,
            "require": [{"roles": ["lead", "manager"], "min": 1}],
        },
        {"shift": "HUB", "days": "weekend", "min": 1, "target": max(1, hub_target // 2)},
    ]
    for a in area_ids:
        shift_types.append(
            {
                "code": f"{a}-D",
                "name": f"Crisis {a} day",
                "area": a,
                "start": "09:00",
                "end": "17:00",
            }
        )
        shift_types.append(
            {
                "code": f"{a}-N",
                "name": f"Crisis {a} on-call",
                "area": a,
                "start": "17:00",
                "end": "23:00",
                "kind": "on_call",
                "weight": 0.6,
            }
        )
        cover.append({"shift": f"{a}-D", "days": "weekday", "min": 1})
        cover.append({"shift": f"{a}-N", "days": "weekday", "min": 1})
        cover.append({"shift": f"{a}-N", "days": "weekend", "min": 1})
    n_leads = max(1, round(people * 0.07))
    n_managers = max(0, round(people * 0.05))
    n_locums = people // 30
    n_trainees = max(0, round(people * 0.08))
    practitioners = []
    for i in range(people):
        if i < n_leads:
            role = "lead"
        elif i < n_leads + n_managers:
            role = "manager"
        elif i < n_leads + n_managers + n_locums:
            role = "locum"
        elif i < n_leads + n_managers + n_locums + n_trainees:
            role = "trainee"
        else:
            role = "amhp"
        area = area_ids[i % areas]
        crisis = role == "amhp" and rng.random() < 0.35
        shifts = ["HUB"] + ([f"{area}-D", f"{area}-N"] if crisis else [])
        if role == "amhp" and not crisis and rng.random() < 0.5:
            shifts.append(f"{area}-N")
        p: dict = {
            "id": f"p{i + 1:04d}",
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "role": role,
            "area": area,
            "shift_types": shifts,
            "warranted_from": date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1),
        }
        if role == "manager":
            p["fte"] = 0.3
        elif rng.random() < 0.2:
            p["fte"] = 0.6
            p["working_days"] = ["mon", "tue", "wed"]
        if role == "trainee":
            p["warranted_from"] = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
        if role == "locum":
            p["contract"] = {
                "kind": "contracted",
                "end": first + timedelta(days=rng.randrange(10, 60)),
                "day_rate": 400,
            }
        if role in ("amhp", "lead", "trainee"):
            p["caseload"] = {"cases": rng.randrange(6, 19), "complexity_weight": 1.0 + rng.random()}
        p["history"] = {"weekends": rng.randrange(4), "nights": rng.randrange(6) if crisis else 0}
        practitioners.append(p)
    leave = []
    span = (last - first).days + 1
    for p in practitioners:
        for _ in range(max(1, span // 60)):
            if rng.random() < 0.4:
                s = first + timedelta(days=rng.randrange(span))
                leave.append(
                    {
                        "person": p["id"],
                        "kind": rng.choice(["annual", "annual", "training", "sickness"]),
                        "start": s,
                        "end": min(last, s + timedelta(days=rng.randrange(1, 6))),
                    }
                )
    requests = [
        {
            "person": rng.choice(practitioners)["id"],
            "date": first + timedelta(days=rng.randrange(span)),
            "want": False,
            "weight": rng.choice([20, 50, 80]),
        }
        for _ in range(max(1, people // 5))
    ]
    return {
        "service": {"id": f"synthetic-{people}-{areas}-{seed}", "name": f"Synthetic {people}"},
        "areas": area_ids,
        "locations": [{"id": "hub", "name": "AMHP hub"}],
        "shift_types": shift_types,
        "cover": cover,
        "practitioners": practitioners,
        "leave": leave,
        "requests": requests,
    }


def synthetic_service_yaml(
    people: int, areas: int, seed: int, start: str = "2026-11", months: int = 1
) -> str:
    data = synthetic_service(people, areas, seed, start, months)
    header = (
        f"# Synthetic AMHP service: amhp generate --people {people} --areas {areas} --seed {seed}\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
