"""The authority back office (SPEC 1.5) and the statuses it moves (SPEC 1.8)."""
import json

import pytest

from tests.api.conftest import (NEW_PASSWORD, UNKNOWN_ID, audit_actions, error_code, error_fields,
                                logged_in, make_valid, stored, subjects)
from tests.conftest import ANSWER, AUTHORITY, account_id, register_and_confirm, registration

EMAIL = "marie.dupont@bio-lyon.fr"
ACTIVATED = "Votre compte a été activé"
REFUSED = "Votre demande de compte a été refusée"
RESET = "Réinitialisation du mot de passe"
BEAUJOLAIS = {"name": "Vins du Beaujolais", "address": "3 place des Arts", "postal_code": "69400",
              "city": "Villefranche-sur-Saône", "country": "FR"}


def agent_id() -> str:
    return stored(AUTHORITY[0]).id


@pytest.fixture
def three_requests(api, mailbox, authority):
    """Marie (valid, Lyon), Jean (confirmed, Beaujolais) and Luc (new, Lyon 7e)."""
    make_valid(api, mailbox, authority, EMAIL)
    register_and_confirm(api, mailbox, "jean.martin@vins-beaujolais.fr", first_name="Jean",
                         last_name="Martin", organisation=BEAUJOLAIS)
    api.post("/api/accounts", registration("luc.bernard@bio-lyon.fr", first_name="Luc", last_name="Bernard",
                                           organisation=dict(BEAUJOLAIS, name="Primeurs Gerland",
                                                             postal_code="69007", city="Lyon")))


@pytest.mark.parametrize("query, found", [
    ("status=valid", {"marie.dupont@bio-lyon.fr"}),
    ("status=confirmed", {"jean.martin@vins-beaujolais.fr"}),
    ("status=new", {"luc.bernard@bio-lyon.fr"}),
    ("email=bio-lyon.fr", {"marie.dupont@bio-lyon.fr", "luc.bernard@bio-lyon.fr"}),
    ("name=martin", {"jean.martin@vins-beaujolais.fr"}),
    ("name=MARIE%20dupont", {"marie.dupont@bio-lyon.fr"}),
    ("postal_code=69400", {"jean.martin@vins-beaujolais.fr"}),
    ("organisation=beaujolais", {"jean.martin@vins-beaujolais.fr"}),
    ("organisation=bio%20import&status=valid", {"marie.dupont@bio-lyon.fr"}),
    ("organisation=bio%20import&status=new", set()),
], ids=lambda value: value if isinstance(value, str) else None)
def test_the_back_office_searches_by_status_email_name_postal_code_and_organisation(
        authority, three_requests, query, found):
    results = authority.get(f"/api/authority/accounts?{query}").json_body
    assert {r["email"] for r in results} - {AUTHORITY[0]} == found


def test_search_results_show_name_country_postal_code_city_and_status(authority, three_requests):
    result = authority.get("/api/authority/accounts?postal_code=69400").json_body[0]
    assert {k: result[k] for k in ("first_name", "last_name", "country", "postal_code", "city", "status")} == {
        "first_name": "Jean", "last_name": "Martin", "country": "FR", "postal_code": "69400",
        "city": "Villefranche-sur-Saône", "status": "confirmed"}
    assert len(result["id"]) == 32


def test_the_search_refuses_unknown_filters_and_statuses(authority):
    assert authority.get("/api/authority/accounts?role=authority").status_code == 400
    response = authority.get("/api/authority/accounts?status=superuser")
    assert response.status_code == 400 and "status" in error_fields(response)


def test_opening_an_account_shows_everything_but_its_secrets(api, mailbox, authority):
    ident = make_valid(api, mailbox, authority, EMAIL, fax="+33 4 72 00 00 01", additional_info="Importateur.")
    api.post("/api/password/forgot", {"email": EMAIL})      # a temporary password is stored too
    response = authority.get(f"/api/authority/accounts/{ident}")
    assert response.status_code == 200
    details = response.json_body
    assert (details["email"], details["status"], details["phone"], details["fax"], details["additional_info"],
            details["organisation"], details["language"]) == (
        EMAIL, "valid", "+33 4 72 00 00 00", "+33 4 72 00 00 01", "Importateur.", "Bio Import Lyon", "fr")
    text = json.dumps(details).lower()
    for secret in ("password", "hash", "argon2", "secret_answer", "mont blanc", "history", "token"):
        assert secret not in text, secret


def test_activate_makes_the_account_valid_and_tells_the_person(api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    response = authority.post(f"/api/authority/accounts/{ident}/activate")
    assert (response.status_code, response.json_body) == (200, {"status": "valid"})
    assert subjects(mailbox, EMAIL)[-1] == ACTIVATED
    assert "https://traces.test/fr/login.html" in mailbox.text(mailbox.last(EMAIL))
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert me["status"] == "valid"
    assert [(a["status"], a["administrator"], a["role_kind"]) for a in me["authorisations"]] == [
        ("valid", True, "operator")]
    assert authority.get(f"/api/authority/accounts/{ident}").json_body["validated_at"]


def test_a_second_person_of_the_same_organisation_is_not_its_administrator(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    organisation_id = logged_in(new_api, EMAIL).get("/api/me").json_body["organisation"]["id"]
    make_valid(api, mailbox, authority, "jean.martin@bio-lyon.fr", first_name="Jean",
               organisation={"id": organisation_id})
    me = logged_in(new_api, "jean.martin@bio-lyon.fr").get("/api/me").json_body
    assert me["organisation"]["id"] == organisation_id
    assert [(a["organisation_id"], a["status"], a["administrator"]) for a in me["authorisations"]] == [
        (organisation_id, "valid", False)]


def test_a_new_organisation_cannot_be_picked_before_its_first_person_is_activated(
        api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, EMAIL)
    organisation_id = stored(EMAIL).organisation_id
    response = api.post("/api/accounts", registration("jean.martin@bio-lyon.fr", organisation={"id": organisation_id}))
    assert response.status_code == 400 and "organisation" in error_fields(response)


def test_refuse_needs_a_reason(api, mailbox, authority):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}):
        response = authority.post(f"/api/authority/accounts/{ident}/refuse", body)
        assert response.status_code == 400 and "reason" in error_fields(response), body
    assert authority.get(f"/api/authority/accounts/{ident}").json_body["status"] == "confirmed"
    assert mailbox.messages(EMAIL)[-1]["Subject"] != REFUSED


def test_refuse_with_a_reason_tells_the_person_why(api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    reason = "L'entreprise n'est pas enregistrée.\nMerci de joindre un extrait Kbis."
    response = authority.post(f"/api/authority/accounts/{ident}/refuse", {"reason": reason})
    assert (response.status_code, response.json_body) == (200, {"status": "refused"})
    message = mailbox.last(EMAIL)
    assert message["Subject"] == REFUSED
    assert "L'entreprise n'est pas enregistrée." in mailbox.text(message)
    assert "extrait Kbis" in mailbox.text(message)
    login = new_api().log_in(EMAIL)
    assert (login.status_code, error_code(login)) == (401, "invalid_credentials")


@pytest.mark.parametrize("setup, action", [
    ("valid", "activate"), ("valid", "refuse"), ("new", "activate"), ("new", "refuse"),
    ("refused", "activate"), ("refused", "refuse"), ("deleted", "activate"), ("confirmed", "unlock"),
    ("valid", "unlock"), ("new", "reset-password"), ("refused", "unlock"), ("deleted", "delete"),
])
def test_an_illegal_transition_answers_409_and_changes_nothing(api, mailbox, authority, setup, action):
    if setup == "new":
        api.post("/api/accounts", registration(EMAIL))
    else:
        register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    if setup == "valid":
        authority.post(f"/api/authority/accounts/{ident}/activate")
    elif setup == "refused":
        authority.post(f"/api/authority/accounts/{ident}/refuse", {"reason": "No."})
    elif setup == "deleted":
        authority.delete(f"/api/authority/accounts/{ident}")
    before = authority.get(f"/api/authority/accounts/{ident}").json_body
    trail, sent = audit_actions(ident), len(mailbox.messages(EMAIL))
    body = {"reason": "Second thoughts."} if action == "refuse" else None
    if action == "delete":
        response = authority.delete(f"/api/authority/accounts/{ident}")
    else:
        response = authority.post(f"/api/authority/accounts/{ident}/{action}", body)
    assert response.status_code == 409, response.json_body
    assert error_code(response) == "wrong_state"
    assert authority.get(f"/api/authority/accounts/{ident}").json_body == before
    assert audit_actions(ident) == trail
    assert len(mailbox.messages(EMAIL)) == sent


def test_activating_twice_keeps_one_activation(api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    assert authority.post(f"/api/authority/accounts/{ident}/activate").status_code == 200
    assert authority.post(f"/api/authority/accounts/{ident}/activate").status_code == 409
    assert subjects(mailbox, EMAIL).count(ACTIVATED) == 1
    assert audit_actions(ident).count("activate") == 1
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert len(me["authorisations"]) == 1


def test_refusing_a_valid_account_leaves_it_and_its_role_valid(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    response = authority.post(f"/api/authority/accounts/{ident}/refuse", {"reason": "Oops."})
    assert response.status_code == 409
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert (me["status"], me["authorisations"][0]["status"]) == ("valid", "valid")


def test_reset_password_emails_a_temporary_password_the_authority_never_sees(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    response = authority.post(f"/api/authority/accounts/{ident}/reset-password")
    assert (response.status_code, response.json_body) == (202, {})
    assert subjects(mailbox, EMAIL)[-1] == RESET
    temporary = mailbox.temporary_password(EMAIL)
    assert temporary not in json.dumps(authority.get(f"/api/authority/accounts/{ident}").json_body)
    assert "reset_password" in audit_actions(ident)
    # The authority's messages never go to the authority.
    assert all(s != RESET for s in subjects(mailbox, AUTHORITY[0]))


def test_reset_password_ends_the_sessions_of_the_person(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/reset-password")
    assert person.get("/api/me").status_code == 401


def test_after_a_reset_the_person_may_choose_a_new_secret_question(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/reset-password")
    person = new_api()
    response = person.log_in(EMAIL, mailbox.temporary_password(EMAIL))
    assert response.json_body["must_change_password"] is True
    me = person.get("/api/me").json_body
    assert me["may_choose_secret_question"] is True
    # The person forgot the old answer: a new question and answer replace it.
    response = person.post("/api/password/change", {
        "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD,
        "secret_question_id": 3, "secret_answer": "Le chat"})
    assert response.status_code == 200, response.json_body
    assert person.get("/api/me").json_body["secret_question_id"] == 3
    # From now on the new answer is the one asked.
    changer = logged_in(new_api, EMAIL, NEW_PASSWORD)
    wrong = changer.post("/api/password/change", {
        "current_password": NEW_PASSWORD, "new_password": "Vercors-Plateau-2030?",
        "new_password_confirmation": "Vercors-Plateau-2030?", "secret_answer": ANSWER})
    assert wrong.status_code == 400 and "secret_answer" in error_fields(wrong)
    right = changer.post("/api/password/change", {
        "current_password": NEW_PASSWORD, "new_password": "Vercors-Plateau-2030?",
        "new_password_confirmation": "Vercors-Plateau-2030?", "secret_answer": "le CHAT"})
    assert right.status_code == 200


def test_a_reset_without_new_question_needs_a_valid_question(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/reset-password")
    person = new_api()
    person.log_in(EMAIL, mailbox.temporary_password(EMAIL))
    response = person.post("/api/password/change", {
        "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD,
        "secret_question_id": 99, "secret_answer": "Le chat"})
    assert response.status_code == 400 and "secret_question_id" in error_fields(response)


def test_save_edits_names_phone_fax_and_language(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    response = authority.patch(f"/api/authority/accounts/{ident}", {
        "first_name": "Marie-Claire", "last_name": "Dupont-Moreau", "phone": "+33 4 78 11 22 33",
        "fax": "", "language": "en"})
    assert response.status_code == 200, response.json_body
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["first_name"], details["last_name"], details["phone"], details["fax"], details["language"]) == (
        "Marie-Claire", "Dupont-Moreau", "+33 4 78 11 22 33", None, "en")
    assert authority.get("/api/authority/accounts?name=moreau").json_body[0]["id"] == ident
    assert audit_actions(ident)[-1] == "save"
    assert logged_in(new_api, EMAIL).get("/api/me").json_body["first_name"] == "Marie-Claire"


def test_save_rejects_unknown_fields_and_bad_values(api, mailbox, authority):
    ident = make_valid(api, mailbox, authority, EMAIL)
    for body, field in (({"status": "valid"}, "status"), ({"email": "mallory@evil.example"}, "email"),
                        ({"roles": {"FR-DDPP-69": "authority"}}, "roles"), ({"first_name": ""}, "first_name"),
                        ({"phone": "call me"}, "phone"), ({"language": "de"}, "language"),
                        ({"last_name": "Dupont\r\nBcc: x@evil.example"}, "last_name")):
        response = authority.patch(f"/api/authority/accounts/{ident}", body)
        assert response.status_code == 400 and field in error_fields(response), body
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["email"], details["first_name"], details["last_name"]) == (EMAIL, "Marie", "Dupont")
    assert "save" not in audit_actions(ident)


def test_delete_keeps_the_email_reserved(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    response = authority.delete(f"/api/authority/accounts/{ident}")
    assert response.status_code == 204
    assert person.get("/api/me").status_code == 401
    assert new_api().log_in(EMAIL).status_code == 401
    assert authority.get(f"/api/authority/accounts/{ident}").json_body["status"] == "deleted"
    sent = len(mailbox.messages(EMAIL))
    again = api.post("/api/accounts", registration(EMAIL))
    assert (again.status_code, again.json_body) == (202, {"status": "new"})
    assert len(mailbox.messages(EMAIL)) == sent              # no link, no notice
    assert [a["id"] for a in authority.get(f"/api/authority/accounts?email={EMAIL}").json_body] == [ident]
    assert audit_actions(ident)[0] == "register"             # the trail stays
    assert audit_actions(ident)[-1] == "delete"


def test_unlock_opens_a_locked_account(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    for _ in range(5):
        api.log_in(EMAIL, "Not-The-Password-1!")
    assert authority.get(f"/api/authority/accounts/{ident}").json_body["locked"] is True
    response = authority.post(f"/api/authority/accounts/{ident}/unlock")
    assert (response.status_code, response.json_body) == (200, {"status": "valid"})
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["locked"], details["locked_reason"]) == (False, None)
    assert logged_in(new_api, EMAIL)
    # The counter starts again from zero.
    for _ in range(4):
        api.log_in(EMAIL, "Not-The-Password-1!")
    assert stored(EMAIL).locked_reason is None


def test_every_action_writes_who_what_when_and_the_statuses_to_the_audit_trail(api, mailbox, authority, new_api):
    from chalicelib.store import audit

    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/activate")
    authority.patch(f"/api/authority/accounts/{ident}", {"first_name": "Marie-Claire"})
    for _ in range(5):
        api.log_in(EMAIL, "Not-The-Password-1!")
    authority.post(f"/api/authority/accounts/{ident}/unlock")
    authority.post(f"/api/authority/accounts/{ident}/reset-password")
    authority.delete(f"/api/authority/accounts/{ident}")
    trail = audit.trail(f"account#{ident}")
    agent = agent_id()
    assert [(r.action, r.actor, r.before, r.after) for r in trail] == [
        ("register", "self", None, "new"),
        ("confirm", "self", "new", "confirmed"),
        ("activate", agent, "confirmed", "valid"),
        ("save", agent, "valid", "valid"),
        ("lock", "system", "valid", "locked"),
        ("unlock", agent, "valid", "valid"),
        ("reset_password", agent, "valid", "valid"),
        ("delete", agent, "valid", "deleted"),
    ]
    assert [r.at_id for r in trail] == sorted(r.at_id for r in trail)
    assert trail[4].details["reason"] == "failed_logins"


def test_refusal_is_audited_with_its_reason(api, mailbox, authority):
    from chalicelib.store import audit

    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/refuse", {"reason": "Unknown operator."})
    record = audit.trail(f"account#{ident}")[-1]
    assert (record.action, record.actor, record.before, record.after, record.details["reason"]) == (
        "refuse", agent_id(), "confirmed", "refused", "Unknown operator.")


def test_a_person_without_an_authority_role_gets_403_on_the_back_office(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    attempts = [person.get("/api/authority/accounts"), person.get(f"/api/authority/accounts/{ident}"),
                person.post(f"/api/authority/accounts/{agent_id()}/reset-password"),
                person.patch(f"/api/authority/accounts/{ident}", {"first_name": "Boss"})]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert stored(EMAIL).first_name == "Marie"


def test_the_back_office_needs_a_session(api, mailbox):
    assert api.get("/api/authority/accounts").status_code == 401
    assert api.post(f"/api/authority/accounts/{UNKNOWN_ID}/activate").status_code == 401


def test_an_unknown_account_is_404(authority):
    for path in (f"/api/authority/accounts/{UNKNOWN_ID}", "/api/authority/accounts/not-an-id"):
        response = authority.get(path)
        assert (response.status_code, error_code(response)) == (404, "not_found")
    assert authority.post(f"/api/authority/accounts/{UNKNOWN_ID}/activate").status_code == 404


def test_the_agent_of_an_authority_uses_the_back_office_with_the_password_it_was_given(authority):
    assert stored(AUTHORITY[0]).status == "valid"
    assert authority.get("/api/authority/accounts").status_code == 200


def test_after_a_reset_the_person_may_also_keep_the_secret_question(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    authority.post(f"/api/authority/accounts/{ident}/reset-password")
    person = new_api()
    person.log_in(EMAIL, mailbox.temporary_password(EMAIL))
    wrong = person.post("/api/password/change", {"new_password": NEW_PASSWORD,
                                                 "new_password_confirmation": NEW_PASSWORD,
                                                 "secret_answer": "Everest"})
    assert wrong.status_code == 400 and "secret_answer" in error_fields(wrong)
    response = person.post("/api/password/change", {"new_password": NEW_PASSWORD,
                                                    "new_password_confirmation": NEW_PASSWORD,
                                                    "secret_answer": ANSWER})
    assert response.status_code == 200, response.json_body
    assert person.get("/api/me").json_body["secret_question_id"] == 7


def test_a_reset_opens_a_locked_account_once_the_temporary_password_is_used(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    for _ in range(5):
        api.log_in(EMAIL, "Not-The-Password-1!")
    assert authority.post(f"/api/authority/accounts/{ident}/reset-password").status_code == 202
    assert stored(EMAIL).locked_reason == "failed_logins"
    person = new_api()
    assert person.log_in(EMAIL, mailbox.temporary_password(EMAIL)).json_body["must_change_password"] is True
    assert stored(EMAIL).locked_reason is None


def test_save_edits_the_details_of_an_organisation_waiting_for_validation(api, mailbox, authority):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    response = authority.patch(f"/api/authority/accounts/{ident}", {"organisation": {
        "name": "Bio Import Lyon SAS", "address": "14 quai Perrache", "postal_code": "69007"}})
    assert response.status_code == 200, response.json_body
    assert response.json_body["organisation"] == "Bio Import Lyon SAS"
    assert response.json_body["postal_code"] == "69007"
    assert authority.get("/api/authority/accounts?organisation=sas").json_body[0]["id"] == ident
    assert audit_actions(ident)[-1] == "save"


def test_save_keeps_the_organisation_in_the_authoritys_area_and_the_directory_untouched(
        api, mailbox, authority):
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    moved = authority.patch(f"/api/authority/accounts/{ident}", {"organisation": {"postal_code": "75001"}})
    assert moved.status_code == 400 and "organisation.postal_code" in error_fields(moved)
    unknown = authority.patch(f"/api/authority/accounts/{ident}", {"organisation": {"country": "DE"}})
    assert unknown.status_code == 400 and "organisation.country" in error_fields(unknown)
    authority.post(f"/api/authority/accounts/{ident}/activate")
    directory = authority.patch(f"/api/authority/accounts/{ident}", {"organisation": {"name": "Other"}})
    assert directory.status_code == 409 and error_code(directory) == "organisation_in_directory"
    assert authority.get(f"/api/authority/accounts/{ident}").json_body["organisation"] == "Bio Import Lyon"
