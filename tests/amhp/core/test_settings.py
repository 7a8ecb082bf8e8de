"""Settings come from AMHP_* variables, validated where they are read."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from amhp.core.settings import Settings, SettingsError, settings


def test_the_feed_key_sits_beside_the_database_file(monkeypatch, tmp_path):
    monkeypatch.setenv("AMHP_DATABASE_URL", f"sqlite:///{tmp_path / 'db' / 'amhp.db'}")
    monkeypatch.delenv("AMHP_SECRET_FILE", raising=False)
    assert Settings().key_file == tmp_path / "db" / "amhp-secret.key"


def test_an_explicit_key_file_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("AMHP_SECRET_FILE", str(tmp_path / "k"))
    assert Settings().key_file == Path(tmp_path / "k")


def test_a_server_database_needs_the_key_named(monkeypatch):
    monkeypatch.setenv("AMHP_DATABASE_URL", "postgresql://db.invalid/amhp")
    monkeypatch.delenv("AMHP_SECRET_FILE", raising=False)
    with pytest.raises(SettingsError, match="AMHP_SECRET_KEY or AMHP_SECRET_FILE"):
        _ = Settings().key_file


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("AMHP_MAX_SOLVES", "0")
    with pytest.raises(ValidationError, match="max_solves"):
        Settings()


def test_a_changed_variable_is_seen_at_once_and_an_unchanged_one_is_not_read_again(
    monkeypatch,
):
    monkeypatch.setenv("AMHP_MAX_SOLVES", "3")
    first = settings()
    assert first.max_solves == 3 and settings() is first
    monkeypatch.setenv("AMHP_MAX_SOLVES", "4")
    assert settings().max_solves == 4
    monkeypatch.delenv("AMHP_MAX_SOLVES")
    assert settings().max_solves == 1
