"""The rota as a workbook a lead would print: the grid's people × days with its
colours, shadows, documentation time, rest days and unavailable days marked; frozen
header and names; A4 landscape fitted to one page wide; then the gaps with their
causes, a summary per person (duty days, weekends, nights, load) and the penalties.
Built from the same :func:`amhp.rota.grid.build_grid` as the web page."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from amhp.rota.grid import Cell, Grid, build_grid

# The grid page's shift colours (api/static/app.css, .duty.s0 …), as ARGB fills.
PALETTE = ("CFE3FF", "FFDCAE", "CDEEC8", "F1CFF2", "FFF1A0", "C4EEEE", "F8CCCC", "DEDEDE")
UNAVAILABLE = "BFBFBF"
WEEKEND = "F2F2F2"
GAP = "C0392B"
NAME_COLUMNS = 3  # id, name, role
THIN = Side(style="thin", color="BBBBBB")
MARKS = {"documentation": "Doc", "rest_day": "Rest"}


def fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def to_xlsx(export: dict) -> bytes:
    grid = build_grid(export)
    book = Workbook()
    _rota_sheet(book.active, grid)
    _gaps_sheet(book.create_sheet("Gaps"), grid)
    _summary_sheet(book.create_sheet("Summary"), grid)
    _penalties_sheet(book.create_sheet("Penalties"), grid)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def cell_text(cell: Cell) -> str:
    """What a grid cell says: duties, ~shadows, then Doc / Rest marks."""
    parts = [*cell.duties, *(f"~{s}" for s in cell.shadows)]
    parts += [MARKS[r] for r in cell.recovery if r in MARKS]
    return " ".join(parts)


def _rota_sheet(sheet: Worksheet, grid: Grid) -> None:
    sheet.title = "Rota"
    colour = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(grid.shifts)}
    head = ["id", "name", "role", *(d.strftime("%a %-d") for d in grid.days)]
    head += ["duty days", "weekends", "nights", "load"]
    sheet.append(head)
    for row in grid.rows:
        texts = [cell_text(c) for c in row.cells]
        load = round(row.load, 2) if row.load is not None else None
        p = row.person
        sheet.append([p.id, p.name, p.role, *texts, row.duty_days, row.weekends, row.nights, load])
        r = sheet.max_row
        for i, c in enumerate(row.cells):
            target = sheet.cell(r, NAME_COLUMNS + 1 + i)
            target.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            target.alignment = Alignment(horizontal="center")
            if c.duties:
                target.fill = fill(colour[c.duties[0]])
            elif c.unavailable:
                target.fill = fill(UNAVAILABLE)
                target.value = target.value or "–"
            elif grid.days[i].weekday() >= 5:
                target.fill = fill(WEEKEND)
    gaps = ["", "Gaps", ""]
    gaps += [str(d.missing) if d.missing else "" for d in grid.gaps]
    sheet.append(gaps)
    for i, day in enumerate(grid.gaps):
        if day.missing:
            c = sheet.cell(sheet.max_row, NAME_COLUMNS + 1 + i)
            c.font = Font(bold=True, color="FFFFFF")
            c.fill = fill(GAP)
            c.alignment = Alignment(horizontal="center")
    for c in sheet[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", wrap_text=True)
    _widths(sheet, [6, 22, 9] + [7] * len(grid.days) + [7, 8, 6, 6])
    sheet.freeze_panes = sheet.cell(2, NAME_COLUMNS + 1)  # header row and names stay
    _print_setup(sheet, f"{grid.rota.service_name or grid.rota.service}: rota")
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:C"


def _gaps_sheet(sheet: Worksheet, grid: Grid) -> None:
    sheet.append(["date", "shift", "missing", "why nobody else could take it"])
    for day in grid.gaps:
        for g in day.gaps:
            sheet.append([g.date.isoformat(), g.shift, g.missing, "\n".join(g.reasons)])
        for c in day.roles:
            reasons = "\n".join(c.reasons)
            sheet.append([c.date.isoformat(), c.shift, f"no {c.requirement}", reasons])
    for row in sheet.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    _header(sheet)
    _widths(sheet, [11, 8, 14, 90])
    _print_setup(sheet, "Gaps")


def _summary_sheet(sheet: Worksheet, grid: Grid) -> None:
    sheet.append(
        ["id", "name", "role", "fte", "available days", "duty days", "weekends", "nights", "load"]
    )
    for row in grid.rows:
        p = row.person
        load = round(row.load, 2) if row.load is not None else None
        sheet.append(
            [
                p.id,
                p.name,
                p.role,
                p.fte,
                p.available_days,
                row.duty_days,
                row.weekends,
                row.nights,
                load,
            ]
        )
    _header(sheet)
    _widths(sheet, [7, 24, 10, 6, 10, 10, 10, 8, 8])
    sheet.freeze_panes = "A2"
    _print_setup(sheet, "Summary")


def _penalties_sheet(sheet: Worksheet, grid: Grid) -> None:
    sheet.append(["rule", "person", "date", "shift", "cost", "detail"])
    for p in grid.rota.penalties:
        when = p.date.isoformat() if p.date else None
        sheet.append([p.rule, p.person, when, p.shift, p.cost, p.detail])
    _header(sheet)
    _widths(sheet, [24, 9, 11, 8, 7, 70])
    sheet.freeze_panes = "A2"
    _print_setup(sheet, "Penalties")


def _header(sheet: Worksheet) -> None:
    for c in sheet[1]:
        c.font = Font(bold=True)


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for i, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w


def _print_setup(sheet: Worksheet, title: str) -> None:
    """A4 landscape, one page wide (as many tall as needed), the title in the header."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = title
