"""Two-step sign-in on the site (SPEC 1.9), with the local system's default setting: an agent of
the DDPP du Rhône (given an authenticator app by `dev.admin create-user`, its codes from
`dev.admin totp`) adds a passkey through Chromium's virtual authenticator (the DevTools
protocol's WebAuthn domain), another authenticator app from its QR code's key, and recovery
codes; signs in with the passkey alone, with the passkey as second step, with a code and with a
recovery code; then the DDPP's demo agent resets the agent's factors from the back office, and
the agent must enrol again.

Passkeys belong to a domain, never to an IP address: these pages are opened on `localhost`."""
import re

import pyotp
from playwright.sync_api import Page, expect

from dev.admin import DEMO_PEOPLE
from tests.browser.conftest import finish_login, press_enter

EMAIL = "agent.deux-etapes@ddpp69.gouv.fr"
PASSWORD = "Presqu-ile-Lyon-2026!"
BOSS_EMAIL, BOSS_PASSWORD = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-DDPP-69")


def virtual_authenticator(page: Page) -> None:
    """A platform authenticator with user verification, answering without a person."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})


def password_step(page: Page, site: str, lang: str = "en", password: str = PASSWORD) -> None:
    page.goto(f"{site}/{lang}/login.html")
    page.locator("#f-email").fill(EMAIL)
    page.locator("#f-password").fill(password)
    press_enter(page, "#f-password")


def log_out(page: Page, site: str) -> None:
    page.goto(f"{site}/en/logout.html")
    expect(page.locator("#logout-done")).to_be_visible()


def test_an_agent_enrols_and_signs_in_with_a_passkey_an_app_and_a_recovery_code(stack, new_page, check):
    stack.admin("create-user", EMAIL, "--password", PASSWORD, "--organisation", "FR-DDPP-69")
    site = stack.url.replace("127.0.0.1", "localhost")
    page = new_page("en-GB")
    virtual_authenticator(page)

    password_step(page, site)
    expect(page.locator("#second-step-form")).to_be_visible()
    check(page, "second-step-en")
    page.locator("#f-code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#second-step-form .error-summary")).to_contain_text("not correct")
    page.locator("#f-code").fill(stack.totp(EMAIL))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/en/backoffice/index\.html"))

    page.goto(f"{site}/en/second-factors.html")
    table = page.locator("#factors-table tbody")
    expect(table).to_contain_text("Authenticator app")
    page.get_by_label("Name of this passkey").fill("Office laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(table).to_contain_text("Office laptop")
    expect(page.locator("#page-status")).to_contain_text("has been added")

    page.get_by_role("button", name="Add an authenticator app").click()
    expect(page.locator("#totp-qr")).to_be_visible()
    secret = page.locator("#totp-secret").text_content()
    page.get_by_label("Code shown by the app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Name of this app (optional)").fill("Phone")
    page.get_by_role("button", name="Confirm the app").click()
    expect(table).to_contain_text("Phone")

    page.get_by_role("button", name="Create new recovery codes").click()
    codes = page.locator("#codes-list li")
    expect(codes).to_have_count(10)
    recovery = codes.first.text_content()
    assert page.locator("#codes-download").get_attribute("href").startswith("data:text/plain")
    check(page, "second-factors-en")

    page.goto(f"{site}/en/profile.html")
    expect(page.locator("#profile .js-methods")).to_contain_text("Office laptop")

    log_out(page, site)                        # the passkey alone
    page.goto(f"{site}/en/login.html")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/en/backoffice/index\.html"))

    log_out(page, site)                        # the passkey as the second step
    password_step(page, site)
    page.get_by_role("button", name="Use my passkey").click()
    expect(page).to_have_url(re.compile(r"/en/backoffice/index\.html"))

    for attempt in range(2):                   # a recovery code, once
        log_out(page, site)
        password_step(page, site)
        page.get_by_label("Recovery code").check()
        page.locator("#f-code").fill(recovery)
        page.get_by_role("button", name="Continue").click()
        if attempt == 0:
            expect(page).to_have_url(re.compile(r"/en/backoffice/index\.html"))
    expect(page.locator("#second-step-form .error-summary")).to_contain_text("already been used")


def test_the_authority_resets_the_agents_factors_from_the_back_office(stack, new_page, check):
    boss = new_page("fr-FR")
    boss.goto(f"{stack.url}/fr/login.html")
    boss.locator("#f-email").fill(BOSS_EMAIL)
    boss.locator("#f-password").fill(BOSS_PASSWORD)
    press_enter(boss, "#f-password")
    finish_login(boss, stack, BOSS_EMAIL)
    boss.goto(f"{stack.url}/fr/backoffice/index.html?email={EMAIL}")
    boss.locator("#results-table tbody tr", has_text=EMAIL).get_by_role("link").click()
    expect(boss.locator("#account .js-second_factors")).to_contain_text("Clé d'accès")
    boss.get_by_role("button", name="Réinitialiser les seconds facteurs").click()
    expect(boss.locator("#page-status")).to_contain_text("seconds facteurs")
    expect(boss.locator("#account .js-second_factors")).to_have_text("Aucun")
    check(boss, "backoffice-reset-second-factors-fr")

    agent = new_page("en-GB")
    password_step(agent, stack.url)
    expect(agent).to_have_url(re.compile(r"/en/second-factors\.html"))
    expect(agent.locator("#must-enrol")).to_be_visible()
    agent.goto(f"{stack.url}/en/backoffice/index.html")        # anything else: back to enrolment
    expect(agent).to_have_url(re.compile(r"/en/second-factors\.html"))
