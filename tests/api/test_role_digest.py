"""The hourly digest tells the people who decide about the role requests waiting for them."""
from dev import admin
from tests.api.test_authorisations import inao, marie, new_operator_with_request, paul  # noqa: F401 - fixtures

INAO_AGENT = "agent@inao.gouv.fr"


def digests(mailbox, to):
    return [m for m in mailbox.messages(to) if "autorisation à valider" in m["Subject"]]


def test_the_competent_authority_gets_one_digest_naming_each_waiting_request(marie, inao, mailbox):
    new_operator_with_request(marie)
    assert admin.main(["job", "authority_digest"]) == 0
    [digest] = digests(mailbox, INAO_AGENT)
    text = mailbox.text(digest)
    assert "marie.dupont@bio-lyon.fr" in text and "/fr/roles/pending.html" in text


def test_administrators_get_the_requests_of_their_organisation_and_decided_ones_leave(
        marie, paul, mailbox):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    admin.main(["job", "authority_digest"])
    assert len(digests(mailbox, "paul.martin@bio-lyon.fr")) == 1
    assert digests(mailbox, "marie.dupont@bio-lyon.fr") == []
    paul.post(f"/api/authorisations/{request_id}/validate")
    admin.main(["job", "authority_digest"])
    assert len(digests(mailbox, "paul.martin@bio-lyon.fr")) == 1
