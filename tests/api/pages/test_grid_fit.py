"""The rota grid of a real service (Coventry: 30 people, codes up to five letters
such as CRN-D) at 1400 px: every day of the month and the totals in view, no shift
code wrapped inside its cell."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.api.pages.test_pages import CHROMIUM, PASSWORD, shot
from tests.support.cli import run_cli, solve_args
from tests.support.paths import FIXTURES
from tests.support.server import running_server


@pytest.fixture(scope="module")
def coventry(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fit")
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp / 'fit.db'}"}
    run_cli("import", str(FIXTURES / "coventry.yaml"), env=env, check=True)
    run_cli(*solve_args("coventry", "2026-12", time_limit=5), env=env, check=True)
    run_cli(
        "user",
        "add",
        "lead@example.org",
        "--role",
        "lead",
        "--service",
        "coventry",
        "--password",
        PASSWORD,
        env=env,
        check=True,
    )
    with running_server(env) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser, base
        browser.close()


def test_a_whole_month_and_its_totals_fit_1400_px_with_no_code_wrapped(coventry):
    browser, base = coventry
    ctx = browser.new_context(base_url=base, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/app/services/coventry")
    page.get_by_role("link", name="Open rota for 2026-12").click()
    heads = page.locator("#rota-grid thead tr").first.locator("th")
    last_day, days, load = (heads.nth(heads.count() - k) for k in (5, 4, 1))
    width = page.evaluate("window.innerWidth")
    # The 31st ends where the sticky totals begin (not hidden under them), and the
    # totals end inside the window: nothing to scroll sideways.
    end = last_day.bounding_box()["x"] + last_day.bounding_box()["width"]
    assert end <= days.bounding_box()["x"] + 1
    assert load.bounding_box()["x"] + load.bounding_box()["width"] <= width
    assert page.evaluate(
        "(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.grid-wrap'))"
    )
    # The gap row sits under the day headers, above the first person, not over them.
    gaps_row = page.locator("#rota-grid tr.gaps").bounding_box()
    first = page.locator("#rota-grid tbody tr").first.bounding_box()
    assert gaps_row["y"] + gaps_row["height"] <= first["y"] + 1
    wrapped = page.evaluate(
        "() => [...document.querySelectorAll('#rota-grid .duty')]"
        ".filter(d => d.getClientRects().length > 1 || d.scrollWidth > d.clientWidth + 1)"
        ".map(d => d.textContent)"
    )
    assert wrapped == []
    assert "CRN-D" in page.locator("#rota-grid").inner_text()
    shot(page, "lead-grid-1400")
    ctx.close()
