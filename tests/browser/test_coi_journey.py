"""Certificates of inspection on the web site (SPEC 3, 7; seed 003 §3.1-3.3): the whole life of a
COI by its five parties, a refused submit with the errors next to the boxes, a version conflict
that keeps what was typed, an extract, the public verification reached by the PDF's QR link,
the export certificate models. Every page is checked by axe-core and at 375 px wide. Tests run
in file order and share the people made by the first fixture."""
import dataclasses
import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser import coi_people
from tests.browser.conftest import finish_login, press_enter
from tests.browser.coi_people import PASSWORD

TAG = secrets.token_hex(3)


@pytest.fixture(scope="module")
def people(stack) -> dict:
    """key -> {"organisation", "email", "name"}, put into the running stack."""
    return coi_people.put(stack, TAG)


def log_in(page: Page, stack, lang: str, email: str) -> None:
    page.goto(f"{stack.url}/{lang}/login.html")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(PASSWORD)
    press_enter(page, "#f-password")
    finish_login(page, stack, email)


def csrf(page: Page, stack, email: str) -> str:
    """Logs the page's browser context in through the API; returns the CSRF token."""
    return stack.session(page.request, email, PASSWORD)["csrf_token"]


def call(page: Page, stack, token: str, method: str, path: str, body: dict | None = None) -> dict:
    response = page.request.fetch(f"{stack.url}/api{path}", method=method, data=body,
                                  headers={"X-CSRF-Token": token})
    assert response.ok, response.text()
    return response.json()


def full_boxes(people: dict, batches: bool = False) -> dict:
    org = {key: person["organisation"] for key, person in people.items()}
    line = {"packaging": "carton", "unit": "kg", "producer": org["producer"], "producer_control_body": "MA-BIO-154"}
    return {
        "box1": {"issuer": "MA-BIO-154"}, "box4": {"exporter": org["exporter"]},
        "box7": {"countries_of_origin": ["MA"]}, "box8": {"country_of_export": "MA"},
        "box9": {"member_state": "FR", "authority": "FR-CCA", "border_control_post": "FR-BCP-MARSEILLE"},
        "box11": {"importer": org["importer"]},
        "box12": {"first_consignee": None, "release_by_batches": True} if batches
        else {"first_consignee": org["consignee"], "release_by_batches": False},
        "box13": [{**line, "cn_code": "0804 40 00", "trade_name": "Avocats Hass", "lot": "L-1", "packages": 120,
                   "net_weight": "2400"},
                  {**line, "cn_code": "0804 10 00", "trade_name": "Dattes Medjool", "lot": "L-2", "packages": 50,
                   "net_weight": "500.5"}],
        "box16": {"gross_weight": "3100", "unit": "kg"}, "box17": {"mode": "sea", "identification": "MV Atlas"}}


def no_sideways_scroll(page: Page, name: str) -> None:
    """At 375 px wide, the page is no wider than the window."""
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(100)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    page.set_viewport_size(size)
    assert widths[0] <= widths[1], f"{name} scrolls sideways at 375 px: {widths}"


def choose(page: Page, opener: str, query: str, name: str, country: str | None = None) -> None:
    """Picks an organisation through the directory search dialog opened by `opener`."""
    page.locator(opener).click()
    dialog = page.locator("#org-dialog")
    expect(dialog).to_be_visible()
    if country:
        dialog.locator("#f-country").select_option(country)
    dialog.locator("#f-q").fill(query)
    dialog.get_by_role("button", name=re.compile("^(Rechercher|Search)$")).click()
    dialog.locator("#org-results li", has_text=name).get_by_role("button").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(opener)).to_be_focused()


def link_in_mail(stack, email: str) -> str:
    return next(link for message in stack.mails(email) for link in message["links"] if "/cois/view.html?id=" in link)


def test_a_coi_through_its_whole_life_by_five_people(stack, people, new_page, check):
    # The importer (French) creates the COI: the products first, then the boxes.
    page = new_page("fr-FR")
    log_in(page, stack, "fr", people["importer"]["email"])
    page.get_by_role("link", name="Certificats d'inspection").click()
    expect(page).to_have_url(re.compile(r"/fr/cois/index\.html"))
    check(page, "coi-list-empty-fr")
    page.get_by_role("link", name="Créer un nouveau COI").click()
    page.locator("#f-q").fill("dattes")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label(re.compile("0804 10 00")).check()
    page.locator("#f-q").fill("0804 40")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label(re.compile("0804 40 00")).check()
    expect(page.locator("#commodity-chosen li")).to_have_count(2)
    check(page, "coi-new-fr")
    no_sideways_scroll(page, "coi-new")
    page.get_by_role("button", name="Fait").click()
    expect(page).to_have_url(re.compile(r"/fr/cois/view\.html\?id=\w+"))
    expect(page.locator("#page-status")).to_contain_text("Brouillon créé")
    expect(page.locator("#coi-head .js-status")).to_have_text("Brouillon")
    expect(page.locator("#box-box11")).to_contain_text(f"Bio Import Lyon {TAG}")     # pre-filled
    expect(page.locator("#b-boxes-box13-0-cn_code")).to_have_value("0804 10 00")
    check(page, "coi-draft-fr")
    no_sideways_scroll(page, "coi-draft")
    coi_url = page.url.split("&")[0]

    choose(page, "#b-boxes-box1-issuer", "MA-BIO-154", "Ecocert SA")
    choose(page, "#b-boxes-box4-exporter", "Atlas", f"Atlas Organic Export {TAG}", "MA")
    expect(page.locator("#b-boxes-box8-country_of_export")).to_have_value("MA")      # follows box 4
    page.locator("#b-boxes-box7-countries_of_origin").select_option("MA")
    page.get_by_role("button", name="Ajouter ce pays").click()
    page.locator("#b-boxes-box9-member_state").select_option("FR")
    choose(page, "#b-boxes-box9-authority", "FR-CCA", "(FR-CCA)")
    choose(page, "#b-boxes-box9-border_control_post", "Marseille", "(FR-BCP-MARSEILLE)")
    choose(page, "#b-boxes-box12-first_consignee", "Biocoop", f"Biocoop Rhône {TAG}")
    for i, (packages, weight) in enumerate((("50", "500,5"), ("120", "2400"))):
        page.locator(f"#b-boxes-box13-{i}-packages").fill(packages)
        page.locator(f"#b-boxes-box13-{i}-net_weight").fill(weight)          # a French decimal comma
        choose(page, f"#b-boxes-box13-{i}-producer", "Souss", f"Souss Bio Farms {TAG}", "MA")
        choose(page, f"#b-boxes-box13-{i}-producer_control_body", "MA-BIO-154", "Ecocert SA")
    page.get_by_role("button", name="Ajouter un conteneur").click()
    page.locator("#b-boxes-box14-0-container").fill("MSKU1234565")
    page.locator("#b-boxes-box14-0-seal").fill("SEAL-778")
    page.locator("#b-boxes-box16-gross_weight").fill("3100")
    page.locator("#b-boxes-box17-mode").select_option("sea")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect(page.locator("#page-status")).to_have_text("Vos modifications ont été enregistrées.")
    expect(page.locator("#box-box10")).to_contain_text("France")                     # derived from box 12
    expect(page.locator("#box-box5")).to_contain_text(f"Souss Bio Farms {TAG}")      # derived from box 13
    page.get_by_role("button", name="Soumettre à la certification").click()
    check(page, "coi-submit-dialog-fr")
    page.locator("#action-dialog").get_by_role("button", name="Soumettre à la certification").click()
    expect(page.locator("#page-status")).to_contain_text("COI.EU.FR.")
    number = page.locator("#coi-head .js-number").inner_text()
    assert re.fullmatch(r"COI\.EU\.FR\.\d{4}\.\d{7}", number)
    expect(page.locator("#coi-head .js-status")).to_have_text("Description terminée")
    expect(page.locator("#coi-may")).to_contain_text("9")              # the importer keeps 9 and 12
    # One click from the list to the COI.
    page.get_by_role("link", name="Tous mes certificats").click()
    row = page.locator("#coi-table tbody tr", has_text=number)
    expect(row).to_contain_text("Description terminée")
    expect(row).to_contain_text(f"Atlas Organic Export {TAG}")
    check(page, "coi-list-fr")
    no_sideways_scroll(page, "coi-list")
    row.get_by_role("link", name=number).click()
    expect(page).to_have_url(coi_url)

    # The issuer follows the link of its e-mail, logs in and lands on the COI; it issues it.
    issuer = new_page("fr-FR")
    issuer.goto(link_in_mail(stack, people["issuer"]["email"]))
    expect(issuer).to_have_url(re.compile(r"login\.html"))
    issuer.locator("#f-email").fill(people["issuer"]["email"])
    issuer.locator("#f-password").fill(PASSWORD)
    press_enter(issuer, "#f-password")
    finish_login(issuer, stack, people["issuer"]["email"])
    expect(issuer).to_have_url(coi_url)
    issuer.get_by_role("button", name="Délivrer le certificat (case 18)").click()
    issuer.locator("#action-dialog button[type=submit]").click()
    expect(issuer.locator("#box-box18")).to_contain_text(f"Signé par Issuer Test{TAG}")
    expect(issuer.locator("#coi-head .js-status")).to_have_text("Déclaration de l'organisme de délivrance signée")

    # The authority finds it in its list (role filter) and verifies it: a refusal needs a reason.
    authority = new_page("fr-FR")
    log_in(authority, stack, "fr", people["authority"]["email"])
    authority.goto(f"{stack.url}/fr/cois/index.html")
    authority.locator("#f-role").select_option("authority")
    authority.get_by_role("button", name="Rechercher").click()
    authority.locator("#coi-table tbody tr", has_text=number).get_by_role("link").click()
    expect(authority.locator("#coi-may")).to_contain_text("12")
    authority.get_by_role("button", name="Vérifier le lot (case 20)").click()
    authority.get_by_label("Pas de mise en libre pratique").check()
    authority.locator("#action-dialog button[type=submit]").click()
    expect(authority.locator("#action-dialog .error-summary")).to_contain_text("Indiquez le motif.")
    check(authority, "coi-verify-dialog-errors-fr")
    authority.get_by_label("Mise en libre pratique comme produit biologique").check()
    authority.locator("#action-dialog button[type=submit]").click()
    expect(authority.locator("#box-box20")).to_contain_text("Mise en libre pratique comme produit biologique")
    expect(authority.locator("#coi-head .js-status")).to_have_text("Lot vérifié")

    # The first consignee (English) signs box 21 from its e-mail link.
    consignee = new_page("en-GB")
    log_in(consignee, stack, "en", people["consignee"]["email"])
    consignee.goto(link_in_mail(stack, people["consignee"]["email"]).replace("/fr/", "/en/"))
    expect(consignee.locator("#coi-head .js-status")).to_have_text("Consignment checked")
    expect(consignee.locator("#coi-may")).to_have_text("You may not change this certificate in its present status.")
    check(consignee, "coi-checked-en")
    consignee.get_by_role("button", name="Sign the declaration (box 21)").click()
    consignee.locator("#action-dialog button[type=submit]").click()
    expect(consignee.locator("#box-box21")).to_contain_text(f"Signed by Consignee Test{TAG}")
    expect(consignee.locator("#coi-actions")).to_be_hidden()
    no_sideways_scroll(consignee, "coi-signed")

    # The history: who, for which organisation, when, what changed.
    consignee.get_by_role("link", name="History of the certificate").click()
    rows = consignee.locator("#history-table tbody tr")
    expect(rows).to_have_count(6)                   # create, edit, submit, issue, verify, sign
    expect(rows.nth(1)).to_contain_text(f"12. First consignee: — → Biocoop Rhône {TAG}")
    expect(rows.nth(4)).to_contain_text(f"Authority Test{TAG}")
    expect(rows.nth(4)).to_contain_text("Consignment checked")
    check(consignee, "coi-history-en")
    no_sideways_scroll(consignee, "coi-history")

    # A stranger cannot see it, by link or by number.
    stranger = new_page("en-GB")
    log_in(stranger, stack, "en", people["stranger"]["email"])
    stranger.goto(coi_url.replace("/fr/", "/en/"))
    expect(stranger.locator("#coi-problem")).to_contain_text("There is no such certificate.")
    stranger.goto(f"{stack.url}/en/cois/index.html?number={number}")
    expect(stranger.locator("#coi-summary")).to_have_text("No certificate matches these criteria.")


def test_a_refused_submit_shows_the_errors_next_to_the_boxes(stack, people, new_page, check):
    page = new_page("fr-FR")
    token = csrf(page, stack, people["importer"]["email"])
    boxes = full_boxes(people)
    del boxes["box1"], boxes["box16"]
    boxes["box13"][1].update(net_weight=None, lot="L-1")          # one lot of one producer...
    boxes["box7"] = {"countries_of_origin": ["MA", "TN"]}          # ...from two countries: a warning
    coi = call(page, stack, token, "POST", "/cois", {"boxes": boxes})
    page.goto(f"{stack.url}/fr/cois/view.html?id={coi['id']}")
    expect(page.locator("#box-box7 .warning-text")).to_contain_text("plusieurs pays d'origine pour un seul lot")
    page.get_by_role("button", name="Soumettre à la certification").click()
    page.locator("#action-dialog button[type=submit]").click()
    summary = page.locator("#coi-form .error-summary")
    expect(page.locator("#b-boxes-box1-issuer")).to_be_focused()      # the first box in error
    expect(summary).to_contain_text("Organisme de délivrance – Cette case est obligatoire.")
    expect(page.locator("#box-box1 .field-error")).to_contain_text("Cette case est obligatoire.")
    expect(page.locator("#box-box16 .field-error")).to_contain_text("Cette case est obligatoire.")
    weight = page.locator("#b-boxes-box13-1-net_weight")
    expect(weight).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#box-box13 .field-error")).to_have_count(1)
    check(page, "coi-submit-refused-fr")
    summary.get_by_role("link", name=re.compile("Ligne 2 – Poids net")).click()
    expect(weight).to_be_focused()
    expect(page.locator("#coi-head .js-status")).to_have_text("Brouillon")


def test_a_version_conflict_keeps_what_was_typed(stack, people, new_page):
    first, second = new_page("en-GB"), new_page("en-GB")
    token = csrf(first, stack, people["importer"]["email"])
    coi = call(first, stack, token, "POST", "/cois", {"boxes": full_boxes(people)})
    csrf(second, stack, people["importer"]["email"])
    url = f"{stack.url}/en/cois/view.html?id={coi['id']}"
    first.goto(url)
    second.goto(url)
    first.locator("#b-boxes-box3-national_reference").fill("REF-FIRST")
    first.get_by_role("button", name="Save as draft").click()
    expect(first.locator("#page-status")).to_have_text("Your changes have been saved.")
    second.locator("#b-boxes-box17-identification").fill("MV Second")
    second.get_by_role("button", name="Save as draft").click()
    conflict = second.locator("#coi-conflict")
    expect(conflict).to_contain_text("Someone changed this certificate meanwhile")
    expect(second.locator("#b-boxes-box17-identification")).to_have_value("MV Second")
    conflict.get_by_role("button", name="Reload and keep my changes").click()
    expect(second.locator("#b-boxes-box3-national_reference")).to_have_value("REF-FIRST")
    expect(second.locator("#b-boxes-box17-identification")).to_have_value("MV Second")
    second.get_by_role("button", name="Save as draft").click()
    expect(second.locator("#page-status")).to_have_text("Your changes have been saved.")
    saved = call(second, stack, token, "GET", f"/cois/{coi['id']}")
    assert saved["boxes"]["box3"]["national_reference"] == "REF-FIRST"
    assert saved["boxes"]["box17"]["identification"] == "MV Second"


def test_an_extract_of_a_consignment_released_by_batches(stack, people, new_page, check):
    importer, issuer, authority = new_page("fr-FR"), new_page("fr-FR"), new_page("fr-FR")
    tokens = {key: csrf(page, stack, people[key]["email"])
              for key, page in (("importer", importer), ("issuer", issuer), ("authority", authority))}
    base = call(importer, stack, tokens["importer"], "POST", "/cois", {"boxes": full_boxes(people, batches=True)})
    for page, key, action, body in ((importer, "importer", "submit", {}), (issuer, "issuer", "issue", {}),
                                    (authority, "authority", "verify", {"outcome": "released_for_extracts"})):
        base = call(page, stack, tokens[key], "POST", f"/cois/{base['id']}/{action}",
                    {"version": base["version"], **body})
    assert base["status"] == "base_for_extract"

    importer.goto(f"{stack.url}/fr/cois/view.html?id={base['id']}")
    expect(importer.locator("#coi-head .js-status")).to_have_text("Base pour extrait")
    importer.get_by_role("button", name="Créer un extrait").click()
    expect(importer).to_have_url(re.compile(r"/fr/cois/extract\.html"))
    lines = importer.locator("#extract-lines tbody tr")
    expect(lines.nth(0)).to_contain_text("120 colis, 2400.000 kg")
    check(importer, "coi-extract-fr")
    no_sideways_scroll(importer, "coi-extract")
    importer.locator("#extract-0-packages").fill("20")
    importer.locator("#extract-0-net_weight").fill("2400,001")
    importer.get_by_role("button", name="Créer l'extrait").click()
    expect(importer.locator("#extract-form .error-summary")).to_contain_text("dépassent ce qui reste du lot")
    importer.locator("#extract-0-net_weight").fill("400")
    importer.get_by_role("button", name="Créer l'extrait").click()
    expect(importer).to_have_url(re.compile(r"view\.html\?id=\w+$"))
    expect(importer.locator("#page-status")).to_contain_text("Brouillon d'extrait")
    expect(importer.locator("#coi-head")).to_contain_text("Extrait de :")
    expect(importer.locator("#b-boxes-box13-0-net_weight")).to_have_value("400.000")
    importer.get_by_label("Pour mise en libre pratique par lots").uncheck()     # copied from the base
    choose(importer, "#b-boxes-box12-first_consignee", "Biocoop", f"Biocoop Rhône {TAG}")
    importer.get_by_role("button", name="Soumettre à la certification").click()
    importer.locator("#action-dialog button[type=submit]").click()
    expect(importer.locator("#coi-head .js-status")).to_have_text("Déclaration de l'organisme de délivrance signée")
    check(importer, "coi-extract-submitted-fr")
    # The base links to its extract and keeps what remains.
    importer.locator("#coi-head").get_by_role("link", name=base["number"]).click()
    expect(importer.locator("#coi-head")).to_contain_text("Extraits : extrait 1")
    importer.get_by_role("button", name="Créer un extrait").click()
    expect(importer.locator("#extract-lines tbody tr").nth(0)).to_contain_text("100 colis, 2000.000 kg")


def test_the_public_verification_page_reached_from_the_qr_code(stack, people, new_page, check):
    from chalicelib import config
    from chalicelib.services import certificates

    page = new_page("fr-FR")
    token = csrf(page, stack, people["issuer"]["email"])
    coi = call(page, stack, token, "POST", "/cois", {"boxes": full_boxes(people)})
    coi = call(page, stack, token, "POST", f"/cois/{coi['id']}/issue", {"version": coi["version"]})
    # The link the PDF's QR code carries, built by the same function, for this site.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(certificates.documents, "settings", dataclasses.replace(config.current(), site_url=stack.url))
        link = certificates.verify_url(coi["number"], "en")
    anonymous = new_page("en-GB")
    anonymous.goto(link)
    result = anonymous.locator("#verify-result")
    expect(result.locator("h2")).to_have_text(coi["number"])
    expect(result).to_contain_text("Declaration of the issuing body signed")
    expect(result).to_contain_text("Ecocert SA (MA-BIO-154)")
    expect(result).to_contain_text("Morocco (MA)")
    expect(result).to_contain_text("2400.000 kg")
    expect(result).not_to_contain_text(f"Issuer Test{TAG}")            # nothing about persons
    check(anonymous, "coi-verify-en")
    no_sideways_scroll(anonymous, "verify")
    anonymous.locator("#f-number").fill("COI.EU.FR.2026.9999999")
    anonymous.get_by_role("button", name="Check").click()
    expect(anonymous.locator("#verify-problem")).to_contain_text("No certificate has this number.")
    expect(result).to_be_hidden()
    # Past the rate limit (this client's calls in this minute), the page says to wait.
    for _ in range(2 * certificates.PUBLIC_PER_MINUTE):
        if anonymous.request.get(f"{stack.url}/api/public/cois/{coi['number']}").status == 429:
            break
    anonymous.goto(link.replace("/en/", "/fr/"))
    expect(anonymous.locator("#verify-problem")).to_contain_text("Attendez une minute")
    check(anonymous, "coi-verify-busy-fr")


def test_the_export_certificate_models_by_country_and_product(stack, new_page, check):
    page = new_page("en-GB")
    page.goto(f"{stack.url}/en/export-certificates.html")
    expect(page.locator("#models-count")).to_have_text("Models shown: 31.")
    page.locator("#f-country").select_option(label="Chile")
    expect(page.locator("section[data-country=CL]")).to_be_visible()
    expect(page.locator("section[data-country=CA]")).to_be_hidden()
    page.locator("#f-q").fill("semen")
    expect(page.locator("#models-count")).to_have_text("Models shown: 4.")
    check(page, "export-models-en")
    no_sideways_scroll(page, "export-models")
    page.goto(f"{stack.url}/fr/export-certificates.html")
    page.locator("#f-q").fill("porc")
    expect(page.locator("section[data-country=NZ] li", has_text="Viande de porc")).to_be_visible()
    expect(page.locator("section[data-country=MX] li", has_text="Poussins")).to_be_hidden()
    check(page, "export-models-fr")
