"""Small service files for tests. Line numbers in ``data/mini.yaml`` are asserted
by the validation tests, so edit it with care."""

from tests.support.paths import DATA

MINIMAL_SERVICE = (DATA / "mini.yaml").read_text(encoding="utf-8")
