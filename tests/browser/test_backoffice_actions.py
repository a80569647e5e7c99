"""The authority's other buttons on an account page: Refuse with a reason, Save, Reset password
(after which the person chooses a new secret question), Unlock and Delete. In English."""
import re
import secrets

from playwright.sync_api import Page, expect

from dev.admin import DEMO_PEOPLE
from tests.browser.conftest import finish_login

AUTHORITY_EMAIL, AUTHORITY_PASSWORD = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-DDPP-69")
PASSWORD = "Soieries-Lyon-2026!"
SUFFIX = secrets.token_hex(3)


def authority_opens(page: Page, stack, email: str) -> None:
    if not page.url.startswith(stack.url):  # a fresh browser: log in first
        log_in(page, stack, AUTHORITY_EMAIL, AUTHORITY_PASSWORD)
        finish_login(page, stack, AUTHORITY_EMAIL)
        expect(page).to_have_url(re.compile(r"/en/backoffice/index\.html"))
    page.goto(f"{stack.url}/en/backoffice/index.html?email={email}")
    row = page.locator("#results-table tbody tr", has_text=email)
    expect(row).to_be_visible()
    expect(row).to_contain_text("France")  # the country's name, not its code
    row.get_by_role("link").click()
    expect(page.locator("#account .js-email")).to_have_text(email)
    expect(page.locator("#account .js-country")).to_have_text("France")


def log_in(page: Page, stack, email: str, password: str) -> None:
    page.goto(f"{stack.url}/en/login.html")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_authority_refuses_a_request_with_a_reason(stack, new_page, check):
    email = f"jean.refus.{SUFFIX}@vins-lyon.fr"
    stack.register_and_confirm(email, PASSWORD, "Tintin", "Jean", "Refus")
    page = new_page("en-GB")
    authority_opens(page, stack, email)
    page.get_by_role("button", name="Refuse").first.click()
    reason = page.get_by_label("Reason for the refusal")
    expect(reason).to_be_focused()
    page.get_by_role("button", name="Refuse the request").click()
    expect(page.locator("#f-reason-error")).to_be_visible()  # a reason is required
    reason.fill("No establishment at this address.")
    page.get_by_role("button", name="Refuse the request").click()
    expect(page.locator("#account .js-status")).to_have_text("Refused")
    check(page, "backoffice-en-refused")
    assert any("No establishment at this address." in m["text"] for m in stack.mails(email))


def test_authority_saves_resets_unlocks_and_deletes(stack, new_page, check):
    email = f"lea.martin.{SUFFIX}@fromages-lyon.fr"
    stack.register_and_confirm(email, PASSWORD, "Astérix", "Léa", "Martin")
    authority = new_page("en-GB")
    authority_opens(authority, stack, email)
    authority.get_by_role("button", name="Activate").click()
    expect(authority.locator("#account .js-status")).to_have_text("Valid")
    authority.get_by_label(re.compile("^Phone")).fill("+33 4 72 10 20 30")
    authority.get_by_role("button", name="Save").click()
    expect(authority.locator("#page-status")).to_contain_text("saved")

    authority.get_by_role("button", name="Reset password").click()
    expect(authority.locator("#page-status")).to_contain_text("temporary password")
    check(authority, "backoffice-en-reset")
    text = stack.mails(email)[0]["text"]
    temporary = re.search(r"\bTR\d{12,}\b", text).group(0)

    # After an authority reset the person may choose a new secret question.
    person = new_page("en-GB")
    log_in(person, stack, email, temporary)
    expect(person).to_have_url(re.compile(r"/en/password-forced\.html$"))
    expect(person.locator("#choose-question")).to_be_visible()
    check(person, "password-forced-en-choose-question")
    person.locator("#f-new-password").fill("Bouchons-Lyonnais-9!")
    person.locator("#f-new-password-confirmation").fill("Bouchons-Lyonnais-9!")
    person.locator("#f-secret-question-id").select_option(index=5)
    person.locator("#f-secret-answer").fill("Guignol")
    person.get_by_role("button", name="Change the password").click()
    expect(person.locator("#password-done")).to_be_visible()

    # Five wrong passwords lock; the authority unlocks.
    other = new_page("en-GB")
    for attempt in range(5):
        log_in(other, stack, email, f"Not-The-Password-{attempt}!")
        expect(other.locator("#login-form .error-summary")).to_be_visible()
    authority.reload()
    expect(authority.locator("#account .js-status")).to_contain_text("Locked")
    unlock = authority.get_by_role("button", name="Unlock")
    expect(unlock).to_be_visible()
    check(authority, "backoffice-en-locked")
    unlock.click()
    expect(authority.locator("#page-status")).to_contain_text("unlocked")
    expect(unlock).to_be_hidden()
    log_in(other, stack, email, "Bouchons-Lyonnais-9!")
    expect(other).to_have_url(re.compile(r"/en/profile\.html$"))

    authority.get_by_role("button", name="Delete", exact=True).click()
    authority.get_by_role("button", name="Yes, delete the account").click()
    expect(authority.locator("#account .js-status")).to_have_text("Deleted")
    check(authority, "backoffice-en-deleted")
