"""The local system (`make run`'s stack) delivers webhooks: through moto's SQS and the delivery
process dev.run starts, a signed event reaches a receiver on 127.0.0.1 (allowed there by
TRACES_WEBHOOK_LOOPBACK, which the stack of the browser tests turns on)."""
import re
import time

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
