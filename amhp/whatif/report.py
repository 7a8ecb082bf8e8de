"""The what-if comparison as a manager reads it: an HTML page (tables and static
SVG charts, readable when printed, nothing loaded from elsewhere) and a workbook."""

from __future__ import annotations

import calendar
import io
from html import escape

import matplotlib

matplotlib.use("Agg")  # no display: render to files only
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator
from openpyxl import Workbook

# Text stays text in the SVG: searchable, selectable, read by screen readers.
matplotlib.rcParams["svg.fonttype"] = "none"

# Per month: summed over the horizon in the comparison...
SUMMED_FIELDS = (
    "slot_days_below_min",
    "slot_days_below_target",
    "shortfall_person_days",
    "locum_days_needed",
    "locum_cost",
    "gaps_with_locum",
)
# ...and the worst month's.
WORST_FIELDS = ("max_load", "load_spread")
MONTH_FIELDS = SUMMED_FIELDS + WORST_FIELDS
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: float, currency: str) -> str:
    """``£1,530`` for a currency with a symbol, ``1,530 CHF`` otherwise."""
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{amount:,.0f} {currency}"


def _currency(doc: dict) -> str:
    months = [m for s in doc.get("scenarios", doc.get("cells", [])) for m in s["months"]]
    return next((m["currency"] for m in months if "currency" in m), "GBP")


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]  # inline: drop the XML prolog


def _month_label(month: str) -> str:
    """``2027-01`` → ``Jan 2027``."""
    year, number = month.split("-")
    return f"{calendar.month_abbr[int(number)]} {year}"


def _zero_floor(ax, values: list[float], whole: bool, none_text: str) -> None:
    """Counts and costs start at zero; a series that is zero throughout is drawn on
    a 0–1 axis with words saying so, not on an axis from -0.04 to 0.04."""
    ax.set_ylim(bottom=0)
    if whole:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not any(values):
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.6, none_text, ha="center", va="center", transform=ax.transAxes)


def _per_month_chart(doc: dict, field: str, ylabel: str, none_text: str, money_of=None) -> str:
    fig, ax = plt.subplots(figsize=(9, 3.2))
    values = []
    for s in doc["scenarios"]:
        months = [_month_label(m["month"]) for m in s["months"]]
        series = [m[field] for m in s["months"]]
        values += series
        ax.plot(months, series, marker="o", label=s["name"])
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    _zero_floor(ax, values, whole=money_of is None, none_text=none_text)
    if money_of:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money_of(v)))
    return _svg(fig)


def gaps_chart(doc: dict) -> str:
    return _per_month_chart(
        doc, "slot_days_below_min", "slot-days below minimum", "no gaps in any scenario"
    )


def locum_cost_chart(doc: dict) -> str:
    currency = _currency(doc)
    return _per_month_chart(
        doc,
        "locum_cost",
        f"locum cost ({SYMBOLS.get(currency, currency)})",
        "no locum days needed in any scenario",
        money_of=lambda v: money(v, currency),
    )


def load_chart(doc: dict) -> str:
    """Each person's mean total load over the horizon, scenarios side by side, each
    person named (their id where the document has no name for them)."""
    people = sorted({p for s in doc["scenarios"] for m in s["months"] for p in m["total_load"]})
    names = doc.get("names", {})
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 0.8 / max(1, len(doc["scenarios"]))
    for i, s in enumerate(doc["scenarios"]):
        means = []
        for p in people:
            values = [m["total_load"][p] for m in s["months"] if p in m["total_load"]]
            means.append(sum(values) / len(values) if values else 0.0)
        ax.bar([x + i * width for x in range(len(people))], means, width=width, label=s["name"])
    ax.set_xticks(
        [x + 0.4 - width / 2 for x in range(len(people))],
        [names.get(p, p) for p in people],
        rotation=90,
        fontsize=7,
    )
    ax.set_ylabel("mean total load per FTE")
    ax.set_ylim(bottom=0)
    if people:
        ax.legend(fontsize=7)
    else:  # total load needs caseloads; say so rather than draw empty axes
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            "no caseloads recorded: total load is not known",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    return _svg(fig)


def comparison(doc: dict) -> str:
    """The comparison itself (tables and charts), for the standalone page and for
    the web service's what-if page alike."""
    currency = _currency(doc)
    head = "".join(
        f"<th scope=col>{escape(f.replace('_', ' '))}"
        f"{f' ({currency})' if f == 'locum_cost' else ''}</th>"
        for f in MONTH_FIELDS
    )
    rows = []
    for s in doc["scenarios"]:
        totals = {f: sum(m[f] for m in s["months"]) for f in SUMMED_FIELDS}
        worst = {f: max(m[f] for m in s["months"]) for f in WORST_FIELDS}
        values = {**totals, **worst}
        cells = "".join(
            f"<td>{money(values[f], currency) if f == 'locum_cost' else round(values[f], 3)}</td>"
            for f in MONTH_FIELDS
        )
        rows.append(f"<tr><th scope=row>{escape(s['name'])}</th>{cells}</tr>")
    by_month = []
    for s in doc["scenarios"]:
        cells = "".join(f"<td>{m['slot_days_below_min']}</td>" for m in s["months"])
        by_month.append(f"<tr><th scope=row>{escape(s['name'])}</th>{cells}</tr>")
    months = "".join(
        f"<th scope=col>{_month_label(m['month'])}</th>" for m in doc["scenarios"][0]["months"]
    )
    return f"""<p>Base service <code>{escape(doc["base"])}</code>, horizon {doc["horizon"]["start"]}
to {doc["horizon"]["end"]}. Totals over the horizon; load columns are the worst month.
The shortfall counts people missing below the minimums; locum days are those a rota
offered sessional locums for any shift really uses (a locum never works alone, so
some shortfalls stay as gaps with a locum).</p>
<table class=compare><thead><tr><th scope=col>scenario</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Slot-days below minimum per month</h2>
<table class=compare><thead><tr><th scope=col>scenario</th>{months}</tr></thead>
<tbody>{"".join(by_month)}</tbody></table>
<figure>{gaps_chart(doc)}<figcaption>Gaps per month</figcaption></figure>
<figure>{locum_cost_chart(doc)}<figcaption>Locum cost per month ({currency})</figcaption></figure>
<figure>{load_chart(doc)}<figcaption>Mean total load per person</figcaption></figure>
"""


def render_html(doc: dict) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>What-if comparison: {escape(doc["base"])}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #111; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #999; padding: .25rem .5rem; text-align: right; }}
th[scope=row] {{ text-align: left; }}
figure {{ margin: 1rem 0; break-inside: avoid; }}
@media print {{ @page {{ size: A4 landscape; }} body {{ margin: 0; }} }}
</style></head><body>
<h1>What-if comparison</h1>
{comparison(doc)}</body></html>
"""


def to_xlsx(doc: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Months"
    sheet.append(["scenario", "month", "status", *MONTH_FIELDS])
    for s in doc["scenarios"]:
        for m in s["months"]:
            sheet.append([s["name"], m["month"], m["status"], *(m[f] for f in MONTH_FIELDS)])
    loads = book.create_sheet("Load")
    people = sorted({p for s in doc["scenarios"] for m in s["months"] for p in m["total_load"]})
    loads.append(["scenario", "month", *people])
    for s in doc["scenarios"]:
        for m in s["months"]:
            loads.append([s["name"], m["month"], *(m["total_load"].get(p) for p in people)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _heat_colour(share: float) -> tuple[str, str]:
    """Background from white to deep red by ``share`` (0–1) and the text colour
    (black or white) with the higher contrast on it: readable in print and for AA."""
    low, high = (255, 255, 255), (165, 15, 21)
    rgb = [round(a + (b - a) * share) for a, b in zip(low, high, strict=True)]

    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    text = "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def render_sweep_html(doc: dict) -> str:
    from amhp.whatif.sweep import heat_map

    rows, cols, cells = heat_map(doc)
    currency = _currency(doc)
    months = len(doc["cells"][0]["months"]) if doc["cells"] else 1
    axes = doc["axes"]
    columns = f" Columns: {escape(axes[1]['name'])}." if len(axes) > 1 else ""
    head = "".join(f"<th scope=col>{escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        tds = []
        for c in cols:
            cell = cells[(r, c)]
            bg, fg = _heat_colour(cell["months_at_risk"] / months)
            title = (
                f"{cell['slot_days_below_min']} slot-days below minimum, "
                f"{cell['locum_days_needed']} locum days "
                f"({money(cell['locum_cost'], currency)})"
            )
            tds.append(
                f'<td style="background:{bg};color:{fg}" title="{escape(title)}">'
                f"{cell['months_at_risk']}<small> / {months}</small></td>"
            )
        body.append(f"<tr><th scope=row>{escape(r)}</th>{''.join(tds)}</tr>")
    detail = "".join(
        f"<tr><th scope=row>{escape(' × '.join(c['labels']))}</th><td>{c['months_at_risk']}</td>"
        f"<td>{c['slot_days_below_min']}</td><td>{c['locum_days_needed']}</td>"
        f"<td>{c['locum_cost']:,.0f}</td><td>{c['max_load']}</td>"
        f"<td>{'yes' if c['all_optimal'] else 'no'}</td></tr>"
        for c in doc["cells"]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Sweep: {escape(doc["base"])}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #111; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #999; padding: .35rem .6rem; text-align: right; }}
th[scope=row] {{ text-align: left; }}
table.heat td {{ text-align: center; min-width: 4rem; font-weight: 600;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
@media print {{ @page {{ size: A4 landscape; }} body {{ margin: 0; }} }}
</style></head><body>
<h1>Months at risk</h1>
<p>Base service <code>{escape(doc["base"])}</code>, horizon {doc["horizon"]["start"]} to
{doc["horizon"]["end"]}. A month is at risk when any shift on any day is below its
minimum cover. Rows: {escape(axes[0]["name"])}.{columns}</p>
<table class=heat><caption>Months at risk out of {months}</caption>
<thead><tr><th>{escape(axes[0]["name"])}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody>
</table>
<h2>Every combination</h2>
<table><thead><tr><th>combination</th><th>months at risk</th>
<th>slot-days below minimum</th><th>locum days needed</th><th>locum cost ({currency})</th>
<th>max load</th><th>all months optimal</th></tr></thead><tbody>{detail}</tbody></table>
</body></html>
"""
