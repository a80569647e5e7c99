"""The public verification page checks a COI's PDF dropped on it (SPEC 3.2): a sealed PDF is
authentic and current, then no longer current once the COI changed; a PDF changed after its
seal is refused; a draft's PDF has no seal."""
import base64
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser import coi_people
from tests.browser.test_coi_journey import call, csrf, full_boxes

TAG = secrets.token_hex(3)


@pytest.fixture(scope="module")
def people(stack) -> dict:
    return coi_people.put(stack, TAG)


def drop(page: Page, document: bytes, name: str = "coi.pdf") -> None:
    """Drops `document` on the page's drop zone as a file dragged from the desktop would be."""
    transfer = page.evaluate_handle("""([data, name]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: "application/pdf" }));
        return transfer;
    }""", [base64.b64encode(document).decode(), name])
    zone = page.locator("#pdf-drop")
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_a_pdf_dropped_on_the_verification_page(stack, people, new_page, check):
    page = new_page("en-GB")
    token = csrf(page, stack, people["issuer"]["email"])
    coi = call(page, stack, token, "POST", "/cois", {"boxes": full_boxes(people)})
    draft = page.request.get(f"{stack.url}/api/cois/{coi['id']}/pdf").body()
    coi = call(page, stack, token, "POST", f"/cois/{coi['id']}/issue", {"version": coi["version"]})
    sealed = page.request.get(f"{stack.url}/api/cois/{coi['id']}/pdf").body()
    page.goto(f"{stack.url}/en/verify.html")
    drop(page, sealed)
    result = page.locator("#pdf-result")
    expect(result.locator("h2")).to_have_text(coi["number"])
    expect(result).to_contain_text("Sealed by TRACES and unchanged since.")
    expect(result).to_contain_text("traces local seal")
    expect(result).to_contain_text("It shows the certificate as it stands now.")
    expect(result).to_have_class("panel success")
    check(page, "verify-pdf-sealed-en")
    drop(page, sealed + b"\n%%changed\n")
    expect(result).to_contain_text("do not rely on this PDF")
    expect(result).to_have_class("panel problem")
    drop(page, draft)
    expect(result).to_contain_text("This PDF carries no seal")
    page.locator("#f-pdf").set_input_files({"name": "notes.pdf", "mimeType": "application/pdf",
                                            "buffer": b"not a pdf"})
    expect(page.locator("#pdf-problem")).to_contain_text("This file is not a PDF.")
    expect(result).to_be_hidden()
    # The COI changes (its replacement is issued): the sealed PDF is no longer its current state.
    replacement = call(page, stack, token, "POST", f"/cois/{coi['id']}/replace", {"version": coi["version"]})
    call(page, stack, token, "POST", f"/cois/{replacement['id']}/issue", {"version": replacement["version"]})
    page.goto(f"{stack.url}/fr/verify.html")
    drop(page, sealed)
    expect(result).to_contain_text("Scellé par TRACES et inchangé depuis.")
    expect(result).to_contain_text("Le certificat a changé depuis que ce PDF a été produit")
    expect(result).to_contain_text("Remplacé")
    check(page, "verify-pdf-replaced-fr")
