"""Password recovery and change (SPEC 1.7)."""
import re
from datetime import timedelta

import time_machine

from tests.api.conftest import (NEW_PASSWORD, OTHER_PASSWORD, T0, audit_actions, error_code,
                                error_fields, logged_in, make_valid, stored, subjects)
from tests.conftest import ANSWER, PASSWORD, register_and_confirm, registration

EMAIL = "marie.dupont@bio-lyon.fr"
RESET = "Réinitialisation du mot de passe"
CHANGED = "Votre mot de passe a été modifié"


def forgot(api, email_address=EMAIL):
    response = api.post("/api/password/forgot", {"email": email_address})
    assert (response.status_code, response.json_body) == (202, {})
    return response


def temporary_login(new_api, mailbox, email_address=EMAIL):
    """Asks for a new password and logs in with the temporary one."""
    person = new_api()
    forgot(person, email_address)
    response = person.log_in(email_address, mailbox.temporary_password(email_address))
    assert response.status_code == 200, response.json_body
    assert response.json_body["must_change_password"] is True
    return person


def change(person, new_password=NEW_PASSWORD, answer=ANSWER, **more):
    return person.post("/api/password/change", {"new_password": new_password,
                                                "new_password_confirmation": new_password,
                                                "secret_answer": answer, **more})


def test_forgot_answers_202_whatever_the_address(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    sent_before = len(mailbox.messages())
    answers = [forgot(api, address) for address in (EMAIL, "nobody@bio-lyon.fr", "not an address")]
    assert len({(r.status_code, str(r.json_body)) for r in answers}) == 1
    assert len(mailbox.messages()) == sent_before + 1
    assert api.post("/api/password/forgot", {"email": EMAIL, "x": 1}).status_code == 400


def test_forgot_emails_tr_and_12_digits_to_a_valid_account(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    forgot(api)
    message = mailbox.last(EMAIL)
    assert message["Subject"] == RESET
    assert re.search(r"\bTR\d{12}\b", mailbox.text(message))
    assert mailbox.temporary_password(EMAIL) in mailbox.html(message)
    assert stored(EMAIL).temporary_password_hash.startswith("$argon2id$")


def test_forgot_sends_nothing_to_accounts_that_are_not_valid(api, mailbox, authority):
    register_and_confirm(api, mailbox, "confirmed@bio-lyon.fr")
    api.post("/api/accounts", registration("new@bio-lyon.fr"))
    for address in ("confirmed@bio-lyon.fr", "new@bio-lyon.fr"):
        forgot(api, address)
        assert RESET not in subjects(mailbox, address)


def test_forgot_sends_at_most_five_emails_an_hour(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    with time_machine.travel(T0, tick=False) as clock:
        for minute in range(7):
            clock.move_to(T0 + timedelta(minutes=minute))
            forgot(api)
        assert subjects(mailbox, EMAIL).count(RESET) == 5
        clock.move_to(T0 + timedelta(minutes=61))
        forgot(api)
        assert subjects(mailbox, EMAIL).count(RESET) == 6


def test_temporary_passwords_are_random(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    forgot(api)
    first = mailbox.temporary_password(EMAIL)
    forgot(api)
    assert mailbox.temporary_password(EMAIL) != first


def test_the_old_password_keeps_working_until_the_temporary_one_is_used(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    forgot(api)
    response = new_api().log_in(EMAIL, PASSWORD)
    assert (response.status_code, response.json_body["must_change_password"]) == (200, False)


def test_once_the_temporary_password_is_used_the_old_one_no_longer_opens_the_account(
        api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    temporary_login(new_api, mailbox)
    response = new_api().log_in(EMAIL, PASSWORD)
    assert (response.status_code, error_code(response)) == (401, "invalid_credentials")


def test_the_temporary_password_forces_a_change_before_anything_else(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    for response in (person.get("/api/authority/accounts"), person.patch("/api/me", {"first_name": "Maria"}),
                     person.get("/api/authority/accounts/0123456789abcdef0123456789abcdef")):
        assert (response.status_code, error_code(response)) == (403, "password_change_required")
    me = person.get("/api/me").json_body
    assert me["must_change_password"] is True
    assert change(person).status_code == 200
    assert person.patch("/api/me", {"first_name": "Maria"}).status_code == 200
    assert person.get("/api/me").json_body["must_change_password"] is False


def test_the_forced_change_needs_the_secret_answer(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    missing = person.post("/api/password/change", {"new_password": NEW_PASSWORD,
                                                   "new_password_confirmation": NEW_PASSWORD})
    assert missing.status_code == 400 and "secret_answer" in error_fields(missing)
    assert change(person, answer="Mont Blanc").status_code == 200
    assert logged_in(new_api, EMAIL, NEW_PASSWORD)


def test_the_secret_answer_is_compared_ignoring_case_accents_and_spaces(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, secret_answer="Côte-Rôtie  Ampuis")
    person = temporary_login(new_api, mailbox)
    assert change(person, answer="  cote-rotie ampuis ").status_code == 200


def test_mont_blanc_in_lower_case_matches_mont_blanc(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    assert change(person, answer="mont blanc").status_code == 200


def test_a_wrong_secret_answer_counts_as_a_failed_login(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    response = change(person, answer="Mont Blanc du Tacul")
    assert response.status_code == 400 and "secret_answer" in error_fields(response)
    assert stored(EMAIL).failed_logins == 1
    for _ in range(4):
        change(person, answer="Aiguille du Midi")
    assert stored(EMAIL).locked_reason == "failed_logins"
    assert person.get("/api/me").status_code == 401


def test_the_new_password_must_differ_from_the_temporary_one(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    temporary = mailbox.temporary_password(EMAIL)
    response = change(person, new_password=temporary)
    assert response.status_code == 400 and "new_password" in error_fields(response)
    # Even a temporary password dressed up to meet the policy is the same password.
    assert stored(EMAIL).must_change_password is True


def test_the_new_password_must_differ_from_the_current_one(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    response = change(person, new_password=PASSWORD)
    assert response.status_code == 400
    assert error_fields(response) == {
        "new_password": "Choisissez un mot de passe que vous n'avez pas utilisé récemment."}


def test_the_new_password_must_differ_from_the_last_three(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    third = "Belledonne-Chain-2029%"
    assert change(person, NEW_PASSWORD, current_password=PASSWORD).status_code == 200
    assert change(person, OTHER_PASSWORD, current_password=NEW_PASSWORD).status_code == 200
    for used in (PASSWORD, NEW_PASSWORD, OTHER_PASSWORD):
        response = change(person, used, current_password=OTHER_PASSWORD)
        assert response.status_code == 400 and "new_password" in error_fields(response), used
    assert change(person, third, current_password=OTHER_PASSWORD).status_code == 200


def test_the_new_password_follows_the_policy_and_is_typed_twice(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    weak = change(person, new_password="short")
    assert weak.status_code == 400 and "new_password" in error_fields(weak)
    mismatch = person.post("/api/password/change", {"new_password": NEW_PASSWORD,
                                                    "new_password_confirmation": OTHER_PASSWORD,
                                                    "secret_answer": ANSWER})
    assert mismatch.status_code == 400 and "new_password_confirmation" in error_fields(mismatch)
    assert change(person, new_password="Marie.Dupont-2027!").status_code == 400   # holds the e-mail


def test_the_temporary_password_still_works_at_23_hours_59(api, mailbox, authority, new_api):
    with time_machine.travel(T0, tick=False) as clock:
        make_valid(api, mailbox, authority)
        forgot(api)
        clock.move_to(T0 + timedelta(hours=23, minutes=59))
        response = new_api().log_in(EMAIL, mailbox.temporary_password(EMAIL))
        assert (response.status_code, response.json_body["must_change_password"]) == (200, True)


def test_the_temporary_password_has_expired_at_24_hours_01(api, mailbox, authority, new_api):
    with time_machine.travel(T0, tick=False) as clock:
        make_valid(api, mailbox, authority)
        forgot(api)
        clock.move_to(T0 + timedelta(hours=24, minutes=1))
        response = new_api().log_in(EMAIL, mailbox.temporary_password(EMAIL))
        assert (response.status_code, error_code(response)) == (401, "invalid_credentials")
        # The old password still works: the temporary one was never used.
        assert new_api().log_in(EMAIL, PASSWORD).status_code == 200


def test_the_temporary_password_logs_in_once(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    temporary_login(new_api, mailbox)
    again = new_api().log_in(EMAIL, mailbox.temporary_password(EMAIL))
    assert (again.status_code, error_code(again)) == (401, "invalid_credentials")


def test_the_temporary_password_does_not_work_after_the_change(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = temporary_login(new_api, mailbox)
    temporary = mailbox.temporary_password(EMAIL)
    assert change(person).status_code == 200
    assert new_api().log_in(EMAIL, temporary).status_code == 401
    assert new_api().log_in(EMAIL, PASSWORD).status_code == 401
    assert new_api().log_in(EMAIL, NEW_PASSWORD).status_code == 200


def test_the_recovery_flow_unlocks_a_locked_account(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority)
    for _ in range(5):
        api.log_in(EMAIL, "Not-The-Password-1!")
    assert stored(EMAIL).locked_reason == "failed_logins"
    person = temporary_login(new_api, mailbox)
    assert stored(EMAIL).locked_reason is None
    assert change(person).status_code == 200
    assert logged_in(new_api, EMAIL, NEW_PASSWORD)
    assert audit_actions(ident)[-3:] == ["lock", "unlock", "change_password"]


def test_the_voluntary_change_needs_the_current_password(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    missing = change(person)
    assert missing.status_code == 400 and "current_password" in error_fields(missing)
    wrong = change(person, current_password="Not-The-Password-1!")
    assert wrong.status_code == 400 and "current_password" in error_fields(wrong)
    assert stored(EMAIL).failed_logins == 1          # a wrong current password is a failed login
    assert change(person, current_password=PASSWORD).status_code == 200
    assert new_api().log_in(EMAIL, PASSWORD).status_code == 401
    assert logged_in(new_api, EMAIL, NEW_PASSWORD)


def test_the_voluntary_change_also_needs_the_secret_answer(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    response = change(person, answer="Everest", current_password=PASSWORD)
    assert response.status_code == 400 and "secret_answer" in error_fields(response)
    assert new_api().log_in(EMAIL, NEW_PASSWORD).status_code == 401


def test_every_password_change_sends_the_credential_changed_email(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    change(person, current_password=PASSWORD)
    assert subjects(mailbox, EMAIL)[-1] == CHANGED
    person = temporary_login(new_api, mailbox)
    change(person, OTHER_PASSWORD)
    assert subjects(mailbox, EMAIL).count(CHANGED) == 2
    assert "https://traces.test/fr/forgot" in mailbox.text(mailbox.last(EMAIL))


def test_a_password_change_ends_the_other_sessions_but_not_its_own(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    office, laptop = logged_in(new_api, EMAIL), logged_in(new_api, EMAIL)
    assert laptop.post("/api/password/change", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_confirmation": NEW_PASSWORD, "secret_answer": ANSWER}).status_code == 200
    assert office.get("/api/me").status_code == 401
    assert laptop.get("/api/me").status_code == 200


def test_a_forced_change_ends_the_sessions_opened_with_the_old_password(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    office = logged_in(new_api, EMAIL)
    person = temporary_login(new_api, mailbox)
    assert change(person).status_code == 200
    assert office.get("/api/me").status_code == 401
