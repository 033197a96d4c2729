"""Playwright with Debian's Chromium (``/usr/bin/chromium``); no browser download.

Browser tests are marked ``browser`` and run in CI's step 5. Elsewhere they skip when Playwright or
Chromium is missing, unless ``REQUIRE_BROWSER`` is set, in which case that is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[browser]')")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # inside one unless told that this is safe (the live server runs in its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Chromium logs what the Content Security Policy blocks: a blocked script or style is a bug.
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if csp_violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(csp_violations))


def snap(page, request, step: str) -> None:
    """Save a screenshot of a journey's step as ``<test name>-<step>.png``, so that a reviewer
    can see each page the person saw (the ``page`` fixture saves the last one on teardown)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{step}.png"), full_page=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests use real transactions, and Django empties every table after each of them:
    load the reference data (and the staff groups) again, as migrations first did."""
    from django.apps import apps

    from chm_portal.accounts.roles import sync_staff_groups
    from chm_portal.vocabularies.loaders import load_reference_data
    from chm_portal.vocabularies.models import Country

    if not Country.objects.exists():
        load_reference_data()
        sync_staff_groups(apps)


AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# Impacts that fail a test; "minor" and "moderate" findings are reported by axe but tolerated.
FAILING_IMPACTS = {"serious", "critical"}


def run_axe(page) -> list[str]:
    """Run axe-core (vendored) on the page; a line per serious or critical violation."""
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the CSP.
    page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]
