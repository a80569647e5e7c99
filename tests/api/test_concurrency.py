"""Concurrent requests (SPEC 1.6 exact counter, SPEC 10 conditional writes): the services are called
from threads under the same moto mock, as concurrent Lambda invocations would call them; the
`atomic_dynamodb` fixture gives moto the per-request atomicity DynamoDB has."""
import threading
from datetime import datetime, timezone

import pytest

from tests.api.conftest import (audit_actions, logged_in, make_valid, operator_without_administrator,
                                session_cookie, stored, subjects)
from tests.conftest import AUTHORITY, account_id, register_and_confirm, registration, staff

EMAIL = "marie.dupont@bio-lyon.fr"
WRONG = "Not-The-Password-1!"


def now() -> datetime:
    return datetime.now(timezone.utc)


def at_once(*calls) -> list:
    """Runs the calls in threads released together; returns each result or raised exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def back_office(authority, ident: str):
    """What the back-office request handler holds: the agent's session and the target account,
    read now (and possibly stale by the time it writes)."""
    from chalicelib.services import sessions

    return sessions.authenticate(session_cookie(authority), now(), ident)


def test_parallel_failed_logins_count_exactly_and_lock_once(api, mailbox, authority, atomic_dynamodb):
    from chalicelib.domain.errors import InvalidCredentials
    from chalicelib.services import login

    ident = make_valid(api, mailbox, authority)
    results = at_once(*[lambda: login.log_in(EMAIL, WRONG, now())] * 5)
    assert all(isinstance(r, InvalidCredentials) for r in results), results
    account = stored(EMAIL)
    assert (account.failed_logins, account.locked_reason) == (5, "failed_logins")
    assert subjects(mailbox, EMAIL).count("Votre compte a été verrouillé") == 1
    assert audit_actions(ident).count("lock") == 1


def test_many_parallel_failed_logins_lock_the_account_once(api, mailbox, authority, atomic_dynamodb):
    from chalicelib.services import login

    ident = make_valid(api, mailbox, authority)
    at_once(*[lambda: login.log_in(EMAIL, WRONG, now())] * 12)
    account = stored(EMAIL)
    assert account.locked_reason == "failed_logins"
    assert 5 <= account.failed_logins <= 12
    assert subjects(mailbox, EMAIL).count("Votre compte a été verrouillé") == 1
    assert audit_actions(ident).count("lock") == 1


def test_parallel_failures_and_a_success_never_lose_a_count(api, mailbox, authority, atomic_dynamodb):
    from chalicelib.services import login

    make_valid(api, mailbox, authority)
    at_once(*[lambda: login.log_in(EMAIL, WRONG, now())] * 4)
    assert stored(EMAIL).failed_logins == 4
    login.log_in(EMAIL, "Grenoble-Alpes-2026!", now())
    assert stored(EMAIL).failed_logins == 0


def test_concurrent_activate_and_refuse_exactly_one_wins(api, mailbox, authority, atomic_dynamodb):
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import user_admin

    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    activating, refusing = back_office(authority, ident), back_office(authority, ident)
    results = at_once(lambda: user_admin.activate(activating, now()),
                      lambda: user_admin.refuse(refusing, "Unknown operator.", now()))
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1 and sum(isinstance(r, Conflict) for r in results) == 1, results
    assert stored(EMAIL).status == winners[0]
    decisions = [a for a in audit_actions(ident) if a in ("activate", "refuse")]
    assert decisions == [{"valid": "activate", "refused": "refuse"}[winners[0]]]
    told = [s for s in subjects(mailbox, EMAIL)
            if s in ("Votre compte a été activé", "Votre demande de compte a été refusée")]
    assert len(told) == 1


def test_a_refusal_based_on_a_stale_read_loses_to_the_activation(api, mailbox, authority, new_api):
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import user_admin

    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    stale = back_office(authority, ident)                   # reads the account: confirmed
    assert authority.post(f"/api/authority/accounts/{ident}/activate").status_code == 200
    with pytest.raises(Conflict):
        user_admin.refuse(stale, "Unknown operator.", now())
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert (me["status"], me["authorisations"][0]["status"]) == ("valid", "valid")
    assert "Votre demande de compte a été refusée" not in subjects(mailbox, EMAIL)
    assert "refuse" not in audit_actions(ident)


def test_an_activation_based_on_a_stale_read_loses_to_the_refusal(api, mailbox, authority, new_api):
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import user_admin

    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    stale = back_office(authority, ident)
    assert authority.post(f"/api/authority/accounts/{ident}/refuse", {"reason": "No."}).status_code == 200
    with pytest.raises(Conflict):
        user_admin.activate(stale, now())
    assert stored(EMAIL).status == "refused"
    assert new_api().log_in(EMAIL).status_code == 401
    assert "Votre compte a été activé" not in subjects(mailbox, EMAIL)


def test_two_agents_activating_at_once_activate_once(api, mailbox, authority, new_api, atomic_dynamodb):
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import user_admin

    second = staff(new_api, ("second.agent@ddpp69.gouv.fr", "Rhone-Valley-2027!", "FR-DDPP-69"))
    register_and_confirm(api, mailbox, EMAIL)
    ident = account_id(authority, EMAIL)
    first_view, second_view = back_office(authority, ident), back_office(second, ident)
    results = at_once(lambda: user_admin.activate(first_view, now()),
                      lambda: user_admin.activate(second_view, now()))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    assert subjects(mailbox, EMAIL).count("Votre compte a été activé") == 1
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert [(a["status"], a["administrator"]) for a in me["authorisations"]] == [("valid", True)]
    assert isinstance(next(r for r in results if not isinstance(r, str)), Conflict)
    assert audit_actions(ident).count("activate") == 1


def test_two_people_of_an_organisation_without_administrator_activated_at_once_give_one_administrator(
        api, mailbox, new_api, atomic_dynamodb):
    from chalicelib.services import user_admin

    agent = staff(new_api, AUTHORITY)
    organisation_id = operator_without_administrator()
    people = ("anne@bio-negoce.fr", "bruno@bio-negoce.fr")
    for address in people:
        register_and_confirm(api, mailbox, address, organisation={"id": organisation_id})
    views = [back_office(agent, account_id(agent, address)) for address in people]
    results = at_once(*[lambda view=view: user_admin.activate(view, now()) for view in views])
    assert results == ["valid", "valid"]
    administrators = []
    for address in people:
        roles = logged_in(new_api, address).get("/api/me").json_body["authorisations"]
        assert [(r["organisation_id"], r["status"]) for r in roles] == [(organisation_id, "valid")]
        administrators += [address] if roles[0]["administrator"] else []
    assert len(administrators) == 1


def test_a_stale_administrator_hint_still_gives_one_administrator(api, mailbox, new_api):
    """Both registered while the organisation had no administrator; activated one after the other."""
    agent = staff(new_api, AUTHORITY)
    organisation_id = operator_without_administrator()
    for address in ("anne@bio-negoce.fr", "bruno@bio-negoce.fr"):
        register_and_confirm(api, mailbox, address, organisation={"id": organisation_id})
    for address in ("anne@bio-negoce.fr", "bruno@bio-negoce.fr"):
        assert agent.post(f"/api/authority/accounts/{account_id(agent, address)}/activate").status_code == 200
    flags = [logged_in(new_api, address).get("/api/me").json_body["authorisations"][0]["administrator"]
             for address in ("anne@bio-negoce.fr", "bruno@bio-negoce.fr")]
    assert flags == [True, False]


def test_the_same_confirmation_link_used_twice_at_once_confirms_once(api, mailbox, atomic_dynamodb):
    from chalicelib.domain.errors import NotFound
    from chalicelib.services import registration as service

    api.post("/api/accounts", registration(EMAIL))
    token = mailbox.token(EMAIL)
    results = at_once(lambda: service.confirm(token, now()), lambda: service.confirm(token, now()))
    assert results.count("confirmed") == 1
    assert sum(isinstance(r, NotFound) for r in results) == 1
    assert audit_actions(stored(EMAIL).id).count("confirm") == 1


def test_the_same_email_registered_twice_at_once_makes_one_account(api, mailbox, authority, atomic_dynamodb):
    from chalicelib.services import registration as service

    results = at_once(lambda: service.register(registration(EMAIL), now()),
                      lambda: service.register(registration(EMAIL, first_name="Marion"), now()))
    assert results == [None, None]
    assert len(authority.get(f"/api/authority/accounts?email={EMAIL}").json_body) == 1
    assert sorted(subjects(mailbox, EMAIL)) == ["Demande de confirmation",
                                                "Tentative d'inscription avec votre adresse électronique"]


def test_resend_requests_at_once_stay_within_the_hourly_limit(api, mailbox, atomic_dynamodb):
    from chalicelib.services import registration as service

    api.post("/api/accounts", registration(EMAIL))
    at_once(*[lambda: service.resend(EMAIL, now())] * 8)
    assert 2 <= len(mailbox.messages(EMAIL)) <= 6           # the registration's + at most 5
    assert stored(EMAIL).mail_window_count == len(mailbox.messages(EMAIL)) - 1
