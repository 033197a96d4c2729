"""A visitor uses the shell with a keyboard and switches language, in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_and_language_switch(live_server, page):
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").first.inner_text().startswith("Capacity for biodiversity")

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Switch to Spanish with the language links, named in their own language.
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    page.wait_for_url(f"{live_server.url}/es/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Por dónde empezar").is_visible()


def test_small_screen_menu_opens_with_the_keyboard(live_server, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/fr/")
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible()
    assert not page.locator("#primary-nav").is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#primary-nav").is_visible()
