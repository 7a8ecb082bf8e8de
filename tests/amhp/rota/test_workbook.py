"""The workbook a lead prints, read back with openpyxl: colours, marks, frozen
panes, print settings, and the gaps and summary sheets agreeing with the export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

import solver
from amhp.rota.month import solve_month
from amhp.rota.reader import read_export
from amhp.rota.workbook import NAME_COLUMNS, PALETTE, UNAVAILABLE, to_xlsx
from amhp.service.file import parse_service
from tests.support.samples import MINIMAL_SERVICE

# Everyone away on one Thursday but Ann: a gap with its causes.
SERVICE = MINIMAL_SERVICE + "".join(
    f"  - {{person: {p}, kind: training, start: 2026-11-19, end: 2026-11-19}}\n"
    for p in ("a2", "a3", "a4")
)


@pytest.fixture(scope="module")
def made():
    params = solver.SolveParams(time_limit=30, workers=1, deterministic_time=3)
    export = solve_month(parse_service(SERVICE), "2026-11", None, params).export
    return export, load_workbook(io.BytesIO(to_xlsx(export)))


def test_the_sheets_a_lead_expects(made):
    _export, book = made
    assert book.sheetnames == ["Rota", "Gaps", "Summary", "Penalties"]


def test_the_grid_is_coloured_marked_frozen_and_prints_on_a4_landscape(made):
    export, book = made
    rota, sheet = read_export(export), book["Rota"]
    codes = list(rota.shift_by_code)
    start, n = rota.period.start, (rota.period.end - rota.period.start).days + 1
    days = [start + timedelta(days=i) for i in range(n)]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for slot in rota.slots:
        for pid in slot.assigned:
            c = sheet.cell(rows[pid], NAME_COLUMNS + 1 + days.index(slot.date))
            assert slot.shift in str(c.value).split()
            assert c.fill.start_color.rgb[-6:] == PALETTE[codes.index(slot.shift)]
    away = sheet.cell(rows["a2"], NAME_COLUMNS + 1 + days.index(date(2026, 11, 10)))
    assert away.fill.start_color.rgb[-6:] == UNAVAILABLE  # a2's annual leave
    marks = {str(c.value) for row in sheet.iter_rows(min_row=2) for c in row}
    assert any("Doc" in m for m in marks)  # documentation time after a hub block
    assert sheet.freeze_panes == "D2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width >= 20


def test_the_gaps_and_summary_agree_with_the_export(made):
    export, book = made
    rota = read_export(export)
    gaps = list(book["Gaps"].iter_rows(min_row=2, values_only=True))
    assert len(gaps) == len(rota.gaps) + len(rota.composition_gaps) > 0
    thursday = next(g for g in gaps if g[0] == "2026-11-19")
    assert "Bob (a2): training" in thursday[3]
    summary = {r[0]: r for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert {pid: r[5] for pid, r in summary.items()} == {p.id: p.duty_days for p in rota.people}
