"""The second step of the login on the site (SPEC 1.9): an authority agent enrols an
authenticator app and recovery codes (through the API, as the enrolment page is not built yet),
then signs in through the login page with a code of the app, and with a recovery code."""
import re
import time

import pyotp
from playwright.sync_api import Page, expect

EMAIL = "agent.deux-etapes@ddpp69.gouv.fr"
PASSWORD = "Presqu-ile-Lyon-2026!"


def _enrol(page: Page, stack) -> tuple[str, list[str]]:
    """(the app's secret, recovery codes), enrolled through the API in the page's context."""
    opened = page.request.post(f"{stack.url}/api/session", data={"email": EMAIL, "password": PASSWORD})
    assert opened.ok, opened.text()
    headers = {"X-CSRF-Token": opened.json()["csrf_token"]}
    secret = page.request.post(f"{stack.url}/api/me/second-factors/totp", data={}, headers=headers).json()["secret"]
    confirmed = page.request.post(f"{stack.url}/api/me/second-factors/totp/confirm",
                                  data={"code": pyotp.TOTP(secret).now(), "name": "Phone"}, headers=headers)
    assert confirmed.status == 201, confirmed.text()
    codes = page.request.post(f"{stack.url}/api/me/recovery-codes", data={}, headers=headers)
    assert codes.status == 201, codes.text()
    return secret, codes.json()["codes"]


def _password_step(page: Page, stack, lang: str) -> None:
    page.goto(f"{stack.url}/{lang}/login.html")
    page.locator("#f-email").fill(EMAIL)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#f-password").press("Enter")
    expect(page.locator("#second-step-form")).to_be_visible()
    expect(page.locator("#login-form")).to_be_hidden()


def test_an_agent_signs_in_with_a_code_of_the_app_then_with_a_recovery_code(stack, new_page, check):
    stack.admin("create-user", EMAIL, "--password", PASSWORD, "--organisation", "FR-DDPP-69")
    setup = new_page("en-GB")
    secret, codes = _enrol(setup, stack)

    page = new_page("fr-FR")
    _password_step(page, stack, "fr")
    check(page, "second-step-fr")
    page.locator("#f-code").fill("000000")
    page.get_by_role("button", name="Continuer").click()
    expect(page.locator("#second-step-form .error-summary")).to_be_visible()
    # The enrolment used the current step's code: the next step's is accepted (one step of drift).
    page.locator("#f-code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Continuer").click()
    expect(page).to_have_url(re.compile(r"/fr/backoffice/index\.html"))

    other = new_page("en-GB")
    _password_step(other, stack, "en")
    other.get_by_label("Recovery code").check()
    other.locator("#f-code").fill(codes[0])
    other.get_by_role("button", name="Continue").click()
    expect(other).to_have_url(re.compile(r"/en/backoffice/index\.html"))
    again = new_page("en-GB")
    _password_step(again, stack, "en")
    again.get_by_label("Recovery code").check()
    again.locator("#f-code").fill(codes[0])
    again.get_by_role("button", name="Continue").click()
    expect(again.locator("#second-step-form .error-summary")).to_contain_text("already been used")
