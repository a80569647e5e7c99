"""Roles (SPEC 2, seeds 002/004): a person attaches to an existing operator found by the search;
another creates a new operator (through the duplicate warning, confirmed once); INAO, the
competent authority of organic operators in France, validates one request and rejects the other;
both people see the outcome on "My roles". Tests run in file order and share the people."""
import re
import secrets

from playwright.sync_api import Page, expect

from dev.admin import DEMO_PEOPLE
from tests.browser.conftest import finish_login, press_enter

INAO_EMAIL, INAO_PASSWORD = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-INAO")
DDPP_EMAIL, DDPP_PASSWORD = next((p[0], p[1]) for p in DEMO_PEOPLE if p[2] == "FR-DDPP-69")
PASSWORD = "Vergers-du-Lyonnais-2026!"
TAG = secrets.token_hex(3)
SETUP = f"setup.{TAG}@demo.example.org"
ALICE = {"email": f"alice.{TAG}@vergers-bio.fr", "first": "Alice", "last": f"Martin{TAG}"}
BRUNO = {"email": f"bruno.{TAG}@pommes-lyon.fr", "first": "Bruno", "last": f"Garnier{TAG}"}
EXISTING = f"Vergers Bio {TAG}"


def api_session(page: Page, stack, email: str, password: str) -> str:
    """Logs the page's browser context in through the API; returns the CSRF token."""
    return stack.session(page.request, email, password)["csrf_token"]


def log_in(page: Page, stack, lang: str, email: str, password: str) -> None:
    page.goto(f"{stack.url}/{lang}/login.html")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    press_enter(page, "#f-password")
    finish_login(page, stack, email)


def my_role(page: Page, stack, lang: str, person: dict, organisation: str, *texts: str):
    """Logs `person` in, opens "My roles" and returns the row of `organisation`, checked to
    show every one of `texts`."""
    log_in(page, stack, lang, person["email"], PASSWORD)
    page.goto(f"{stack.url}/{lang}/roles/mine.html")
    row = page.locator("#roles-table tbody tr", has_text=organisation)
    for text in texts:
        expect(row).to_contain_text(text)
    return row


def test_setup_an_existing_operator_and_two_activated_people(stack, new_page):
    # Someone already put an organic operator of Lyon in the directory (without a role in it).
    stack.admin("create-user", SETUP, "--password", PASSWORD, "--organisation", "FR-BIO-10")
    page = new_page()
    csrf = api_session(page, stack, SETUP, PASSWORD)
    created = page.request.post(f"{stack.url}/api/organisations", headers={"X-CSRF-Token": csrf}, data={
        "name": EXISTING, "country": "FR", "city": "Lyon", "postal_code": "69007",
        "address": "3 rue des Vergers", "contacts": {"phone": "+33 4 72 00 00 10"},
        "identifiers": [{"type": "eori", "value": f"FR{TAG.upper()}001"}],
        "activities": ["organic_importer"], "control_body_id": "FR-BIO-01"})
    assert created.status == 201, created.text()
    # Two people register (API) and the DD(CS)PP of the Rhône activates them.
    for person in (ALICE, BRUNO):
        stack.register_and_confirm(person["email"], PASSWORD, "Médor", person["first"], person["last"])
    authority = new_page()
    csrf = api_session(authority, stack, DDPP_EMAIL, DDPP_PASSWORD)
    for person in (ALICE, BRUNO):
        found = authority.request.get(f"{stack.url}/api/authority/accounts?email={person['email']}").json()
        done = authority.request.post(f"{stack.url}/api/authority/accounts/{found[0]['id']}/activate",
                                      headers={"X-CSRF-Token": csrf}, data={})
        assert done.ok, done.text()


def test_a_person_finds_the_operator_and_requests_authorisation(stack, new_page, check):
    page = new_page("fr-FR")
    log_in(page, stack, "fr", ALICE["email"], PASSWORD)
    page.get_by_role("link", name="Demander un rôle").click()
    expect(page).to_have_url(re.compile(r"/fr/roles/request\.html"))
    expect(page.locator("#f-country option[value=FR]")).to_be_attached()
    # A registered person holds operator roles: no choice of type is offered, the page says why.
    expect(page.locator("#kind-form")).to_be_hidden()
    expect(page.locator("#kind-held")).to_contain_text("Opérateur")
    check(page, "roles-request-fr")
    page.locator("#f-country").select_option("FR")
    # Nothing found: no request button, the summary says what to try.
    page.locator("#f-q").fill(f"introuvable {TAG}")
    page.locator("#f-q").press("Enter")
    expect(page.locator("#results-summary")).to_contain_text("Aucune organisation")
    expect(page.get_by_role("button", name=re.compile("Demander une autorisation"))).to_have_count(0)
    page.locator("#f-activity").select_option("organic_importer")
    page.locator("#f-q").fill(f"vergers {TAG}")
    page.locator("#f-q").press("Enter")
    row = page.locator("#results-table tbody tr", has_text=EXISTING)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Importateur de produits biologiques")
    expect(row).to_contain_text(f"EORI FR{TAG.upper()}001")
    expect(row).to_contain_text("Lyon, France")
    check(page, "roles-search-fr")
    # Pick: the row's own button opens the request for that organisation.
    row.get_by_role("button", name=f"Demander une autorisation chez {EXISTING}").click()
    dialog = page.locator("#request-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(EXISTING)
    dialog.get_by_label("Message").fill("Je gère les importations de l'entreprise.")
    dialog.get_by_label("Téléphone").fill("+33 4 72 00 00 11")
    check(page, "roles-request-dialog-fr")
    # Send: "My roles" opens with the request, and the message is said once.
    dialog.get_by_role("button", name="Envoyer la demande d'autorisation").click()
    expect(page).to_have_url(re.compile(r"/fr/roles/mine\.html$"))
    expect(page.locator("#page-status")).to_have_text(f"Demande d'autorisation envoyée pour {EXISTING}.")
    expect(page.get_by_text(f"Demande d'autorisation envoyée pour {EXISTING}")).to_have_count(1)
    row = page.locator("#roles-table tbody tr", has_text=EXISTING)
    expect(row).to_contain_text("Demandé")
    expect(page.locator("#role-counts li[data-status=requested]")).to_have_text("Demandé\u00a0: 1")
    check(page, "roles-mine-fr-requested")
    # Searching again shows the request instead of a button.
    page.goto(f"{stack.url}/fr/roles/request.html?country=FR&q=vergers+{TAG}")
    row = page.locator("#results-table tbody tr", has_text=EXISTING)
    expect(row).to_contain_text("Demandé")
    expect(row.get_by_role("button")).to_have_count(0)


def test_another_person_creates_an_operator_through_the_duplicate_warning_in_english(stack, new_page, check):
    page = new_page("en-GB")
    log_in(page, stack, "en", BRUNO["email"], PASSWORD)
    page.goto(f"{stack.url}/en/roles/request.html")
    page.get_by_role("link", name="Create a new operator").click()
    expect(page).to_have_url(re.compile(r"/en/roles/new-operator\.html$"))
    expect(page.locator("#f-country option[value=FR]")).to_be_attached()
    check(page, "operator-new-en")
    # Nothing filled in: every problem is named next to its field, in the order of the page, and
    # no field marked optional is among them.
    page.get_by_role("button", name="Create a new operator").click()
    expect(page.locator("#operator-form .error-summary")).to_be_visible()
    expect(page.locator("#f-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-contacts-error")).to_contain_text("at least one contact")
    targets = page.locator("#operator-form .error-summary .error-list a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').slice(1))")
    assert targets[:4] == ["f-name", "f-address", "f-postal-code", "f-city"], targets
    assert page.evaluate("""ids => ids.every((id, i) => i === 0 || (document.getElementById(ids[i - 1])
        .compareDocumentPosition(document.getElementById(id)) & Node.DOCUMENT_POSITION_FOLLOWING))""", targets)
    marked = page.evaluate("""ids => ids.filter(id => { const label = document.querySelector(`label[for='${id}']`);
        const note = label && label.querySelector('.optional'); return note && !note.hidden; })""", targets)
    assert marked == [], marked
    check(page, "operator-new-en-errors")
    # An organic importer: the EORI number and the control body become required, and say so.
    eori_label = page.locator("label[for=f-eori]")
    expect(eori_label).to_contain_text("(optional)")
    page.locator("#f-activities-organic_importer").check()
    expect(eori_label).to_contain_text("(required for an organic importer)")
    expect(eori_label.locator(".optional")).to_be_hidden()
    expect(page.locator("#f-eori")).to_have_attribute("aria-required", "true")
    expect(page.locator("label[for=f-control-body-id]")).to_contain_text("(required for organic activities)")
    page.get_by_role("button", name="Create a new operator").click()
    expect(page.locator("#f-eori-error")).to_contain_text("EORI")
    expect(page.locator("#f-control-body-id-error")).to_be_visible()
    check(page, "operator-new-en-importer-errors")
    page.locator("#f-activities-organic_importer").uncheck()
    expect(eori_label).to_contain_text("(optional)")
    page.locator("#f-name").fill(f"Les {EXISTING} SARL")
    page.locator("#f-address").fill("8 quai Perrache")
    page.locator("#f-postal-code").fill("69002")
    page.locator("#f-city").fill("Lyon")
    page.locator("#f-country").select_option("FR")
    page.locator("#f-contacts-email").fill(f"contact.{TAG}@pommes-lyon.fr")
    page.locator("#f-eori").fill(f"FR{TAG.upper()}002")
    page.locator("#f-activities-organic_first_consignee").check()
    # The datalist offers the control bodies that certify in France.
    expect(page.locator("#control-bodies option[value='FR-BIO-01']")).to_be_attached()
    page.locator("#f-control-body-id").fill("FR-BIO-01")
    page.locator("#f-request-message").fill("I manage the company.")
    page.get_by_role("button", name="Create a new operator").click()
    duplicates = page.locator("#duplicates")
    expect(duplicates).to_be_visible()
    expect(duplicates).to_contain_text(EXISTING)
    expect(duplicates.get_by_role("button", name=f"Request authorisation in {EXISTING}")).to_be_visible()
    check(page, "operator-new-en-duplicate")
    page.get_by_role("button", name="It is another operator: create it").click()
    done = page.locator("#operator-done")
    expect(done).to_be_visible()
    expect(done).to_contain_text("authorisation request sent")
    check(page, "operator-new-en-created")
    done.get_by_role("link", name="Open the operator").click()
    expect(page.locator("#org .js-name")).to_have_text(f"Les {EXISTING} SARL")
    expect(page.locator("#org .js-validator_id")).to_have_text("FR-INAO")
    expect(page.locator("#org .js-country")).to_have_text("France")
    check(page, "organisation-en")
    page.goto(f"{stack.url}/en/roles/mine.html")
    expect(page.locator("#roles-table tbody tr", has_text=f"Les {EXISTING} SARL")).to_contain_text("Requested")
    check(page, "roles-mine-en-requested")


def test_inao_validates_one_request_and_rejects_the_other(stack, new_page, check):
    page = new_page("fr-FR")
    log_in(page, stack, "fr", INAO_EMAIL, INAO_PASSWORD)
    page.get_by_role("link", name="Demandes de rôle à décider").click()
    expect(page).to_have_url(re.compile(r"/fr/roles/pending\.html$"))
    alice = page.locator("#pending-table tbody tr", has_text=ALICE["email"])
    bruno = page.locator("#pending-table tbody tr", has_text=BRUNO["email"])
    expect(alice).to_contain_text(EXISTING)
    expect(bruno).to_contain_text(f"Les {EXISTING} SARL")
    waiting = int(re.search(r"(\d+)", page.locator("#pending-summary").inner_text()).group(1))
    check(page, "roles-pending-fr")
    # Validating asks for a confirmation first; Cancel changes nothing.
    dialog = page.locator("#reason-dialog")
    alice.get_by_role("button", name="Valider").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Valider la demande")
    expect(dialog).to_contain_text(EXISTING)
    expect(dialog.get_by_label("Motif")).to_be_hidden()
    check(page, "roles-pending-fr-validate-dialog")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    expect(alice).to_contain_text("Demandé")
    alice.get_by_role("button", name="Valider").click()
    dialog.get_by_role("button", name="Oui, valider").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_contain_text("Le rôle est valide")
    # The lists are fresh: the request left the queue, the count went down, the role is valid.
    expect(alice).to_have_count(0)
    expect(page.locator("#pending-summary")).to_contain_text(str(waiting - 1))
    valid = page.locator("#valid-table tbody tr", has_text=ALICE["email"])
    expect(valid).to_contain_text("Valide")
    expect(valid).to_contain_text("administrateur")  # the first person validated administers it
    check(page, "roles-pending-fr-validated")
    bruno.get_by_role("button", name="Rejeter").click()
    expect(dialog).to_be_visible()
    dialog.get_by_label("Motif").fill("Aucun certificat bio pour cette entreprise.")
    check(page, "roles-pending-fr-reject-dialog")
    dialog.get_by_role("button", name="Rejeter").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_contain_text("rejetée")
    expect(bruno).to_have_count(0)
    check(page, "roles-pending-fr-rejected")


def test_both_people_see_the_outcome_on_my_roles(stack, new_page, check):
    page = new_page("fr-FR")
    my_role(page, stack, "fr", ALICE, EXISTING, "Valide", "administrateur")
    check(page, "roles-mine-fr-valid")
    other = new_page("en-GB")
    my_role(other, stack, "en", BRUNO, f"Les {EXISTING} SARL", "Rejected", "Aucun certificat bio")
    expect(other.locator("#role-counts li[data-status=rejected]")).to_contain_text("1")
    check(other, "roles-mine-en-rejected")


def test_a_taken_identifier_is_refused_next_to_the_eori_field(stack, new_page, check):
    page = new_page("en-GB")
    log_in(page, stack, "en", BRUNO["email"], PASSWORD)
    page.goto(f"{stack.url}/en/roles/new-operator.html")
    expect(page.locator("#f-country option[value=FR]")).to_be_attached()
    page.locator("#f-name").fill(f"Ferme Totalement Autre {TAG}")
    page.locator("#f-address").fill("1 route de Vienne")
    page.locator("#f-postal-code").fill("69008")
    page.locator("#f-city").fill("Lyon")
    page.locator("#f-country").select_option("FR")
    page.locator("#f-contacts-phone").fill("+33 4 72 00 00 12")
    page.locator("#f-eori").fill(f"FR{TAG.upper()}001")  # the existing operator's EORI
    page.locator("#f-with-request").uncheck()
    page.get_by_role("button", name="Create a new operator").click()
    expect(page.locator("#f-eori")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-eori-error")).to_contain_text("identifier")
    check(page, "operator-new-en-identifier-taken")


def test_the_administrator_edits_the_operator_and_the_decided_queue_is_empty(stack, new_page, check):
    page = new_page("fr-FR")
    log_in(page, stack, "fr", ALICE["email"], PASSWORD)
    page.goto(f"{stack.url}/fr/roles/mine.html")
    page.locator("#roles-table tbody tr", has_text=EXISTING).get_by_role("link").click()
    expect(page.locator("#org-edit")).to_be_visible()
    expect(page.locator("#f-name")).to_have_value(EXISTING)
    page.locator("#f-contacts-web-site").fill("www.vergers-bio.fr")
    page.locator("#f-region").fill("Auvergne-Rhône-Alpes")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#page-status")).to_contain_text("enregistrée")
    expect(page.locator("#org .js-contacts")).to_contain_text("www.vergers-bio.fr")
    expect(page.locator("#f-region")).to_have_value("Auvergne-Rhône-Alpes")
    check(page, "organisation-fr-edited")
    # Emptied optional fields are sent as null and cleared.
    page.locator("#f-region").fill("")
    page.locator("#f-contacts-phone").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#org .js-contacts")).not_to_contain_text("+33")
    expect(page.locator("#org .js-contacts")).to_contain_text("www.vergers-bio.fr")
    organisation_id = re.search(r"[?&]id=([^&]+)", page.url).group(1)
    stored = page.request.get(f"{stack.url}/api/organisations/{organisation_id}").json()
    assert not stored.get("region") and "phone" not in (stored.get("contacts") or {}), stored

    inao = new_page("fr-FR")
    log_in(inao, stack, "fr", INAO_EMAIL, INAO_PASSWORD)
    inao.goto(f"{stack.url}/fr/roles/pending.html")
    expect(inao.locator("#pending-summary")).to_be_visible()
    check(inao, "roles-pending-fr-empty")


def test_inao_suspends_the_role_and_the_person_loses_the_administration(stack, new_page, check):
    inao = new_page("fr-FR")
    log_in(inao, stack, "fr", INAO_EMAIL, INAO_PASSWORD)
    inao.goto(f"{stack.url}/fr/roles/pending.html")
    valid = inao.locator("#valid-table tbody tr", has_text=ALICE["email"])
    expect(valid).to_contain_text(EXISTING)
    expect(valid).to_contain_text("administrateur")
    expect(inao.locator("#suspended-summary")).to_have_text("Aucun rôle suspendu.")
    check(inao, "roles-pending-fr-valid-list")
    valid.get_by_role("button", name="Suspendre").click()
    dialog = inao.locator("#reason-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Suspendre le rôle")
    dialog.get_by_label("Motif").fill("Certificat bio expiré.")
    check(inao, "roles-pending-fr-suspend-dialog")
    dialog.get_by_role("button", name="Suspendre").click()
    expect(dialog).to_be_hidden()
    expect(inao.locator("#page-status")).to_contain_text("Le rôle est suspendu")
    suspended = inao.locator("#suspended-table tbody tr", has_text=ALICE["email"])
    expect(suspended).to_contain_text("Suspendu")
    expect(suspended).to_contain_text("Certificat bio expiré.")
    expect(valid).to_have_count(0)
    check(inao, "roles-pending-fr-suspended")

    page = new_page("fr-FR")
    row = my_role(page, stack, "fr", ALICE, EXISTING, "Suspendu", "Certificat bio expiré.")
    expect(page.locator("#role-counts li[data-status=suspended]")).to_contain_text("1")
    check(page, "roles-mine-fr-suspended")
    row.get_by_role("link").click()
    expect(page.locator("#org .js-name")).to_have_text(EXISTING)
    expect(page.locator("#org-edit")).to_be_hidden()  # no longer an administrator of it
    check(page, "organisation-fr-suspended")


def test_inao_reinstates_the_role_and_changes_the_administrator_flag_in_english(stack, new_page, check):
    inao = new_page("en-GB")
    log_in(inao, stack, "en", INAO_EMAIL, INAO_PASSWORD)
    inao.goto(f"{stack.url}/en/roles/pending.html")
    suspended = inao.locator("#suspended-table tbody tr", has_text=ALICE["email"])
    valid = inao.locator("#valid-table tbody tr", has_text=ALICE["email"])
    expect(suspended).to_contain_text("Suspended")
    check(inao, "roles-pending-en-suspended-list")
    suspended.get_by_role("button", name="Reinstate").click()
    expect(inao.locator("#page-status")).to_contain_text("The role is valid again")
    expect(suspended).to_have_count(0)
    expect(inao.locator("#suspended-summary")).to_have_text("No suspended role.")
    expect(valid).to_contain_text("Valid")
    expect(valid).to_contain_text("(administrator)")
    check(inao, "roles-pending-en-reinstated")
    valid.get_by_role("button", name="Remove administrator").click()
    expect(inao.locator("#page-status")).to_contain_text("administrator flag has been changed")
    expect(valid).not_to_contain_text("(administrator)")
    expect(valid.get_by_role("button", name="Make administrator")).to_be_visible()
    check(inao, "roles-pending-en-admin-removed")
    valid.get_by_role("button", name="Make administrator").click()
    expect(valid).to_contain_text("(administrator)")
    expect(valid.get_by_role("button", name="Remove administrator")).to_be_visible()
    check(inao, "roles-pending-en-admin-granted")

    page = new_page("fr-FR")
    my_role(page, stack, "fr", ALICE, EXISTING, "Valide", "administrateur").get_by_role("link").click()
    expect(page.locator("#org-edit")).to_be_visible()
