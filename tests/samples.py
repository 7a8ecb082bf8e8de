"""Small service files for tests. Line numbers in MINIMAL_SERVICE are asserted by
the validation tests, so edit with care."""

MINIMAL_SERVICE = """\
service:
  id: mini
  name: Mini AMHP Service
areas: [north]
shift_types:
  - {code: HUB, name: Hub, start: "09:00", end: "17:00"}
  - {code: ON, name: On call, start: "17:00", end: "23:00", kind: on_call}
cover:
  - {shift: HUB, days: weekday, min: 2, target: 2, max: 3}
  - {shift: ON, days: weekday, min: 1}
practitioners:
  - {id: a1, name: Ann, role: lead, shift_types: [HUB, ON]}
  - {id: a2, name: Bob, role: amhp, fte: 0.8, shift_types: [HUB, ON]}
  - {id: a3, name: Cat, role: amhp, shift_types: [HUB]}
  - {id: a4, name: Dan, role: amhp, shift_types: [HUB, ON]}
leave:
  - {person: a2, kind: annual, start: 2026-11-09, end: 2026-11-13}
"""
