"""The local system (`make run`'s stack) delivers webhooks: through moto's SQS and the delivery
process dev.run starts, a signed event reaches a receiver on 127.0.0.1 (allowed there by
TRACES_WEBHOOK_LOOPBACK, which the stack of the browser tests turns on)."""
import re
import time

from tests.browser.conftest import press_enter
from tests.browser.test_local_stack_concurrency import Client
from tests.webhook_receiver import Receiver

PASSWORD = "Crochet-Import-2026!"


def test_the_local_system_delivers_signed_webhooks_to_a_receiver_on_this_machine(stack):
    created = stack.admin("create-organisation", "FR-OP-HOOKS-1", "--kind", "operator",
                          "--name", "Crochet Import", "--country", "FR", "--city", "Lyon",
                          "--postal-code", "69002", "--activities", "organic_importer",
                          "--eori", "FR12345678999", "--control-body", "FR-BIO-01")
    organisation = re.search(r": (\S+) \(", created).group(1)
    stack.admin("create-user", "hooks@crochet.example.fr", "--password", PASSWORD,
                "--organisation", "FR-OP-HOOKS-1")
    administrator = Client(stack.url)
    assert administrator.log_in("hooks@crochet.example.fr", PASSWORD) == 200
    receiver = Receiver()
    try:
        status, endpoint = administrator.call("POST", f"/organisations/{organisation}/webhooks",
                                              {"url": receiver.url, "events": ["coi.submitted"]})
        assert status == 201, endpoint
        receiver.secret = endpoint["secret"]
        status, ping = administrator.call("POST", f"/organisations/{organisation}/webhooks/{endpoint['id']}/ping")
        assert status == 202, ping
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.5)
        assert [(r["body"]["id"], r["verified"]) for r in receiver.received] == [(ping["event_id"], True)]
        status, log = administrator.call("GET", f"/organisations/{organisation}/webhooks/{endpoint['id']}/deliveries")
        assert status == 200 and [(a["type"], a["status"]) for a in log["items"]] == [("ping", 200)]
    finally:
        receiver.close()


def test_an_administrator_manages_keys_and_webhooks_on_the_organisation_page(stack, new_page, check):
    import urllib.error
    import urllib.request
    from datetime import date, timedelta

    from playwright.sync_api import expect

    created = stack.admin("create-organisation", "FR-OP-HOOKS-2", "--kind", "operator",
                          "--name", "Maille Import", "--country", "FR", "--city", "Lyon",
                          "--postal-code", "69002", "--activities", "organic_importer",
                          "--eori", "FR12345678998", "--control-body", "FR-BIO-01")
    organisation = re.search(r": (\S+) \(", created).group(1)
    stack.admin("create-user", "hooks@maille.example.fr", "--password", PASSWORD,
                "--organisation", "FR-OP-HOOKS-2")

    def status_with(key: str) -> int:
        request = urllib.request.Request(f"{stack.url}/api/cois", headers={"Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    page = new_page("en-GB")
    page.goto(f"{stack.url}/en/login.html")
    page.locator("#f-email").fill("hooks@maille.example.fr")
    page.locator("#f-password").fill(PASSWORD)
    press_enter(page, "#f-password")
    expect(page).not_to_have_url(re.compile(r"login\.html"))
    page.goto(f"{stack.url}/en/roles/organisation.html?id={organisation}")
    expect(page.locator("#org-keys")).to_be_visible()
    check(page, "organisation-keys-and-webhooks")

    keys = page.locator("#key-form")
    keys.get_by_label("Name").fill("ERP")
    keys.get_by_label("Access").select_option("write")
    keys.get_by_label("Last day of use").fill((date.today() + timedelta(days=90)).isoformat())
    keys.get_by_role("button", name="Create the key").click()
    expect(page.locator("#key-secret")).to_be_visible()
    key = page.locator("#key-secret .js-secret").inner_text()
    assert key.startswith(f"trc_{organisation}.") and status_with(key) == 200
    page.get_by_role("button", name="Revoke ERP").click()
    expect(page.locator(".js-keys")).to_contain_text("Revoked")
    assert status_with(key) == 401

    receiver = Receiver()
    try:
        hooks = page.locator("#hook-form")
        hooks.get_by_label("Address (https://)").fill(receiver.url)
        hooks.get_by_label("Certificate issued").check()
        hooks.get_by_role("button", name="Add the webhook").click()
        expect(page.locator("#hook-secret")).to_be_visible()
        receiver.secret = page.locator("#hook-secret .js-secret").inner_text()
        page.get_by_role("button", name="Send a test event").click()
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.5)
        assert [(r["body"]["type"], r["verified"]) for r in receiver.received] == [("ping", True)]
        page.get_by_role("button", name="Deliveries").click()
        expect(page.locator(".js-attempts")).to_contain_text("ping")
        expect(page.locator(".js-attempts")).to_contain_text("200")
        check(page, "organisation-webhook-deliveries")
    finally:
        receiver.close()
