"""The lead is told when the links handed out (feeds, emails) would not reach staff."""

from __future__ import annotations

import pytest

from amhp.publish.links import unreachable_warning


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8000/", "http://localhost:8000", "https://[::1]/"]
)
def test_a_loopback_address_is_named_with_the_setting_to_fix_it(base):
    said = unreachable_warning(base)
    assert said is not None and base in said and "AMHP_PUBLIC_URL" in said


def test_plain_http_is_warned_about_and_https_is_not():
    assert "plain http" in unreachable_warning("http://rota.council.example")
    assert unreachable_warning("https://rota.council.example/") is None
