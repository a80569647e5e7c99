"""Scheduled jobs (SPEC 1.4, 1.6, 6): locking inactive accounts and the authority digest, run as
`python -m dev.admin job NAME --now ISO` runs them."""
import re
from datetime import timedelta

import time_machine

from dev import admin
from tests.api.conftest import T0, audit_actions, error_code, logged_in, make_valid, stored, subjects
from tests.conftest import AUTHORITY, account_id, register_and_confirm, registration, staff

EMAIL = "marie.dupont@bio-lyon.fr"
LOCKED = "Votre compte a été verrouillé"
DIGEST = "Demandes de création d'utilisateurs"


def run(job: str, at) -> None:
    assert admin.main(["job", job, "--now", at.isoformat()]) == 0


def activated_at_t0(api, mailbox, authority, email_address=EMAIL) -> str:
    with time_machine.travel(T0, tick=False):
        return make_valid(api, mailbox, authority, email_address)


def test_an_account_validated_and_never_used_is_locked_after_91_days(api, mailbox, authority, new_api):
    ident = activated_at_t0(api, mailbox, authority)
    run("lock_inactive", T0 + timedelta(days=91))
    assert stored(EMAIL).locked_reason == "inactivity"
    assert subjects(mailbox, EMAIL)[-1] == LOCKED
    assert "trois mois" in mailbox.text(mailbox.last(EMAIL))
    response = new_api().log_in(EMAIL)
    assert (response.status_code, error_code(response)) == (401, "invalid_credentials")
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["locked"], details["locked_reason"]) == (True, "inactivity")
    assert audit_actions(ident)[-1] == "lock"


def test_an_account_validated_89_days_ago_is_not_locked(api, mailbox, authority, new_api):
    activated_at_t0(api, mailbox, authority)
    run("lock_inactive", T0 + timedelta(days=89))
    assert stored(EMAIL).locked_reason is None
    assert LOCKED not in subjects(mailbox, EMAIL)
    assert logged_in(new_api, EMAIL)


def test_inactivity_counts_from_the_last_login(api, mailbox, authority, new_api):
    activated_at_t0(api, mailbox, authority)
    with time_machine.travel(T0 + timedelta(days=60), tick=False):
        logged_in(new_api, EMAIL)
    run("lock_inactive", T0 + timedelta(days=91))
    assert stored(EMAIL).locked_reason is None
    run("lock_inactive", T0 + timedelta(days=60 + 89))
    assert stored(EMAIL).locked_reason is None
    run("lock_inactive", T0 + timedelta(days=60 + 91))
    assert stored(EMAIL).locked_reason == "inactivity"


def test_running_the_job_twice_changes_nothing_more(api, mailbox, authority):
    ident = activated_at_t0(api, mailbox, authority)
    run("lock_inactive", T0 + timedelta(days=91))
    trail, sent = audit_actions(ident), len(mailbox.messages())
    run("lock_inactive", T0 + timedelta(days=91))
    run("lock_inactive", T0 + timedelta(days=92))
    assert len(mailbox.messages()) == sent
    assert audit_actions(ident) == trail


def test_the_job_locks_only_the_stale_accounts(api, mailbox, authority, new_api):
    activated_at_t0(api, mailbox, authority, "old@bio-lyon.fr")
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        make_valid(api, mailbox, authority, "recent@bio-lyon.fr")
    register_and_confirm(api, mailbox, "pending@bio-lyon.fr")
    run("lock_inactive", T0 + timedelta(days=100))
    assert stored("old@bio-lyon.fr").locked_reason == "inactivity"
    assert stored("recent@bio-lyon.fr").locked_reason is None
    assert stored("pending@bio-lyon.fr").status == "confirmed"


def test_an_account_locked_for_inactivity_is_unlocked_by_the_recovery_flow(api, mailbox, authority, new_api):
    activated_at_t0(api, mailbox, authority)
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        run("lock_inactive", T0 + timedelta(days=91))
        person = new_api()
        person.post("/api/password/forgot", {"email": EMAIL})
        response = person.log_in(EMAIL, mailbox.temporary_password(EMAIL))
        assert (response.status_code, response.json_body["must_change_password"]) == (200, True)
    assert stored(EMAIL).locked_reason is None


def test_an_unlock_by_the_authority_restarts_the_inactivity_period(api, mailbox, authority):
    ident = activated_at_t0(api, mailbox, authority)
    run("lock_inactive", T0 + timedelta(days=91))
    with time_machine.travel(T0 + timedelta(days=95), tick=False):
        assert authority.post(f"/api/authority/accounts/{ident}/unlock").status_code == 200
    run("lock_inactive", T0 + timedelta(days=96))
    assert stored(EMAIL).locked_reason is None


def requests_in(text: str) -> set[str]:
    return set(re.findall(r"/backoffice/account\.html\?id=([0-9a-f]{32})", text))


def test_the_digest_sends_one_email_per_agent_of_each_authority_with_pending_requests(
        api, mailbox, authority, new_api):
    staff(new_api, ("second.agent@ddpp69.gouv.fr", "Rhone-Valley-2027!", "FR-DDPP-69"))
    staff(new_api, ("agent@ddpp2a.gouv.fr", "Island-Office-2026!", "FR-DDPP-2A"))
    staff(new_api, ("agent@ddpp2b.gouv.fr", "Island-Office-2026!", "FR-DDPP-2B"))
    lyon = [register_and_confirm(api, mailbox, f"{name}@bio-lyon.fr") for name in ("anne", "bruno", "chloe")]
    register_and_confirm(api, mailbox, "dominique@bio-ajaccio.fr", organisation={
        "name": "Bio Ajaccio", "address": "1 cours Napoléon", "postal_code": "20000", "city": "Ajaccio",
        "country": "FR"})
    api.post("/api/accounts", registration("eve@bio-lyon.fr"))          # not confirmed: not pending
    activated = register_and_confirm(api, mailbox, "fabien@bio-lyon.fr")
    activate_id = account_id(authority, activated)
    authority.post(f"/api/authority/accounts/{activate_id}/activate")   # decided: not pending

    run("authority_digest", T0)

    lyon_ids = {account_id(authority, address) for address in lyon}
    for agent in (AUTHORITY[0], "second.agent@ddpp69.gouv.fr"):
        messages = mailbox.messages(agent)
        assert [m["Subject"] for m in messages] == [DIGEST], agent
        text, html = mailbox.text(messages[0]), mailbox.html(messages[0])
        assert "Il y a 3 demandes à valider." in text
        assert requests_in(text) == requests_in(html) == lyon_ids
        for address in lyon:
            assert address in text
        assert "https://traces.test/fr/backoffice/index.html" in text
        assert "eve@bio-lyon.fr" not in text and "fabien@bio-lyon.fr" not in text
    corsica = mailbox.messages("agent@ddpp2a.gouv.fr")
    assert [m["Subject"] for m in corsica] == [DIGEST]
    assert "Il y a 1 demande à valider." in mailbox.text(corsica[0])
    assert "dominique@bio-ajaccio.fr" in mailbox.text(corsica[0])
    assert mailbox.messages("agent@ddpp2b.gouv.fr") == []


def test_the_digest_link_opens_the_request_for_a_logged_in_agent_and_changes_nothing(api, mailbox, authority):
    register_and_confirm(api, mailbox, EMAIL)
    run("authority_digest", T0)
    (ident,) = requests_in(mailbox.text(mailbox.last(AUTHORITY[0])))
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["email"], details["status"]) == (EMAIL, "confirmed")
    run("authority_digest", T0 + timedelta(hours=1))
    assert stored(EMAIL).status == "confirmed"


def test_a_digest_run_retried_after_a_partial_send_sends_only_what_is_missing(api, mailbox, authority, new_api):
    """Lambda retries a failed scheduled run with the same event: nobody gets a digest twice."""
    from unittest import mock

    import pytest

    from chalicelib.mail import mailer

    staff(new_api, ("second.agent@ddpp69.gouv.fr", "Rhone-Valley-2027!", "FR-DDPP-69"))
    register_and_confirm(api, mailbox, EMAIL)
    real, calls = mailer.send, []

    def second_fails(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("SES throttled")
        return real(*args, **kwargs)

    with mock.patch.object(mailer, "send", second_fails), pytest.raises(RuntimeError):
        run("authority_digest", T0)
    run("authority_digest", T0 + timedelta(minutes=2))     # the retry, in the same run
    agents = (AUTHORITY[0], "second.agent@ddpp69.gouv.fr")
    assert [len(mailbox.messages(agent)) for agent in agents] == [1, 1]
    run("authority_digest", T0 + timedelta(hours=1))        # the next run
    assert [len(mailbox.messages(agent)) for agent in agents] == [2, 2]


def test_the_digest_sends_nothing_when_nothing_is_pending(api, mailbox, authority):
    make_valid(api, mailbox, authority, EMAIL)
    api.post("/api/accounts", registration("eve@bio-lyon.fr"))
    run("authority_digest", T0)
    assert mailbox.messages(AUTHORITY[0]) == []


def test_the_digest_is_written_in_the_language_of_each_agent(api, mailbox, authority, new_api):
    staff(new_api, ("agent@ddpp2a.gouv.fr", "Island-Office-2026!", "FR-DDPP-2A"))
    from chalicelib.store.accounts import Account

    agent = stored("agent@ddpp2a.gouv.fr")
    agent.update(actions=[Account.language.set("en")])
    register_and_confirm(api, mailbox, "dominique@bio-ajaccio.fr", organisation={
        "name": "Bio Ajaccio", "address": "1 cours Napoléon", "postal_code": "20000", "city": "Ajaccio",
        "country": "FR"})
    run("authority_digest", T0)
    message = mailbox.last("agent@ddpp2a.gouv.fr")
    assert message["Subject"] == "User creation requests"
    assert "There is 1 request to validate." in mailbox.text(message)
    assert "/en/backoffice/account.html?id=" in mailbox.text(message)


def test_a_locked_agent_gets_no_digest(api, mailbox, authority, new_api):
    staff(new_api, ("second.agent@ddpp69.gouv.fr", "Rhone-Valley-2027!", "FR-DDPP-69"))
    for _ in range(5):
        new_api().log_in("second.agent@ddpp69.gouv.fr", "Not-The-Password-1!")
    register_and_confirm(api, mailbox, EMAIL)
    run("authority_digest", T0)
    assert DIGEST not in subjects(mailbox, "second.agent@ddpp69.gouv.fr")
    assert subjects(mailbox, AUTHORITY[0]) == [DIGEST]
