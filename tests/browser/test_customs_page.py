"""The customs check page (SPEC 3.3): a French customs officer, past the second step of the
login, checks a released COI by its number, is refused a wrong MRN next to its field, records a
write-off (a French decimal comma), sees what remains, and cancels it when the declaration is
invalidated. A person of another member state's customs learns nothing of the COI."""
import json
import re
import secrets
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, finish_login, press_enter
from tests.browser.coi_people import PASSWORD
from tests.browser.test_coi_journey import call, csrf, full_boxes

TAG = secrets.token_hex(3)
CUSTOMS = f"douane.{TAG}@douane.example.fr"
GERMAN = f"zoll.{TAG}@zoll.example.de"
MRN = "26FR00000000000010"            # its ISO 6346 check character is 0
WRONG_MRN = "26FR00000000000011"


@pytest.fixture(scope="module")
def released(stack, browser) -> str:
    """The number of a COI released in France (verified as `released`), made through the API by
    its parties; the customs people are made by `dev.admin create-user`."""
    done = subprocess.run([sys.executable, "-m", "tests.browser.coi_people", TAG], cwd=ROOT,
                          env=stack.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    people = json.loads(done.stdout)
    for email, code in ((CUSTOMS, "FR-CUSTOMS"), (GERMAN, "DE-CUSTOMS")):
        stack.admin("create-user", email, "--password", PASSWORD, "--organisation", code)
    pages = {}
    for key in ("importer", "issuer", "authority"):
        context = browser.new_context()
        page = context.new_page()
        pages[key] = (page, csrf(page, stack, people[key]["email"]))
    page, token = pages["importer"]
    coi = call(page, stack, token, "POST", "/cois", {"boxes": full_boxes(people)})
    coi = call(page, stack, token, "POST", f"/cois/{coi['id']}/submit", {"version": coi["version"]})
    page, token = pages["issuer"]
    coi = call(page, stack, token, "POST", f"/cois/{coi['id']}/issue", {"version": coi["version"]})
    page, token = pages["authority"]
    coi = call(page, stack, token, "POST", f"/cois/{coi['id']}/verify",
               {"version": coi["version"], "outcome": "released"})
    for page, _ in pages.values():
        page.context.close()
    return coi["number"]


def log_in(page: Page, stack, email: str) -> None:
    page.goto(f"{stack.url}/fr/login.html")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(PASSWORD)
    press_enter(page, "#f-password")
    finish_login(page, stack, email)


def test_customs_check_record_and_cancel_a_write_off(stack, released, new_page, check):
    page = new_page("fr-FR")
    log_in(page, stack, CUSTOMS)
    expect(page).to_have_url(re.compile(r"/fr/customs/index\.html"))          # where customs start
    expect(page.get_by_role("link", name="Contrôle douanier")).to_be_visible()
    page.locator("#f-number").fill(released.lower())
    page.get_by_role("button", name="Vérifier").click()
    result = page.locator("#customs-result")
    expect(result.locator("#customs-title")).to_have_text(released)
    expect(result.locator(".js-releasable")).to_contain_text("Mise en libre pratique possible")
    rows = page.locator("#lines-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2400.000 kg")
    check(page, "customs-check-fr")

    page.locator("#f-w0").fill("200,5")
    page.locator("#f-mrn").fill(WRONG_MRN)
    page.get_by_role("button", name="Enregistrer l'imputation").click()
    expect(page.locator("#f-mrn-error")).to_contain_text("caractère de contrôle")
    expect(page.locator("#f-mrn")).to_be_focused()
    page.locator("#f-mrn").fill(MRN)
    page.locator("#f-w1").fill("600")                                          # more than line 2 holds
    page.get_by_role("button", name="Enregistrer l'imputation").click()
    expect(page.locator("#f-w1-error")).to_contain_text("reste")
    page.locator("#f-w1").fill("")
    page.get_by_role("button", name="Enregistrer l'imputation").click()
    expect(page.locator("#page-status")).to_contain_text(f"L'imputation sur la déclaration {MRN} est enregistrée")
    expect(rows.nth(0)).to_contain_text("200.500 kg")
    expect(rows.nth(0)).to_contain_text("2199.500 kg")
    listed = page.locator("#write-offs-table tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.nth(0)).to_contain_text(MRN)
    expect(listed.nth(0)).to_contain_text("Imputé")
    check(page, "customs-written-off-fr")

    listed.nth(0).get_by_role("button", name=f"Annuler l'imputation de la déclaration {MRN}").click()
    expect(page.locator("#page-status")).to_contain_text("annulée")
    expect(rows.nth(0)).to_contain_text("2400.000 kg")
    expect(listed.nth(0)).to_contain_text("Annulée")
    expect(listed.nth(0).get_by_role("button")).to_have_count(0)
    page.reload()                                                              # the number stays in the address
    expect(page.locator("#customs-title")).to_have_text(released)


def test_customs_of_another_member_state_learn_nothing(stack, released, new_page):
    page = new_page("fr-FR")
    log_in(page, stack, GERMAN)
    page.goto(f"{stack.url}/fr/customs/index.html?number={released}")
    expect(page.locator("#customs-problem")).to_contain_text("Aucun certificat de ce numéro")
    expect(page.locator("#customs-result")).to_be_hidden()
