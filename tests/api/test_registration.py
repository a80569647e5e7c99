"""Registration (SPEC 1.1) and the competent authority (SPEC 1.3)."""
import json

import pytest

from tests.api.conftest import (UNKNOWN_ID, error_code, error_fields, logged_in, make_valid,
                                stored, subjects)
from tests.conftest import PASSWORD, register_and_confirm, registration, staff

EMAIL = "marie.dupont@bio-lyon.fr"
NEW_ORGANISATION = {"name": "Bio Import Lyon", "address": "12 quai Perrache",
                    "postal_code": "69002", "city": "Lyon", "country": "FR"}


def organisation(**changes) -> dict:
    fields = dict(NEW_ORGANISATION, **changes)
    return {k: v for k, v in fields.items() if v is not None}


def password_case(password: str) -> dict:
    return {"password": password, "password_confirmation": password}


def email_case(address: str) -> dict:
    return {"email": address, "email_confirmation": address}


# (overrides of a good registration, the field the error names)
BAD_FIELDS = {
    "email syntax": (email_case("marie.dupont.bio-lyon.fr"), "email"),
    "email over 254 characters": (email_case("m" * 64 + "@" + ".".join(["d" * 60] * 3) + ".example.fr"), "email"),
    "email confirmation differs": ({"email_confirmation": "marie.dupond@bio-lyon.fr"}, "email_confirmation"),
    "password under 10 characters": (password_case("Gre-2026!"), "password"),
    "password without upper-case": (password_case("grenoble-alpes-2026!"), "password"),
    "password without digit": (password_case("Grenoble-Alpes-!!"), "password"),
    "password without special character": (password_case("GrenobleAlpes2026"), "password"),
    "password over 128 characters": (password_case("Grenoble-2026!" + "a" * 120), "password"),
    "password contains the e-mail's local part": (password_case("Marie.Dupont-2026!"), "password"),
    "well-known password": (password_case("Password123!"), "password"),
    "password confirmation differs": ({"password_confirmation": "Grenoble-Alpes-2027!"}, "password_confirmation"),
    "unknown secret question": ({"secret_question_id": 99}, "secret_question_id"),
    "secret answer of 1 character": ({"secret_answer": "M"}, "secret_answer"),
    "secret answer over 100 characters": ({"secret_answer": "M" * 101}, "secret_answer"),
    "first name empty": ({"first_name": ""}, "first_name"),
    "first name over 100 characters": ({"first_name": "M" * 101}, "first_name"),
    "last name with a control character": ({"last_name": "Du\x07pont"}, "last_name"),
    "first name with CR/LF": ({"first_name": "Marie\r\nBcc: victim@example.org"}, "first_name"),
    "unknown language": ({"language": "de"}, "language"),
    "unknown notification format": ({"notification_format": "pdf"}, "notification_format"),
    "phone with letters": ({"phone": "call me maybe"}, "phone"),
    "additional information over 1000 characters": ({"additional_info": "x" * 1001}, "additional_info"),
    "organisation missing": ({"organisation": None}, "organisation"),
    "unknown organisation id": ({"organisation": {"id": UNKNOWN_ID}}, "organisation"),
    "new organisation incomplete": ({"organisation": {"country": "FR"}},
                                    ("organisation.name", "organisation.address", "organisation.city",
                                     "organisation.postal_code")),
    "unknown country": ({"organisation": organisation(country="XX")}, "organisation.country"),
    "French postal code of 4 digits": ({"organisation": organisation(postal_code="6900")}, "organisation.postal_code"),
}


def assert_nothing_was_created(api, mailbox):
    """No e-mail went out, and the address is still free: a good registration works."""
    assert mailbox.messages() == []
    response = api.post("/api/accounts", registration(EMAIL))
    assert response.status_code == 202
    assert subjects(mailbox, EMAIL) == ["Demande de confirmation"]


def test_registration_answers_202_new_and_sends_the_confirmation_request(api, mailbox):
    response = api.post("/api/accounts", registration(EMAIL))
    assert response.status_code == 202
    assert response.json_body == {"status": "new"}
    assert subjects(mailbox, EMAIL) == ["Demande de confirmation"]
    assert "token=" in mailbox.text(mailbox.last(EMAIL))
    assert stored(EMAIL).status == "new"


@pytest.mark.parametrize("overrides, field", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_each_bad_field_is_named_and_nothing_is_created(api, mailbox, overrides, field):
    response = api.post("/api/accounts", registration(EMAIL, **overrides))
    assert response.status_code == 400, response.json_body
    assert error_code(response) == "invalid_input"
    for name in (field if isinstance(field, tuple) else (field,)):
        assert name in error_fields(response), error_fields(response)
    assert_nothing_was_created(api, mailbox)


def test_each_password_rule_says_what_is_wrong(new_api, mailbox):
    english = new_api("en")
    expected = {
        "Gre-2026!": "The password must have at least 10 characters.",
        "grenoble-alpes-2026!": "The password must contain an upper-case letter.",
        "Grenoble-Alpes-!!": "The password must contain a digit.",
        "GrenobleAlpes2026": "The password must contain a special character.",
        "Grenoble-2026!" + "a" * 120: "The password must have at most 128 characters.",
        "Marie.Dupont-2026!": "The password must not contain your e-mail address.",
        "PassWord123!": "This password is too well known; choose another one.",   # any case
    }
    for password, message in expected.items():
        response = english.post("/api/accounts", registration(EMAIL, **password_case(password)))
        assert error_fields(response) == {"password": message}, password
    assert mailbox.messages() == []


def test_every_bad_field_is_reported_at_once(api, mailbox):
    response = api.post("/api/accounts", registration(
        EMAIL, email_confirmation="other@bio-lyon.fr", first_name="", language="de",
        organisation=organisation(postal_code="6900")))
    assert response.status_code == 400
    assert set(error_fields(response)) == {"email_confirmation", "first_name", "language",
                                           "organisation.postal_code"}


def test_error_messages_follow_the_request_language(new_api, mailbox):
    english = new_api("en")
    response = english.post("/api/accounts", registration(EMAIL, first_name=""))
    assert response.json_body["error"]["fields"]["first_name"] == "This field is required."
    assert response.headers["Content-Language"] == "en"


def test_optional_fields_may_be_left_out(api, mailbox):
    data = registration(EMAIL)
    for field in ("phone", "language", "notification_format"):
        del data[field]
    assert api.post("/api/accounts", data).status_code == 202
    account = stored(EMAIL)
    assert (account.language, account.notification_format, account.phone) == ("fr", "html", None)


def test_unknown_json_fields_are_rejected(api, mailbox):
    for extra in ({"status": "valid"}, {"role": "authority"}, {"administrator": True},
                  {"organisation": organisation(status="valid")}):
        response = api.post("/api/accounts", dict(registration(EMAIL), **extra))
        assert response.status_code == 400
        assert error_fields(response).keys() & {"status", "role", "administrator", "organisation.status"}
    assert_nothing_was_created(api, mailbox)


def test_a_body_that_is_not_a_json_object_is_rejected(api, mailbox):
    for raw in ("{not json", "[]", '"text"', "null", "\xff\xfe"):
        response = api.post("/api/accounts", raw=raw)
        assert response.status_code == 400, raw
        assert error_code(response) == "invalid_input"
    assert_nothing_was_created(api, mailbox)


def test_a_body_over_16_kib_is_rejected_with_413(api, mailbox):
    body = json.dumps(registration(EMAIL, additional_info="x" * 16_400))
    assert len(body) > 16 * 1024
    response = api.post("/api/accounts", raw=body)
    assert response.status_code == 413
    assert error_code(response) == "too_large"
    assert_nothing_was_created(api, mailbox)


def test_a_body_just_under_the_limit_is_read(api, mailbox):
    response = api.post("/api/accounts", raw=json.dumps(registration(EMAIL, additional_info="x" * 15_000)))
    assert response.status_code == 400          # too much information, but read and answered
    assert set(error_fields(response)) == {"additional_info"}


def test_the_same_email_twice_gets_the_same_answer_and_creates_nothing(api, mailbox, authority):
    first = api.post("/api/accounts", registration(EMAIL))
    second = api.post("/api/accounts", registration(
        EMAIL, first_name="Mallory", password="Another-Secret-99!", password_confirmation="Another-Secret-99!",
        organisation=organisation(name="Fake Imports", postal_code="69007")))
    assert (second.status_code, second.json_body) == (first.status_code, first.json_body) == (202, {"status": "new"})
    assert subjects(mailbox, EMAIL) == ["Demande de confirmation",
                                        "Tentative d'inscription avec votre adresse électronique"]
    found = authority.get(f"/api/authority/accounts?email={EMAIL}").json_body
    assert len(found) == 1
    assert (found[0]["first_name"], found[0]["organisation"]) == ("Marie", "Bio Import Lyon")
    assert authority.get("/api/authority/accounts?organisation=fake").json_body == []


def test_a_known_email_of_a_valid_account_gets_the_same_answer(api, mailbox, authority):
    make_valid(api, mailbox, authority, EMAIL)
    response = api.post("/api/accounts", registration(EMAIL, first_name="Mallory"))
    assert (response.status_code, response.json_body) == (202, {"status": "new"})
    assert mailbox.last(EMAIL)["Subject"] == "Tentative d'inscription avec votre adresse électronique"
    assert stored(EMAIL).status == "valid"


def test_registration_attempt_notices_are_limited_to_five_an_hour(api, mailbox):
    for _ in range(8):
        assert api.post("/api/accounts", registration(EMAIL)).status_code == 202
    assert subjects(mailbox, EMAIL).count("Tentative d'inscription avec votre adresse électronique") == 5


def test_the_email_is_normalised_so_domain_case_and_spaces_name_the_same_account(api, mailbox, authority):
    response = api.post("/api/accounts", registration("  marie.dupont@BIO-Lyon.FR ", email_confirmation=EMAIL))
    assert response.status_code == 202
    assert subjects(mailbox, EMAIL) == ["Demande de confirmation"]
    assert stored(EMAIL).email == EMAIL
    assert api.post("/api/accounts", registration("marie.dupont@bio-lyon.FR")).status_code == 202
    assert subjects(mailbox, EMAIL)[-1] == "Tentative d'inscription avec votre adresse électronique"
    assert len(authority.get("/api/authority/accounts?email=marie.dupont").json_body) == 1


def test_the_local_part_of_the_email_keeps_its_case(api, mailbox):
    assert api.post("/api/accounts", registration("Marie.Dupont@Bio-Lyon.fr")).status_code == 202
    assert stored("Marie.Dupont@bio-lyon.fr").email == "Marie.Dupont@bio-lyon.fr"


def test_an_internationalised_domain_is_stored_idna_encoded(api, mailbox):
    assert api.post("/api/accounts", registration("marie@bücher.fr")).status_code == 202
    assert stored("marie@xn--bcher-kva.fr") is not None


def test_a_registration_with_a_postal_code_of_lyon_is_for_the_ddpp_of_the_rhone(api, mailbox, authority):
    register_and_confirm(api, mailbox, EMAIL)
    found = authority.get("/api/authority/accounts").json_body
    assert [a["email"] for a in found if a["status"] == "confirmed"] == [EMAIL]
    assert stored(EMAIL).authority_id == "FR-DDPP-69"


@pytest.mark.parametrize("postal_code, city, code, agent_email", [
    ("20100", "Sartène", "FR-DDPP-2A", "agent@ddpp2a.gouv.fr"),
    ("20200", "Bastia", "FR-DDPP-2B", "agent@ddpp2b.gouv.fr"),
    ("97400", "Saint-Denis", "FR-DDPP-974", "agent@daaf974.gouv.fr"),
])
def test_the_competent_authority_follows_the_postal_code(api, mailbox, authority, new_api,
                                                         postal_code, city, code, agent_email):
    agent = staff(new_api, (agent_email, "Island-Office-2026!", code))
    register_and_confirm(api, mailbox, EMAIL, organisation=organisation(postal_code=postal_code, city=city))
    found = agent.get(f"/api/authority/accounts?email={EMAIL}").json_body
    assert [(a["email"], a["postal_code"], a["status"]) for a in found] == [(EMAIL, postal_code, "confirmed")]
    # ...and not for the Rhône.
    assert authority.get(f"/api/authority/accounts?email={EMAIL}").json_body == []
    assert authority.get(f"/api/authority/accounts/{found[0]['id']}").status_code == 404


def test_an_organisation_abroad_is_for_its_central_competent_authority(api, mailbox, authority, new_api):
    agent = staff(new_api, ("agent@bmel.bund.de", "Berlin-Mitte-2026!", "DE-CCA"))
    register_and_confirm(api, mailbox, EMAIL, organisation=organisation(
        postal_code="10115", city="Berlin", country="DE", address="Unter den Linden 1"))
    assert [a["email"] for a in agent.get("/api/authority/accounts?status=confirmed").json_body] == [EMAIL]
    assert authority.get("/api/authority/accounts?status=confirmed").json_body == []


def test_the_agent_password_must_not_contain_the_local_part_of_its_email(aws):
    from dev import admin

    assert admin.main(["create-user", "corsica@ddpp2a.gouv.fr", "--password", "Corsica-2026!",
                       "--organisation", "FR-DDPP-2A"]) == 2
    assert stored("corsica@ddpp2a.gouv.fr") is None


def test_an_agent_of_another_authority_gets_404_on_an_account_outside_its_jurisdiction(
        api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, EMAIL)
    ident = authority.get(f"/api/authority/accounts?email={EMAIL}").json_body[0]["id"]
    corsica = staff(new_api, ("agent@ddpp2a.gouv.fr", "Island-Office-2026!", "FR-DDPP-2A"))
    assert corsica.get(f"/api/authority/accounts?email={EMAIL}").json_body == []
    attempts = [
        corsica.get(f"/api/authority/accounts/{ident}"),
        corsica.patch(f"/api/authority/accounts/{ident}", {"first_name": "Mallory"}),
        corsica.post(f"/api/authority/accounts/{ident}/activate"),
        corsica.post(f"/api/authority/accounts/{ident}/refuse", {"reason": "No."}),
        corsica.post(f"/api/authority/accounts/{ident}/reset-password"),
        corsica.post(f"/api/authority/accounts/{ident}/unlock"),
        corsica.delete(f"/api/authority/accounts/{ident}"),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert {error_code(r) for r in attempts} == {"not_found"}
    # The same answer as for an account that does not exist at all.
    assert corsica.get(f"/api/authority/accounts/{UNKNOWN_ID}").json_body == attempts[0].json_body
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["status"], details["first_name"]) == ("confirmed", "Marie")


def test_a_person_can_register_for_an_organisation_of_the_directory(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    organisation_id = logged_in(new_api, EMAIL).get("/api/me").json_body["organisation"]["id"]
    response = api.post("/api/accounts", registration("jean.martin@bio-lyon.fr", first_name="Jean",
                                                      last_name="Martin", organisation={"id": organisation_id}))
    assert response.status_code == 202
    account = stored("jean.martin@bio-lyon.fr")
    assert (account.organisation_id, account.organisation_name, account.authority_id) == (
        organisation_id, "Bio Import Lyon", "FR-DDPP-69")


def test_the_password_may_hold_unicode(api, mailbox, authority, new_api):
    password = "Ñandú-Über-2026€"
    make_valid(api, mailbox, authority, EMAIL, password=password, password_confirmation=password)
    assert new_api().log_in(EMAIL, PASSWORD).status_code == 401
    logged_in(new_api, EMAIL, password)


@pytest.mark.parametrize("code", ["FR-DDPP-69", "FR-INAO", "EU-COMMISSION", "FR-BIO-01"])
def test_authorities_and_control_bodies_cannot_be_picked_at_registration(api, mailbox, code):
    response = api.post("/api/accounts", registration("intruder@bio-lyon.fr", organisation={"id": code}))
    assert response.status_code == 400
    assert "organisation" in response.json_body["error"]["fields"]
    assert mailbox.messages("intruder@bio-lyon.fr") == []
