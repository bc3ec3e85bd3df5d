"""A head logs in through the real login page in Chromium and reaches a staff page."""

from __future__ import annotations

import re
from typing import Any

from browser_steps import PASSWORD

from service.accounts.models import User


def test_a_head_logs_in_and_reaches_the_users_page(
    live_server: Any, page: Any, head: User, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/utilisateurs")

    # Sent to the login page, which remembers where we were going.
    assert re.search(r"/connexion\?next=", page.url)
    page.get_by_label("Adresse électronique").fill(head.email)
    page.get_by_label("Mot de passe", exact=True).fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    alert = page.get_by_role("alert")
    assert "Adresse ou mot de passe incorrect." in alert.inner_text()
    screenshot(page, "1-erreur")

    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/utilisateurs")

    assert page.get_by_role("heading", level=1).inner_text() == "Utilisateurs"
    assert head.full_name in page.locator("body").inner_text()
    nav = page.get_by_role("navigation", name="Menu principal")
    assert nav.get_by_role("link", name="Utilisateurs").get_attribute("aria-current") == "page"
    screenshot(page, "2-utilisateurs")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/connexion")
    assert "Vous êtes déconnecté." in page.get_by_role("status").inner_text()
