"""The certificate pages where an outsider tripped (issue 15, SPEC 7), each at the width where it
showed, with the demo people and certificates that `make run` makes (dev/demo_cois.py): a
draft, a signed COI and a base for extracts with the importer's draft extract."""
import re

import pytest
from playwright.sync_api import Page, expect

from dev.admin import DEMO_PEOPLE

PASSWORDS = {email: password for email, password, *_rest in DEMO_PEOPLE}
IMPORTER, CONSIGNEE, AUTHORITY = "importer@demo.example.org", "consignee@demo.example.org", "cca@demo.example.org"


def logged_in(new_page, stack, email: str, locale: str = "fr-FR", width: int = 1280) -> Page:
    """A browser of its own logged in as `email` (the pages ask /api/me for the rest)."""
    page = new_page(locale, width)
    page.csrf = stack.session(page.request, email, PASSWORDS[email])["csrf_token"]   # second step included
    return page


def call(page: Page, stack, method: str, path: str, body: dict | None = None) -> dict:
    response = page.request.fetch(f"{stack.url}/api{path}", method=method, data=body,
                                  headers={"X-CSRF-Token": page.csrf})
    assert response.ok, response.text()
    return response.json()


def demo_coi(page: Page, stack, reference: str) -> dict:
    """The demo COI of that national reference (box 3), as the page's person sees it."""
    found = call(page, stack, "GET", "/cois")["items"]
    for item in found:
        coi = call(page, stack, "GET", f"/cois/{item['id']}")
        if (coi["boxes"].get("box3") or {}).get("national_reference") == reference:
            return coi
    raise AssertionError(f"no demo COI {reference}")


def new_draft(page: Page, stack) -> dict:
    return call(page, stack, "POST", "/cois", {"boxes": {"box13": [
        {"cn_code": "0804 10 00", "trade_name": "Dattes", "unit": "kg"}]}})


def open_coi(page: Page, stack, coi_id: str, lang: str = "fr") -> None:
    page.goto(f"{stack.url}/{lang}/cois/view.html?id={coi_id}")
    expect(page.locator("#coi")).to_be_visible()


def test_a_country_chosen_in_box_7_is_saved_without_pressing_add(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER)
    draft = new_draft(page, stack)
    open_coi(page, stack, draft["id"])
    page.locator("#b-boxes-box7-countries_of_origin").select_option("TN")
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect(page.locator("#page-status")).to_have_text("Vos modifications ont été enregistrées.")
    assert call(page, stack, "GET", f"/cois/{draft['id']}")["boxes"]["box7"]["countries_of_origin"] == ["TN"]
    expect(page.locator("#box-box7 .chips li")).to_have_count(1)


@pytest.mark.parametrize("width", [768, 1024, 1280])
def test_the_coi_page_fits_its_width_read_only_and_editable(stack, new_page, width):
    page = logged_in(new_page, stack, IMPORTER, width=width)
    signed, draft = demo_coi(page, stack, "DEMO-SIGNED"), demo_coi(page, stack, "DEMO-DRAFT")
    for coi in (signed, draft):
        open_coi(page, stack, coi["id"])
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{coi['boxes']['box3']} scrolls sideways at {width} px: {widths}"
        overflowing = page.evaluate("""() => [...document.querySelectorAll('#coi-form fieldset[name]')]
            .filter(f => f.scrollWidth > f.clientWidth + 1)
            .map(f => f.name + ' ' + f.scrollWidth + '/' + f.clientWidth)""")
        assert not overflowing, f"boxes wider than their column at {width} px: {overflowing}"
        # A button's text stays on one or two lines, never one letter a line.
        squeezed = page.evaluate("""() => [...document.querySelectorAll('#coi-form button')]
            .filter(b => b.offsetParent
                && b.getBoundingClientRect().height > 3 * parseFloat(getComputedStyle(b).lineHeight))
            .map(b => b.textContent)""")
        assert not squeezed, f"buttons squeezed at {width} px: {squeezed}"


def test_only_those_who_may_create_a_coi_are_offered_it(stack, new_page):
    consignee = logged_in(new_page, stack, CONSIGNEE)
    consignee.goto(f"{stack.url}/fr/cois/index.html")
    expect(consignee.locator("#coi-table")).to_be_visible()
    expect(consignee.locator("#coi-new")).to_be_hidden()
    expect(consignee.locator("#coi-create-who")).to_contain_text("importateurs, les exportateurs")
    consignee.goto(f"{stack.url}/fr/cois/new.html")
    expect(consignee.locator("#coi-create-who")).to_be_visible()
    expect(consignee.locator("#commodity-form")).to_be_hidden()
    importer = logged_in(new_page, stack, IMPORTER)
    importer.goto(f"{stack.url}/fr/cois/index.html")
    expect(importer.locator("#coi-new")).to_be_visible()
    expect(importer.locator("#coi-create-who")).to_be_hidden()


def test_leaving_the_coi_page_with_unsaved_changes_asks_first(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER)
    draft = new_draft(page, stack)
    open_coi(page, stack, draft["id"])
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.locator("#b-boxes-box3-national_reference").fill("REF-UNSAVED")
    page.get_by_role("link", name="Tous mes certificats").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"view\.html"))
    page.get_by_role("button", name="Enregistrer comme brouillon").click()
    expect(page.locator("#page-status")).to_have_text("Vos modifications ont été enregistrées.")
    page.get_by_role("link", name="Tous mes certificats").click()
    expect(page).to_have_url(re.compile(r"cois/index\.html"))
    assert asked == ["beforeunload"]


def test_a_quantity_over_what_remains_is_marked_on_its_line(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER)
    base = demo_coi(page, stack, "DEMO-BATCHES")
    page.goto(f"{stack.url}/fr/cois/extract.html?id={base['id']}")
    page.locator("#extract-1-packages").fill("9999")
    page.locator("#extract-1-net_weight").fill("10")
    page.get_by_role("button", name="Créer l'extrait").click()
    expect(page.locator("#extract-1-packages")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#extract-form .error-summary")).to_contain_text("Ligne 2")
    expect(page.locator("#extract-1-net_weight")).not_to_have_attribute("aria-invalid", "true")


def test_submitting_an_extract_says_it_is_issued_with_its_base(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER)
    base = demo_coi(page, stack, "DEMO-BATCHES")
    extract = call(page, stack, "POST", f"/cois/{base['id']}/extracts", {
        "version": base["version"], "lines": [{"line": 1, "packages": 10, "net_weight": "100"}],
        "box12": {"first_consignee": "DEMO-FR-CONSIGNEE", "release_by_batches": False}})
    open_coi(page, stack, extract["id"])
    page.get_by_role("button", name="Soumettre à la certification").click()
    dialog = page.locator("#action-dialog")
    expect(dialog).to_contain_text("case 18")
    expect(dialog).not_to_contain_text("va à l'organisme de délivrance")
    dialog.get_by_role("button", name="Soumettre à la certification").click()
    status = page.locator("#page-status")
    expect(status).to_contain_text("délivré aussitôt")
    expect(status).not_to_contain_text("l'organisme de délivrance en a été informé")
    expect(page.locator("#coi-head .js-status")).to_have_text("Déclaration de l'organisme de délivrance signée")


def test_links_between_certificates_show_their_numbers_and_only_open_what_the_viewer_sees(stack, new_page):
    importer = logged_in(new_page, stack, IMPORTER)
    base = demo_coi(importer, stack, "DEMO-BATCHES")
    open_coi(importer, stack, base["extracts"][0])
    links = importer.locator("#coi-head .js-links")
    expect(links.get_by_role("link", name=base["number"])).to_be_visible()          # extract of
    open_coi(importer, stack, base["id"])
    expect(links.get_by_role("link", name=re.compile("extrait 1"))).to_be_visible()  # the importer's draft
    authority = logged_in(new_page, stack, AUTHORITY)
    open_coi(authority, stack, base["id"])
    extracts = authority.locator("#coi-head .js-links li", has_text="Extraits")
    expect(extracts).to_contain_text("extrait 1 : brouillon d'une autre organisation")
    expect(extracts.get_by_role("link", name=re.compile("extrait 1"))).to_have_count(0)   # a draft it may not see
    for href in authority.locator("#coi-head .js-links a").evaluate_all("as => as.map(a => a.href)"):
        authority.goto(href)                                        # every link opens a certificate
        expect(authority.locator("#coi")).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_countries_are_listed_in_the_order_of_the_language(stack, new_page, lang):
    page = logged_in(new_page, stack, IMPORTER, locale=f"{lang}-FR")
    draft = new_draft(page, stack)
    open_coi(page, stack, draft["id"], lang)
    shown = page.locator("#b-boxes-box7-countries_of_origin option").evaluate_all(
        "os => os.filter(o => o.value).map(o => o.textContent)")
    collated = page.evaluate("([names, lang]) => names.slice().sort(new Intl.Collator(lang).compare)", [shown, lang])
    assert shown == collated
    if lang == "fr":
        assert shown.index("Égypte (EG)") < shown.index("Zimbabwe (ZW)")
    page.goto(f"{stack.url}/{lang}/export-certificates.html")
    groups = page.locator("section[data-country] h2").all_text_contents()
    assert groups == page.evaluate("([names, lang]) => names.slice().sort(new Intl.Collator(lang).compare)",
                                   [groups, lang])


def test_the_action_bar_leaves_a_phone_screen_to_the_form(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER, width=375)
    page.set_viewport_size({"width": 375, "height": 800})
    draft = new_draft(page, stack)
    open_coi(page, stack, draft["id"])
    expect(page.locator("#coi-actions button")).to_have_count(3)
    for scrolled in (0, 1500):
        page.evaluate(f"window.scrollTo(0, {scrolled})")
        page.wait_for_timeout(100)
        covered = page.evaluate("""() => { const r = document.getElementById('coi-actions').getBoundingClientRect();
            return Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)); }""")
        bottom = page.evaluate("() => innerHeight + scrollY >= document.documentElement.scrollHeight - 1")
        assert bottom or covered <= 80, f"the action bar covers {covered} of 800 px"


def test_an_empty_registration_names_the_password_confirmation_too(stack, new_page):
    assert stack.state["captcha"] == "true"
    page = new_page("fr-FR")
    page.goto(f"{stack.url}/fr/register.html")
    expect(page.locator("#captcha-image")).to_have_attribute("src", re.compile("^data:image/png"))
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator("#f-password-error")).to_be_visible()
    expect(page.locator("#f-password-confirmation-error")).to_contain_text("Ce champ est obligatoire.")
    expect(page.locator("#f-password-confirmation")).to_have_attribute("aria-invalid", "true")


def test_the_coi_page_without_a_certificate_says_so_and_every_page_has_an_icon(stack, new_page):
    page = logged_in(new_page, stack, IMPORTER)
    page.goto(f"{stack.url}/fr/cois/view.html")
    problem = page.locator("#coi-problem")
    expect(problem).to_contain_text("Cette adresse ne désigne aucun certificat")
    expect(problem.get_by_role("link", name="Retour à la liste des certificats")).to_be_visible()
    icon = page.request.get(f"{stack.url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{stack.url}{href}").status == 200
