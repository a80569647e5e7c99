"""The organisation directory (SPEC 2.1): search, creation with duplicate checks, edits."""
import pytest

from tests.conftest import PASSWORD, activate, register_and_confirm


def operator_person(api, mailbox, authority, new_api, email="marie.dupont@bio-lyon.fr", **overrides):
    """A logged-in operator: registered, confirmed and activated by the DDPP."""
    register_and_confirm(api, mailbox, email, **overrides)
    activate(authority, email)
    person = new_api()
    assert person.log_in(email, PASSWORD).status_code == 200
    return person


def operator(**overrides):
    data = {"name": "Vaysse Import", "country": "FR", "city": "Toulouse", "postal_code": "31300",
            "address": "Rue Imaginaire", "contacts": {"phone": "+33 5 61 00 00 00"},
            "identifiers": [{"type": "eori", "value": "FR123456789"}],
            "activities": ["organic_importer"], "control_body_id": "FR-BIO-01"}
    data.update(overrides)
    return data


@pytest.fixture
def person(api, mailbox, authority, new_api):
    return operator_person(api, mailbox, authority, new_api)


def test_search_needs_a_country(person):
    response = person.get("/api/organisations?q=ecocert")
    assert response.status_code == 400
    assert "country" in response.json_body["error"]["fields"]


def test_search_needs_a_session(api):
    assert api.get("/api/organisations?country=FR").status_code == 401


def test_search_finds_by_code_and_name_and_lists_codes(person):
    found = person.get("/api/organisations?country=FR&kind=control_body&q=ecocert").json_body
    assert [o["id"] for o in found["items"]] == ["FR-BIO-01"]
    item = found["items"][0]
    assert item["codes"] == [{"type": "code", "value": "FR-BIO-01"}]
    assert set(item) >= {"id", "name", "address", "city", "postal_code", "country", "kind",
                         "activities", "codes", "status"}
    by_code = person.get("/api/organisations?country=FR&q=FR-BIO-01").json_body["items"]
    assert [o["id"] for o in by_code] == ["FR-BIO-01"]


def test_search_is_paginated_with_a_cursor(person, monkeypatch):
    from chalicelib.services import organisations

    everything = person.get("/api/organisations?country=FR&kind=control_body").json_body
    assert everything["cursor"] is None and len(everything["items"]) > 3
    monkeypatch.setattr(organisations, "PAGE_SIZE", 3)
    monkeypatch.setattr(organisations, "EVALUATED_PER_PAGE", 4)
    seen, cursor, pages = [], None, 0
    while True:
        page = person.get("/api/organisations?country=FR&kind=control_body"
                          + (f"&cursor={cursor}" if cursor else "")).json_body
        seen += [o["id"] for o in page["items"]]
        pages += 1
        cursor = page["cursor"]
        if not cursor:
            break
    assert pages > 1
    assert seen == [o["id"] for o in everything["items"]]


def test_a_forged_cursor_is_refused(person):
    response = person.get("/api/organisations?country=FR&cursor=bm90LWEta2V5")
    assert response.status_code == 400
    assert "cursor" in response.json_body["error"]["fields"]


def test_search_filters_by_activity_and_section(person):
    assert person.post("/api/organisations", operator()).status_code == 201
    organic = person.get("/api/organisations?country=FR&kind=operator&activity=organic_importer")
    assert [o["name"] for o in organic.json_body["items"]] == ["Vaysse Import"]
    none = person.get("/api/organisations?country=FR&kind=operator&section=veterinary")
    assert none.json_body["items"] == []
    eori = person.get("/api/organisations?country=FR&q=fr123456789").json_body["items"]
    assert [o["name"] for o in eori] == ["Vaysse Import"]


def test_a_person_creates_an_operator_in_status_requested(person):
    response = person.post("/api/organisations", operator())
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["status"] == "requested" and created["kind"] == "operator"
    assert created["validator_id"] == "FR-INAO"
    assert created["sections"] == ["organic"]
    opened = person.get(f"/api/organisations/{created['id']}").json_body
    assert opened["identifiers"] == [{"type": "eori", "value": "FR123456789"}]


def test_an_organic_importer_needs_its_eori(person):
    response = person.post("/api/organisations", operator(identifiers=[]))
    assert response.status_code == 400
    assert "identifiers" in response.json_body["error"]["fields"]


def test_a_malformed_eori_is_refused_with_its_field(person):
    response = person.post("/api/organisations", operator(identifiers=[{"type": "eori", "value": "123"}]))
    assert response.status_code == 400
    assert "identifiers.0.value" in response.json_body["error"]["fields"]


def test_every_bad_field_is_named_and_nothing_is_created(person):
    response = person.post("/api/organisations", operator(
        name="", country="XX", contacts={}, activities=["astrology"], status="valid"))
    assert response.status_code == 400
    fields = response.json_body["error"]["fields"]
    assert {"status", "name", "country", "contacts", "activities"} <= set(fields)  # in one answer
    assert fields["status"] == "Ce champ n'est pas attendu."


def test_an_organic_operator_names_its_control_body(person):
    response = person.post("/api/organisations", operator(control_body_id=None))
    assert "control_body_id" in response.json_body["error"]["fields"]


def test_the_same_identifier_is_refused_even_when_confirmed(person):
    assert person.post("/api/organisations", operator()).status_code == 201
    again = person.post("/api/organisations", operator(name="Other name", city="Lyon",
                                                       postal_code="69002", confirm_duplicate=True))
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "duplicate_identifier"
    found = person.get("/api/organisations?country=FR&kind=operator&q=other").json_body["items"]
    assert found == []


def test_a_similar_name_in_the_same_city_needs_confirmation(person):
    first = person.post("/api/organisations", operator()).json_body
    similar = operator(name="VAYSSE IMPORT SARL", identifiers=[{"type": "eori", "value": "FR999"}])
    response = person.post("/api/organisations", similar)
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "possible_duplicate"
    assert [c["id"] for c in response.json_body["error"]["candidates"]] == [first["id"]]
    confirmed = person.post("/api/organisations", {**similar, "confirm_duplicate": True})
    assert confirmed.status_code == 201


def test_the_same_name_in_another_city_is_no_duplicate(person):
    assert person.post("/api/organisations", operator()).status_code == 201
    other = operator(city="Lyon", postal_code="69002", identifiers=[{"type": "eori", "value": "FR998"}])
    assert person.post("/api/organisations", other).status_code == 201


def test_creation_with_the_request_sends_the_acknowledgement(person, mailbox):
    body = operator(request={"message": "I run the imports", "email": "marie@vaysse.fr"})
    response = person.post("/api/organisations", body)
    assert response.status_code == 201, response.json_body
    assert response.json_body["authorisation"]["status"] == "requested"
    mine = person.get("/api/authorisations").json_body
    assert mine["counts"]["requested"] == 1
    assert "envoyée" in mailbox.last("marie.dupont@bio-lyon.fr")["Subject"]


def test_only_administrators_and_validators_edit(person, new_api):
    created = person.post("/api/organisations", operator()).json_body
    response = person.patch(f"/api/organisations/{created['id']}", {"version": created["version"],
                                                                     "region": "Occitanie"})
    assert response.status_code == 403


def test_the_administrator_edits_and_a_stale_version_is_refused(person):
    mine = person.get("/api/me").json_body
    org_id = mine["organisation"]["id"]
    current = person.get(f"/api/organisations/{org_id}").json_body
    assert current["may_edit"] is True
    response = person.patch(f"/api/organisations/{org_id}", {
        "version": current["version"], "contacts": {"email": "contact@bio-lyon.fr"},
        "activities": ["organic_first_consignee"], "control_body_id": "FR-BIO-01"})
    assert response.status_code == 200, response.json_body
    assert response.json_body["activities"] == ["organic_first_consignee"]
    assert response.json_body["status"] == "valid"
    stale = person.patch(f"/api/organisations/{org_id}", {"version": current["version"],
                                                          "region": "Auvergne-Rhône-Alpes"})
    assert stale.status_code == 409
    bad = person.patch(f"/api/organisations/{org_id}", {"version": current["version"] + 1,
                                                        "activities": ["organic_importer"]})
    assert bad.status_code == 400 and "identifiers" in bad.json_body["error"]["fields"]


@pytest.mark.parametrize("field, value", [
    ("control_body_id", []), ("control_body_id", {"code": "FR-BIO-01"}), ("name", 5),
    ("contacts", "x"), ("identifiers", {}), ("activities", "organic_importer"),
    ("request", {"email": 5}), ("request", {"email": True}),
])
def test_values_of_the_wrong_type_are_refused_field_by_field(person, field, value):
    response = person.post("/api/organisations", operator(**{field: value}))
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["fields"]


def test_a_request_with_an_e_mail_of_the_wrong_type_is_refused(person):
    response = person.post("/api/authorisations", {"organisation_id": "FR-BIO-01", "email": 5})
    assert response.status_code == 400 and "email" in response.json_body["error"]["fields"]
