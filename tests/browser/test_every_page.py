"""Every page of the site as a phone shows it (375 px wide), in French and English, with real
content, logged in as the person each page is for:

- no page scrolls sideways (document.documentElement.scrollWidth > clientWidth fails), and every
  visible button and link of the page lies within the screen (tables become cards);
- a French page shows no untranslated message id and no English text of the catalogs (nor in
  the texts it hands to its script), and puts a space before ":", ";", "?" and "!".
"""
import json
import re
import secrets
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from dev.admin import DEMO_PEOPLE

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 375
PASSWORD = "Noix-de-Grenoble-2026!"
TAG = secrets.token_hex(3)
DDPP = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-DDPP-69")
INAO = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-INAO")
SETUP = f"annuaire.{TAG}@demo.example.org"
PERSON = f"paulette.longuenom-de-la-riviere.{TAG}@cooperative-fruitiere-du-beaujolais.fr"
WAITING = f"gaston.attente.{TAG}@vins-du-rhone.fr"
FORCED = f"odile.provisoire.{TAG}@miel-lyon.fr"
ORGANISATION = f"Coopérative fruitière des Monts du Lyonnais {TAG}"
OTHER = f"Société d'importation de fruits secs {TAG}"

# (name, who, address inside the language folder, what shows once the page is ready, then what
# to do before checking). Addresses may use {org}, {account}, {person}: filled from `world`.
PAGES = [
    ("index", None, "index.html", "main h1", None),
    ("login", None, "login.html", "#login-form", None),
    ("login-failures", None, "login.html", "#login-form", "fail_login"),
    ("register", None, "register.html", "#f-secret-question-id option >> nth=3", None),
    ("register-errors", None, "register.html", "#f-secret-question-id option >> nth=3", "submit_empty"),
    ("forgot-password", None, "forgot-password.html", "#forgot-form", None),
    ("confirm-invalid", None, "confirm.html?token=not-a-real-token-of-the-site", "#confirm-invalid:visible", None),
    ("logout", None, "logout.html", "#logout-done:visible", None),
    ("not-found", None, "no-such-page.html", "main h1", None),
    ("profile", "person", "profile.html", "#profile:visible", None),
    ("password-change", "person", "password-change.html", "#password-form:visible", None),
    ("second-factors", "person", "second-factors.html", "#factors:visible", None),
    ("roles-request", "person", "roles/request.html?country=FR&q={tag}", "#results-table tbody tr >> nth=1", None),
    ("roles-request-dialog", "person", "roles/request.html?country=FR&q={tag}", "#results-table tbody tr >> nth=1",
     "open_request"),
    ("operator-new", "person", "roles/new-operator.html", "#f-activities-organic_importer", None),
    ("operator-new-errors", "person", "roles/new-operator.html", "#f-activities-organic_importer", "submit_operator"),
    ("roles-mine", "person", "roles/mine.html", "#roles-table tbody tr >> nth=2", None),
    ("organisation", "person", "roles/organisation.html?id={org}", "#org-edit:visible", None),
    ("password-forced", "forced", "password-forced.html", "#password-form:visible", None),
    ("backoffice", "ddpp", "backoffice/index.html?email={waiting}", "#results-table tbody tr", None),
    ("backoffice-account", "ddpp", "backoffice/account.html?id={account}", "#account:visible", None),
    ("profile-authority", "ddpp", "profile.html", "#f-notify-user-creation-requests:visible", None),
    ("roles-pending", "inao", "roles/pending.html", "#pending-table tbody tr", None),
]


def _session(context, stack, email: str, password: str) -> dict:
    return stack.session(context.request, email, password)


@pytest.fixture(scope="module")
def world(stack, browser):
    """The people and data the pages show, and one logged-in browser per person."""
    setup = browser.new_context()
    stack.admin("create-user", SETUP, "--password", PASSWORD, "--organisation", "FR-BIO-10")
    csrf = _session(setup, stack, SETUP, PASSWORD)["csrf_token"]
    ids = []
    for name, city, eori in ((ORGANISATION, "Saint-Symphorien-sur-Coise", "001"), (OTHER, "Vénissieux", "002")):
        created = setup.request.post(f"{stack.url}/api/organisations", headers={"X-CSRF-Token": csrf}, data={
            "name": name, "country": "FR", "city": city, "postal_code": "69590",
            "address": "1200 route des Vergers et des Coteaux",
            "contacts": {"web_site": f"www.{TAG}-fruits-du-lyonnais.fr"},
            "identifiers": [{"type": "eori", "value": f"FR{TAG.upper()}{eori}"}],
            "activities": ["organic_importer", "organic_first_consignee"], "control_body_id": "FR-BIO-01"})
        assert created.status == 201, created.text()
        ids.append(created.json()["id"])
    setup.close()

    for email, first, last in ((PERSON, "Paulette", "Longuenom-de-la-Rivière"), (WAITING, "Gaston", "Attente"),
                               (FORCED, "Odile", "Provisoire")):
        stack.register_and_confirm(email, PASSWORD, "Médor", first, last)
    contexts = {"ddpp": browser.new_context(viewport={"width": WIDTH, "height": 800}, bypass_csp=True)}
    ddpp_csrf = _session(contexts["ddpp"], stack, *DDPP)["csrf_token"]
    found = {}
    for email in (PERSON, WAITING, FORCED):
        found[email] = contexts["ddpp"].request.get(f"{stack.url}/api/authority/accounts?email={email}").json()[0]["id"]
    for email in (PERSON, FORCED):
        done = contexts["ddpp"].request.post(f"{stack.url}/api/authority/accounts/{found[email]}/activate",
                                             headers={"X-CSRF-Token": ddpp_csrf}, data={})
        assert done.ok, done.text()

    # The person asks for a role in both operators and withdraws one: "My roles" counts three
    # statuses (valid, requested, withdrawn), and INAO has a request to decide.
    contexts["person"] = browser.new_context(viewport={"width": WIDTH, "height": 800}, bypass_csp=True)
    person = contexts["person"]
    csrf = _session(person, stack, PERSON, PASSWORD)["csrf_token"]
    for organisation_id in ids:
        asked = person.request.post(f"{stack.url}/api/authorisations", headers={"X-CSRF-Token": csrf}, data={
            "organisation_id": organisation_id, "message": "Je gère les achats de fruits secs et les importations."})
        assert asked.status == 201, asked.text()
    withdrawn = person.request.post(f"{stack.url}/api/authorisations/{asked.json()['id']}/withdraw",
                                    headers={"X-CSRF-Token": csrf}, data={})
    assert withdrawn.ok, withdrawn.text()
    own = person.request.get(f"{stack.url}/api/me").json()["organisation"]["id"]

    # Someone logged in with a temporary password: the forced change.
    stack.api("POST", "/password/forgot", {"email": FORCED})
    temporary = re.search(r"\bTR\d{12,}\b", stack.mails(FORCED)[0]["text"]).group(0)
    contexts["forced"] = browser.new_context(viewport={"width": WIDTH, "height": 800}, bypass_csp=True)
    assert _session(contexts["forced"], stack, FORCED, temporary)["must_change_password"]
    contexts["inao"] = browser.new_context(viewport={"width": WIDTH, "height": 800}, bypass_csp=True)
    _session(contexts["inao"], stack, *INAO)
    values = {"org": own, "account": found[WAITING], "waiting": WAITING, "tag": TAG}
    yield {"contexts": contexts, "values": values}
    for context in contexts.values():
        context.close()


def _english_texts() -> list[tuple[str, re.Pattern]]:
    """The English messages of the site's and the API's catalogs whose French differs, as
    patterns of their longest fixed part (placeholders cut out)."""
    found = {}
    for path in (ROOT / "locale" / "site" / "fr" / "LC_MESSAGES" / "site.po",
                 ROOT / "chalicelib" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="fr")
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if not msgid or msgid in strings:
                    continue
                part = max(re.split(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}", msgid), key=len).strip(" .:,;–-")
                if len(part) >= 4 and (" " in part or "%" not in msgid):
                    found[part] = re.compile(r"(?<![\w-])" + re.escape(part) + r"(?![\w-])")
    return sorted(found.items())


ENGLISH = _english_texts()
CODES = re.compile(r"\b(?:[a-z]+_[a-z_]+|new|confirmed|valid|refused|deleted|requested|rejected|suspended|"
                   r"withdrawn|operator|authority|undefined|null|NaN)\b")
NO_SPACE_BEFORE = re.compile(r"[^\s\u00a0\u202f][:;?!](?=\s|$)")


def french_problems(page) -> list[str]:
    texts = page.evaluate("""() => {
        const out = [document.title, document.body.innerText];
        document.querySelectorAll('[aria-label], [title], img[alt], [placeholder]').forEach(el => {
            for (const a of ['aria-label', 'title', 'alt', 'placeholder'])
                if (el.getAttribute(a)) out.push(el.getAttribute(a));
        });
        for (const id of ['texts', 'page-texts']) {
            const el = document.getElementById(id);
            if (el) out.push(...Object.values(JSON.parse(el.textContent)).map(String));
        }
        return out;
    }""")
    problems = []
    for text in texts:
        for source, pattern in ENGLISH:
            if pattern.search(text):
                problems.append(f"English {source!r} in {text[:120]!r}")
        for match in CODES.finditer(text):
            problems.append(f"message id or code {match.group(0)!r} in {text[:120]!r}")
        for match in NO_SPACE_BEFORE.finditer(text):
            problems.append(f"no space before {match.group(0)[-1]!r} in "
                            f"{text[max(0, match.start() - 40):match.end() + 10]!r}")
    return problems


def sideways(page) -> dict:
    """What sticks out at the page's width: its scroll width, and the visible buttons and links
    that lie (partly) outside the screen."""
    return page.evaluate("""() => {
        const root = document.documentElement, width = root.clientWidth;
        const controls = 'main button, main a, main input, main select, main textarea, dialog[open] button';
        const out = [...document.querySelectorAll(controls)]
            .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
            .map(el => ({el, r: el.getBoundingClientRect()}))
            .filter(({r}) => r.width && (r.left < -1 || r.right > width + 1))
            .map(({el, r}) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 40)}" `
                              + `${Math.round(r.left)}..${Math.round(r.right)}`);
        return {scrollWidth: root.scrollWidth, clientWidth: width, outside: out};
    }""")


def _act(page, action: str, stack) -> None:
    if action == "fail_login":
        for attempt in range(3):
            page.locator("#f-email").fill(f"personne.{TAG}@exemple.fr")
            page.locator("#f-password").fill(f"Pas-le-bon-{attempt}!")
            page.locator("#login-form button[type=submit]").click()
            expect(page.locator("#login-form .error-summary")).to_be_visible()
        expect(page.locator("#login-locked-help")).to_be_visible()
    elif action == "submit_empty":
        expect(page.locator("#captcha-image")).to_have_attribute("src", re.compile("^data:"))
        page.locator("#register-form button[type=submit]").click()
        expect(page.locator("#f-captcha-answer-error")).to_be_visible()
    elif action == "submit_operator":
        page.locator("#f-activities-organic_importer").check()
        page.locator("#operator-form button[type=submit]").click()
        expect(page.locator("#f-eori-error")).to_be_visible()
    elif action == "open_request":
        page.locator("#results-table tbody tr button").first.click()
        expect(page.locator("#request-dialog")).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name, who, address, ready, action", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_fits_a_phone_and_french_pages_are_all_french(stack, browser, world, check,
                                                                 lang, name, who, address, ready, action):
    if who:
        context = world["contexts"][who]
        page = context.new_page()
    else:
        context = browser.new_context(locale=f"{lang}-FR", bypass_csp=True,
                                      viewport={"width": WIDTH, "height": 800})
        page = context.new_page()
    try:
        page.goto(f"{stack.url}/{lang}/{address.format(**world['values'])}")
        expect(page.locator(ready)).to_be_attached()
        page.wait_for_load_state("networkidle")
        if action:
            _act(page, action, stack)
        check(page, f"{WIDTH}-{name}-{lang}")
        measured = sideways(page)
        assert measured["scrollWidth"] <= measured["clientWidth"] and not measured["outside"], \
            f"{name} ({lang}) scrolls sideways at {WIDTH} px: {json.dumps(measured)}"
        if lang == "fr":
            problems = french_problems(page)
            assert not problems, f"{name}: " + "\n".join(problems)
    finally:
        page.close()
        if not who:
            context.close()


def test_the_mailbox_fits_a_phone(stack, world, new_page, check):
    page = new_page("fr-FR", width=WIDTH)
    page.goto(f"{stack.mailbox}?to={PERSON}")
    expect(page.locator("article.message").first).to_be_visible()
    check(page, f"{WIDTH}-mailbox")
    measured = sideways(page)
    assert measured["scrollWidth"] <= measured["clientWidth"], measured


def test_the_check_sees_a_page_that_scrolls_sideways_and_english_on_a_french_page(stack, new_page):
    """The two checks above can fail: a wide element and an English label are caught."""
    page = new_page("fr-FR", width=WIDTH)
    page.goto(f"{stack.url}/fr/index.html")
    assert not french_problems(page)
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'Valid: status_withdrawn';
        p.style.width = '600px'; document.querySelector('main').appendChild(p);
        const b = document.createElement('button'); b.textContent = 'Request authorisation';
        b.style.marginLeft = '500px'; document.querySelector('main').appendChild(b); }""")
    measured = sideways(page)
    assert measured["scrollWidth"] > measured["clientWidth"] and measured["outside"]
    problems = " ".join(french_problems(page))
    assert "'Request authorisation'" in problems and "status_withdrawn" in problems
    assert "no space before ':'" in problems


def test_the_404_page_is_the_site_s_in_the_language_of_the_address(stack, new_page):
    page = new_page("en-GB")
    for lang, heading in (("fr", "Page introuvable"), ("en", "Page not found")):
        response = page.goto(f"{stack.url}/{lang}/roles/nothing-here.html")
        assert response.status == 404
        expect(page.locator("main h1")).to_have_text(heading)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        masthead = "getComputedStyle(document.querySelector('.masthead')).backgroundColor"
        assert page.evaluate(masthead) != "rgba(0, 0, 0, 0)"
