"""A person's whole path through the site, in order: register, confirm from the mailbox, get
activated by the DD(CS)PP of the Rhône through its back office, log in, get locked after five
wrong passwords, recover with a temporary password and the forced change, log out.

The tests share one person and run in file order; each says which step it checks."""
import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from dev.admin import DEMO_PEOPLE
from tests.browser.conftest import finish_login, press_enter

AUTHORITY_EMAIL, AUTHORITY_PASSWORD = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-DDPP-69")

PERSON = {
    "email": f"marie.dupont.{secrets.token_hex(3)}@ferme-dupont.fr",
    "password": "Pommes-de-Lyon-2026!",
    "answer": "Médor",
    "first_name": "Marie",
    "last_name": "Dupont",
}
NEW_PASSWORD = "Cerises-du-Rhone-2027#"


def register_form(page: Page, stack, lang: str) -> None:
    page.goto(f"{stack.url}/{lang}/register.html")
    expect(page.locator("#f-secret-question-id option").nth(3)).to_be_attached()
    expect(page.locator("#f-organisation-country option[value=FR]")).to_be_attached()


def open_mail_link(page: Page, stack, check, to: str, pattern: str, name: str) -> str:
    page.goto(f"{stack.mailbox}?to={to}")
    check(page, f"mailbox-{name}")
    link = page.locator(f"article.message pre a[href*='{pattern}']").first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    link.click()
    return href


def captcha_id(page: Page) -> str:
    expect(page.locator("#captcha-image")).to_have_attribute("src", re.compile("^data:image/png"))
    return page.locator("#f-captcha-id").input_value()


def summary_targets(page: Page, form: str) -> list[str]:
    """The fields the error summary links to, in its order."""
    return page.locator(f"{form} .error-summary .error-list a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').slice(1))")


def in_page_order(page: Page, ids: list[str]) -> bool:
    return page.evaluate("""ids => ids.every((id, i) => i === 0 ||
        (document.getElementById(ids[i - 1]).compareDocumentPosition(document.getElementById(id))
         & Node.DOCUMENT_POSITION_FOLLOWING))""", ids)


def log_in(page: Page, stack, lang: str, email: str, password: str) -> None:
    page.goto(f"{stack.url}/{lang}/login.html")
    page.get_by_label(re.compile("^(E-mail|Courrier électronique)$")).fill(email)
    page.locator("#f-password").fill(password)
    press_enter(page, "#f-password")


def test_registration_errors_are_shown_next_to_the_fields_and_typed_values_stay(stack, new_page, check):
    page = new_page("fr-FR")
    register_form(page, stack, "fr")
    check(page, "register-fr")
    page.locator("#f-email").fill("marie@ferme-dupont.fr")
    page.locator("#f-email-confirmation").fill("autre@ferme-dupont.fr")
    page.locator("#f-password").fill("court")
    page.get_by_role("button", name="Soumettre").click()
    summary = page.locator("#register-form .error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#f-email-confirmation")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-password-error")).to_be_visible()
    expect(page.locator("#f-password")).to_have_attribute("aria-describedby", re.compile("f-password-error"))
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    expect(page.locator("#f-email")).to_have_value("marie@ferme-dupont.fr")
    # The summary lists the problems in the order of the page, the first one focused.
    targets = summary_targets(page, "#register-form")
    assert targets[0] == "f-email-confirmation" and targets[-1] == "f-captcha-answer", targets
    assert in_page_order(page, targets), targets
    expect(page.locator("#f-email-confirmation")).to_be_focused()
    check(page, "register-fr-errors")


def test_with_the_code_on_one_round_names_every_problem_and_the_code_serves_once(stack, new_page, check):
    """The registration journey as `make run` has it: the anti-automation code is on."""
    assert stack.state["captcha"] == "true"
    page = new_page("fr-FR")
    register_form(page, stack, "fr")
    first_code = captcha_id(page)
    first_answer = stack.captcha_code(first_code)
    # Half the form, and the right code: every missing field is named at once; the code is spent.
    page.locator("#f-email").fill(PERSON["email"])
    page.locator("#f-first-name").fill(PERSON["first_name"])
    page.locator("#f-captcha-answer").fill(first_answer)
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator("#register-form .error-summary")).to_be_visible()
    for name in ("email-confirmation", "password", "secret-question-id", "secret-answer", "last-name",
                 "organisation-name", "organisation-postal-code"):
        expect(page.locator(f"#f-{name}-error")).to_be_visible()
    expect(page.locator("#f-captcha-answer-error")).to_have_count(0)  # the code was right
    expect(page.locator("#f-first-name")).to_have_value(PERSON["first_name"])
    second_code = captcha_id(page)
    assert second_code != first_code  # a new code for the next round
    expect(page.locator("#f-captcha-answer")).to_have_value("")
    # An empty form with no code: the fields and the code, in one answer.
    page.reload()
    register_form(page, stack, "fr")
    third_code = captcha_id(page)
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator("#f-captcha-answer-error")).to_be_visible()
    expect(page.locator("#f-email-error")).to_be_visible()
    expect(page.locator("#f-organisation-city-error")).to_be_visible()
    targets = summary_targets(page, "#register-form")
    assert len(targets) >= 10 and in_page_order(page, targets), targets
    check(page, "register-fr-errors-with-code")
    # The first code no longer works, whatever the form holds.
    status, body = stack.api("POST", "/accounts", {"captcha_id": first_code, "captcha_answer": first_answer})
    assert status == 400 and "captcha_answer" in body["error"]["fields"]
    assert captcha_id(page) != third_code


def test_person_registers_through_the_form_and_confirms_from_the_mailbox(stack, new_page, check):
    page = new_page("fr-FR")
    register_form(page, stack, "fr")
    page.locator("#f-email").fill(PERSON["email"])
    page.locator("#f-email-confirmation").fill(PERSON["email"])
    page.locator("#f-password").fill(PERSON["password"])
    page.locator("#f-password-confirmation").fill(PERSON["password"])
    page.locator("#f-secret-question-id").select_option(index=7)
    page.locator("#f-secret-answer").fill(PERSON["answer"])
    page.locator("#f-first-name").fill(PERSON["first_name"])
    page.locator("#f-last-name").fill(PERSON["last_name"])
    page.locator("#f-notification-format-text").check()
    page.locator("#f-phone").fill("+33 4 78 00 00 00")
    page.locator("#f-organisation-name").fill("Ferme Dupont")
    page.locator("#f-organisation-address").fill("12 chemin des Vignes")
    page.locator("#f-organisation-postal-code").fill("69400")
    page.locator("#f-organisation-city").fill("Villefranche-sur-Saône")
    page.locator("#f-organisation-country").select_option("FR")
    # A wrong code first: only the code is named, everything typed stays, a new code comes.
    wrong = captcha_id(page)
    page.locator("#f-captcha-answer").fill("000000" if stack.captcha_code(wrong) != "000000" else "111111")
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator("#f-captcha-answer-error")).to_be_visible()
    assert summary_targets(page, "#register-form") == ["f-captcha-answer"]
    expect(page.locator("#f-captcha-answer")).to_be_focused()
    expect(page.locator("#f-organisation-city")).to_have_value("Villefranche-sur-Saône")
    page.locator("#f-captcha-answer").fill(stack.captcha_code(captcha_id(page)))
    page.get_by_role("button", name="Soumettre").click()
    done = page.locator("#register-done")
    expect(done).to_be_visible()
    expect(done).to_contain_text(PERSON["email"])
    expect(done).to_contain_text("90 minutes")
    expect(done).to_be_focused()
    check(page, "register-fr-done")

    open_mail_link(page, stack, check, PERSON["email"], "confirm.html?token=", "confirmation")
    expect(page).to_have_url(re.compile(r"/fr/confirm\.html\?token="))
    expect(page.locator("#confirm-request")).to_contain_text("Marie Dupont")
    check(page, "confirm-fr")
    page.get_by_role("button", name="Confirmer ma demande").click()
    expect(page.locator("#confirm-done")).to_be_visible()
    expect(page.locator("#confirm-done")).to_contain_text("autorité locale")
    check(page, "confirm-fr-done")

    # Opening the link again confirms nothing more and says why.
    page.reload()
    expect(page.locator("#confirm-already:visible, #confirm-invalid:visible")).to_have_count(1)
    expect(page.get_by_role("button", name="Confirmer ma demande")).to_be_hidden()


def test_unconfirmed_link_and_not_yet_valid_login_are_explained(stack, new_page, check):
    page = new_page("fr-FR")
    page.goto(f"{stack.url}/fr/confirm.html?token=not-a-real-token")
    expect(page.locator("#confirm-invalid")).to_be_visible()
    check(page, "confirm-fr-invalid")
    log_in(page, stack, "fr", PERSON["email"], PERSON["password"])
    expect(page.locator("#login-form .error-summary")).to_be_visible()
    # The next step: confirm from the e-mail, then wait for the authority's e-mail.
    expect(page.locator("#login-not-valid-help")).to_be_visible()
    expect(page.locator("#login-not-valid-help")).to_contain_text("autorité locale")
    check(page, "login-fr-not-valid-yet")


def test_authority_follows_the_digest_link_and_activates_the_request(stack, new_page, check):
    stack.admin("job", "authority_digest")
    page = new_page("fr-FR")
    href = open_mail_link(page, stack, check, AUTHORITY_EMAIL, "backoffice/account.html?id=", "digest")
    # Not logged in yet: the back office sends the authority to the login page, then back.
    expect(page).to_have_url(re.compile(r"/fr/login\.html\?"))
    check(page, "login-fr-from-digest")
    page.locator("#f-email").fill(AUTHORITY_EMAIL)
    page.locator("#f-password").fill(AUTHORITY_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    finish_login(page, stack, AUTHORITY_EMAIL)      # the second step (SPEC 1.9), then back
    expect(page).to_have_url(href)
    expect(page.locator("#account .js-email")).to_have_text(PERSON["email"])

    # The queue lists the request too.
    page.goto(f"{stack.url}/fr/backoffice/index.html")
    row = page.locator("#queue-table tbody tr", has_text=PERSON["email"])
    expect(row).to_be_visible()
    check(page, "backoffice-fr-queue")
    page.locator("#f-email").fill(PERSON["email"])
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#results-table tbody tr", has_text=PERSON["email"])).to_be_visible()
    check(page, "backoffice-fr-search")
    row.get_by_role("link").click()
    expect(page.locator("#account .js-status")).to_have_text("Confirmé")
    check(page, "backoffice-fr-account")
    page.get_by_role("button", name="Activer").click()
    expect(page.locator("#page-status")).to_contain_text("valide")
    expect(page.locator("#account .js-status")).to_have_text("Valide")
    check(page, "backoffice-fr-activated")


def test_activated_person_logs_in_in_english_and_sees_the_profile(stack, new_page, check):
    page = new_page("en-GB")
    log_in(page, stack, "en", PERSON["email"], PERSON["password"])
    expect(page).to_have_url(re.compile(r"/en/profile\.html$"))
    expect(page.locator("#profile .js-email")).to_have_text(PERSON["email"])
    expect(page.locator("#profile .js-status")).to_have_text("Valid")
    check(page, "profile-en")
    page.locator("#f-phone").fill("+33 4 78 11 22 33")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#page-status")).to_contain_text("saved")
    # The language switch keeps the page.
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/profile\.html$"))
    expect(page.locator("#f-phone")).to_have_value(re.compile("78 11 22 33|781122 ?33"))
    check(page, "profile-fr")
    # Preferences: a time zone from the list and one digest turned off.
    expect(page.locator("#f-time-zone")).to_have_value("Europe/Paris")
    page.locator("#f-time-zone").fill("Indian/Reunion")
    # She administers her new operator: the role requests digest concerns her, the authorities'
    # digest does not and is not offered.
    expect(page.locator("#f-notify-user-creation-requests")).to_be_hidden()
    # The form pattern of the site: a box of the site's size with its label beside it.
    box = page.locator("#f-notify-role-requests").bounding_box()
    label = page.locator("label[for=f-notify-role-requests]").bounding_box()
    assert box["width"] >= 20 and label["x"] > box["x"] + box["width"], (box, label)
    assert abs(label["y"] - box["y"]) < box["height"], (box, label)
    page.get_by_label("Récapitulatif des demandes d'autorisation à décider").uncheck()
    page.get_by_role("button", name="Enregistrer les préférences").click()
    expect(page.locator("#page-status")).to_contain_text("enregistr")
    page.reload()
    expect(page.locator("#f-time-zone")).to_have_value("Indian/Reunion")
    expect(page.locator("#f-notify-role-requests")).not_to_be_checked()
    expect(page.locator("#f-notify-role-requests")).to_be_visible()
    expect(page.locator("#f-notify-user-creation-requests")).to_be_hidden()
    page.locator("#f-time-zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Enregistrer les préférences").click()
    expect(page.locator("#f-time-zone-error")).to_contain_text("fuseau horaire")
    check(page, "profile-fr-preferences-error")


def test_five_wrong_passwords_lock_the_account(stack, new_page, check):
    page = new_page("en-GB")
    for attempt in range(5):
        log_in(page, stack, "en", PERSON["email"], f"Wrong-Password-{attempt}!")
        expect(page.locator("#login-form .error-summary")).to_be_visible()
        # From the third failure on, the page says an account may be locked and how to recover.
        expect(page.locator("#login-locked-help")).to_be_visible() if attempt >= 2 else \
            expect(page.locator("#login-locked-help")).to_be_hidden()
    expect(page.locator("#login-locked-help").get_by_role("link", name="request a new password")).to_have_attribute(
        "href", "/en/forgot-password.html")
    check(page, "login-en-wrong-password")
    log_in(page, stack, "en", PERSON["email"], PERSON["password"])
    expect(page.locator("#login-form .error-summary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/en/login\.html"))
    mails = stack.mails(PERSON["email"])
    assert any("lock" in m["subject"].lower() or "verrouill" in m["subject"].lower() for m in mails), \
        [m["subject"] for m in mails]


def test_temporary_password_leads_through_the_forced_change(stack, new_page, check):
    page = new_page("en-GB")
    page.goto(f"{stack.url}/en/forgot-password.html")
    check(page, "forgot-en")
    page.locator("#f-email").fill(PERSON["email"])
    page.get_by_role("button", name="Request a new password").click()
    expect(page.locator("#forgot-done")).to_be_visible()
    expect(page.locator("#forgot-done")).to_contain_text("24 hours")
    check(page, "forgot-en-done")

    page.goto(f"{stack.mailbox}?to={PERSON['email']}")
    check(page, "mailbox-temporary-password")
    text = page.locator("article.message pre").first.inner_text()
    temporary = re.search(r"\bTR\d{12,}\b", text).group(0)

    log_in(page, stack, "en", PERSON["email"], temporary)
    expect(page).to_have_url(re.compile(r"/en/password-forced\.html$"))
    expect(page.locator("#password-form")).to_be_visible()
    # Nothing else is reachable before the change: the menu offers only "Log out".
    expect(page.locator(".main-nav li:visible")).to_have_count(1)
    expect(page.locator(".main-nav").get_by_role("link", name="Log out")).to_be_visible()
    check(page, "password-forced-en")
    page.locator("#f-new-password").fill(NEW_PASSWORD)
    page.locator("#f-new-password-confirmation").fill(NEW_PASSWORD)
    page.locator("#f-secret-answer").fill("medor")  # capitals and accents do not matter
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator("#password-done")).to_be_visible()
    check(page, "password-forced-en-done")
    page.get_by_role("link", name="Go to my profile").click()
    expect(page.locator("#profile .js-email")).to_have_text(PERSON["email"])


def test_voluntary_change_and_logout(stack, new_page, check):
    page = new_page("en-GB")
    log_in(page, stack, "en", PERSON["email"], NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/en/profile\.html$"))
    page.get_by_role("link", name="Change my password").click()
    expect(page.locator("#password-form")).to_be_visible()
    expect(page.locator("#f-new-password-hint")).not_to_contain_text("temporary")
    check(page, "password-change-en")
    page.locator("#f-current-password").fill(NEW_PASSWORD)
    page.locator("#f-new-password").fill(PERSON["password"] + "x")
    page.locator("#f-new-password-confirmation").fill(PERSON["password"] + "x")
    page.locator("#f-secret-answer").fill("wrong answer")
    page.get_by_role("button", name="Change the password").click()
    expect(page.locator("#f-secret-answer-error")).to_be_visible()
    expect(page.locator("#f-secret-answer")).to_be_focused()
    page.get_by_role("link", name="Log out").click()
    expect(page.locator("#logout-done")).to_be_visible()
    check(page, "logout-en")
    page.goto(f"{stack.url}/en/profile.html")
    expect(page).to_have_url(re.compile(r"/en/login\.html\?"))


def test_the_login_page_shows_the_menu_of_someone_logging_in(stack, new_page):
    page = new_page("en-GB")
    log_in(page, stack, "en", PERSON["email"], NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/en/profile\.html$"))
    expect(page.locator(".main-nav").get_by_role("link", name="My profile")).to_be_visible()
    page.goto(f"{stack.url}/en/login.html")
    nav = page.locator(".main-nav")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="My profile")).to_be_hidden()
    expect(nav.get_by_role("link", name="Log out")).to_be_hidden()


def test_the_lock_hint_is_the_same_for_an_unknown_address(stack, new_page):
    """No enumeration: the hint depends on the failures in this tab, not on the account."""
    known, unknown = new_page("en-GB"), new_page("en-GB")
    for page, email in ((known, PERSON["email"]), (unknown, f"nobody.{secrets.token_hex(3)}@ferme-dupont.fr")):
        for attempt in range(3):
            log_in(page, stack, "en", email, f"Not-The-Password-{attempt}!")
            expect(page.locator("#login-form .error-summary")).to_be_visible()
        expect(page.locator("#login-locked-help")).to_be_visible()
    for part in ("#login-form .error-summary", "#login-locked-help"):
        assert known.locator(part).inner_text() == unknown.locator(part).inner_text()
    # A success resets the count.
    log_in(known, stack, "en", PERSON["email"], NEW_PASSWORD)
    expect(known).to_have_url(re.compile(r"/en/profile\.html$"))
    known.goto(f"{stack.url}/en/login.html")
    expect(known.locator("#login-locked-help")).to_be_hidden()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_are_accessible(stack, new_page, check, lang):
    page = new_page()
    page.goto(f"{stack.url}/")
    expect(page).to_have_url(re.compile(r"/fr/$"))
    for name in ("index", "login", "register", "forgot-password"):
        page.goto(f"{stack.url}/{lang}/{name}.html")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        check(page, f"{name}-{lang}")


def test_login_works_with_the_keyboard_alone(stack, new_page, check):
    page = new_page("en-GB")
    page.goto(f"{stack.url}/en/login.html")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#f-email")).to_be_focused()
    page.keyboard.type("nobody@ferme-dupont.fr")
    page.keyboard.press("Tab")
    expect(page.locator("#f-password")).to_be_focused()
    page.keyboard.type("Not-The-Password-1!")
    page.keyboard.press("Enter")
    summary = page.locator("#login-form .error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # no field to blame: the summary takes the focus
    check(page, "login-en-keyboard")
