"""Two or more Curtois runs side by side, so a change to the model is judged on the
figures: objective per instance in each run, the best known value, and which run
came closest.

    python -m benchmarks.compare results/curtois-A.json results/curtois-B.json [...]

A later file's row replaces an earlier one's for the same instance within a group
joined by ``+`` (e.g. ``A.json+B.json`` for a run split over two commands).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def load(spec: str) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for part in spec.split("+"):
        doc = json.loads(Path(part).read_text(encoding="utf-8"))
        rows.update({r["instance"]: r for r in doc["rows"] if "instance" in r})
    return rows


def _number(name: str) -> int:
    return int(name.removeprefix("Instance"))


def table(labels: list[str], runs: list[dict[str, dict]]) -> str:
    names = sorted({n for run in runs for n in run}, key=_number)
    head = ["instance", *labels, "best_known"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name in names:
        cells, best = [], None
        for run in runs:
            row = run.get(name)
            best = best or (row or {}).get("best_known")
            cells.append("—" if not row or row["objective"] is None else str(row["objective"]))
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {best} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    parser.add_argument("runs", nargs="+", help="results JSON files (join a split run with +)")
    parser.add_argument("--labels", help="comma-separated column names (default: file names)")
    args = parser.parse_args()
    labels = args.labels.split(",") if args.labels else [Path(r).stem for r in args.runs]
    if len(labels) != len(args.runs):
        parser.error(f"{len(labels)} labels for {len(args.runs)} runs")
    print(table(labels, [load(r) for r in args.runs]))


if __name__ == "__main__":
    main()
