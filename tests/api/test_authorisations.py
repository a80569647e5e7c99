"""Roles in organisations (SPEC 2.2): requests, who validates, decisions, e-mails, access."""
import pytest

from tests.api.test_organisations import operator, operator_person
from tests.conftest import PASSWORD, staff

INAO = ("agent@inao.gouv.fr", "Montreuil-Bio-2026!", "FR-INAO")
COMMISSION = ("admin@traces.europa.eu", "Bruxelles-Traces-2026!", "EU-COMMISSION")


@pytest.fixture
def marie(api, mailbox, authority, new_api):
    return operator_person(api, mailbox, authority, new_api)


@pytest.fixture
def paul(api, mailbox, authority, new_api):
    return operator_person(new_api(), mailbox, authority, new_api, "paul.martin@bio-lyon.fr",
                           organisation={"name": "Paul Bio", "address": "1 rue Neuve",
                                         "postal_code": "69003", "city": "Lyon", "country": "FR"})


@pytest.fixture
def inao(aws, new_api):
    return staff(new_api, INAO)


def new_operator_with_request(person):
    response = person.post("/api/organisations", operator(request={"message": "Bonjour"}))
    assert response.status_code == 201, response.json_body
    return response.json_body["id"], response.json_body["authorisation"]["id"]


def test_inao_validates_a_new_organic_operator_and_its_first_person_becomes_administrator(
        marie, inao, mailbox):
    org_id, request_id = new_operator_with_request(marie)
    pending = inao.get("/api/authorisations/pending").json_body
    assert [p["id"] for p in pending] == [request_id]
    assert pending[0]["requester_email"] == "marie.dupont@bio-lyon.fr"
    response = inao.post(f"/api/authorisations/{request_id}/validate")
    assert response.status_code == 200, response.json_body
    assert response.json_body == {"id": request_id, "status": "valid", "administrator": True}
    organisation = marie.get(f"/api/organisations/{org_id}").json_body
    assert organisation["status"] == "valid" and organisation["administrator_count"] == 1
    message = mailbox.last("marie.dupont@bio-lyon.fr")
    assert "validé" in message["Subject"] and "administrateur" in mailbox.text(message)
    assert inao.get("/api/authorisations/pending").json_body == []
    mine = marie.get("/api/authorisations").json_body
    assert mine["counts"]["valid"] == 2


def test_a_request_for_a_known_organisation_and_the_second_one_is_refused(marie, paul, mailbox):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    response = marie.post("/api/authorisations", {"organisation_id": paul_org, "message": "Hi",
                                                  "phone": "+33 4 00 00 00 00"})
    assert response.status_code == 201
    assert response.json_body["status"] == "requested"
    assert "envoyée" in mailbox.last("marie.dupont@bio-lyon.fr")["Subject"]
    again = marie.post("/api/authorisations", {"organisation_id": paul_org})
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "already_requested"


def test_a_request_for_an_organisation_where_one_holds_a_role_is_refused(marie):
    mine = marie.get("/api/me").json_body["organisation"]["id"]
    assert marie.post("/api/authorisations", {"organisation_id": mine}).status_code == 409


def test_one_role_type_per_person(marie):
    response = marie.post("/api/authorisations", {"organisation_id": "FR-BIO-01"})
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "one_role_type"


def test_unknown_fields_and_organisations(marie):
    assert marie.post("/api/authorisations", {"organisation_id": "FR-BIO-01",
                                              "status": "valid"}).status_code == 400
    assert marie.post("/api/authorisations", {"organisation_id": "nope"}).status_code == 404
    bad = marie.post("/api/authorisations", {"organisation_id": "FR-BIO-01", "email": "x@"})
    assert bad.status_code == 400 and "email" in bad.json_body["error"]["fields"]


def test_the_administrators_validate_requests_of_their_organisation(marie, paul, mailbox):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    pending = paul.get("/api/authorisations/pending").json_body
    assert [p["id"] for p in pending] == [request_id]
    assert marie.get("/api/authorisations/pending").json_body == []
    response = paul.post(f"/api/authorisations/{request_id}/validate")
    assert response.json_body == {"id": request_id, "status": "valid", "administrator": False}
    assert "validé" in mailbox.last("marie.dupont@bio-lyon.fr")["Subject"]


def test_nobody_validates_their_own_request(new_api, aws):
    commission = staff(new_api, COMMISSION)
    request_id = commission.post("/api/authorisations",
                                 {"organisation_id": "FR-DDPP-01"}).json_body["id"]
    assert [p["id"] for p in commission.get("/api/authorisations/pending").json_body] == []
    response = commission.post(f"/api/authorisations/{request_id}/validate")
    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "own_request"


def test_a_stranger_may_not_decide(marie, paul, inao):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    assert inao.post(f"/api/authorisations/{request_id}/validate").status_code == 403
    assert inao.post(f"/api/authorisations/{request_id}/withdraw").status_code == 403


def test_reject_with_a_reason_is_notified_and_final(marie, paul, mailbox):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    response = paul.post(f"/api/authorisations/{request_id}/reject", {"reason": "Inconnue ici"})
    assert response.json_body["status"] == "rejected"
    message = mailbox.last("marie.dupont@bio-lyon.fr")
    assert "rejetée" in message["Subject"] and "Inconnue ici" in mailbox.text(message)
    assert paul.post(f"/api/authorisations/{request_id}/validate").status_code == 409


def test_the_requester_withdraws_and_may_ask_again(marie, paul):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    assert marie.post(f"/api/authorisations/{request_id}/withdraw").json_body["status"] == "withdrawn"
    assert marie.get("/api/authorisations").json_body["counts"]["withdrawn"] == 1
    assert marie.post("/api/authorisations", {"organisation_id": paul_org}).status_code == 201


def test_unknown_authorisation_answers_401_then_404(api, marie):
    assert api.post("/api/authorisations/" + "0" * 32 + "/validate").status_code == 401
    assert marie.post("/api/authorisations/" + "0" * 32 + "/validate").status_code == 404


def test_suspend_and_reinstate_with_the_administrator_flag(marie, paul, mailbox, new_api):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    paul.post(f"/api/authorisations/{request_id}/validate")
    granted = paul.post(f"/api/authorisations/{request_id}/administrator", {"administrator": True})
    assert granted.json_body["administrator"] is True
    assert paul.get(f"/api/organisations/{paul_org}").json_body["administrator_count"] == 2
    suspended = paul.post(f"/api/authorisations/{request_id}/suspend", {"reason": "Départ"})
    assert suspended.json_body["status"] == "suspended"
    assert "suspendu" in mailbox.last("marie.dupont@bio-lyon.fr")["Subject"]
    assert paul.get(f"/api/organisations/{paul_org}").json_body["administrator_count"] == 1
    # Her sessions end; logged in again, she no longer administers Paul's organisation.
    assert marie.get("/api/me").status_code == 401
    assert marie.log_in("marie.dupont@bio-lyon.fr", PASSWORD).status_code == 200
    assert marie.get(f"/api/organisations/{paul_org}").json_body["may_edit"] is False
    reinstated = paul.post(f"/api/authorisations/{request_id}/reinstate")
    assert reinstated.json_body == {"id": request_id, "status": "valid", "administrator": True}
    assert paul.get(f"/api/organisations/{paul_org}").json_body["administrator_count"] == 2
    removed = paul.post(f"/api/authorisations/{request_id}/administrator", {"administrator": False})
    assert removed.json_body["administrator"] is False


def test_a_suspended_authority_role_loses_the_back_office(authority, new_api, aws):
    agent = staff(new_api, ("second@ddpp69.gouv.fr", "Rhone-Valley-2027!", "FR-DDPP-69"))
    assert agent.get("/api/authority/accounts").status_code == 200
    role = agent.get("/api/authorisations").json_body["items"][0]
    assert role["administrator"] is False
    response = authority.post(f"/api/authorisations/{role['id']}/suspend")
    assert response.status_code == 200, response.json_body
    assert agent.log_in("second@ddpp69.gouv.fr", "Rhone-Valley-2027!").status_code == 200
    assert agent.get("/api/authority/accounts").status_code == 403


def test_me_still_lists_the_roles_with_counts(marie, paul):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    marie.post("/api/authorisations", {"organisation_id": paul_org})
    me = marie.get("/api/me").json_body
    assert me["authorisation_counts"] == {"valid": 1, "requested": 1}


def test_the_competent_authority_suspends_a_role_given_at_registration(marie, authority, mailbox):
    role = marie.get("/api/authorisations").json_body["items"][0]
    response = authority.post(f"/api/authorisations/{role['id']}/suspend", {"reason": "Contrôle"})
    assert response.status_code == 200, response.json_body
    assert "suspendu" in mailbox.last("marie.dupont@bio-lyon.fr")["Subject"]


def test_administrators_do_not_see_requests_made_at_registration(paul, api, mailbox, authority):
    from tests.conftest import register_and_confirm

    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    register_and_confirm(api, mailbox, "lea@bio-lyon.fr", organisation={"id": paul_org})
    assert paul.get("/api/authorisations/pending").json_body == []


def test_validators_list_the_valid_and_suspended_roles_they_may_act_on(marie, paul):
    paul_org = paul.get("/api/me").json_body["organisation"]["id"]
    request_id = marie.post("/api/authorisations", {"organisation_id": paul_org}).json_body["id"]
    paul.post(f"/api/authorisations/{request_id}/validate")
    assert [p["id"] for p in paul.get("/api/authorisations/pending?status=valid").json_body] == [request_id]
    paul.post(f"/api/authorisations/{request_id}/suspend", {"reason": "Départ"})
    assert paul.get("/api/authorisations/pending?status=valid").json_body == []
    suspended = paul.get("/api/authorisations/pending?status=suspended").json_body
    assert [p["id"] for p in suspended] == [request_id]
    assert paul.get("/api/authorisations/pending?status=rejected").status_code == 400
    assert paul.get("/api/authorisations/pending?role=x").status_code == 400
