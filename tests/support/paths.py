"""Where things are, for tests at any depth."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
DATA = Path(__file__).resolve().parent / "data"
