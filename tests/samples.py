"""Small service files for tests. Line numbers in ``data/mini.yaml`` are asserted
by the validation tests, so edit it with care."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
MINIMAL_SERVICE = (DATA / "mini.yaml").read_text(encoding="utf-8")
