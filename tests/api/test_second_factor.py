"""Two-step sign-in (SPEC 1.9), through the API as the site uses it: enrolment of an
authenticator app, passkeys (a software authenticator, tests/soft_authenticator.py) and recovery
codes; the second step of the login and its lock; a passkey alone; the fresh proof; the
authority's reset; the races (services called from threads, as in test_concurrency.py)."""
from datetime import timedelta

import time

import pyotp
from botocore.exceptions import ClientError
import pytest
import time_machine

from tests.api.conftest import T0, audit_actions, error_code, logged_in, make_valid, stored, subjects
from tests.api.test_concurrency import at_once
from tests.conftest import AUTHORITY, PASSWORD, staff
from tests.soft_authenticator import SoftAuthenticator, b64url

EMAIL = "marie.dupont@bio-lyon.fr"
AGENT = AUTHORITY[0]
CONTROLLER = ("agent@ecocert.fr", "Ecocert-Gers-2026!", "FR-BIO-01")


@pytest.fixture(autouse=True)
def required_by_default(monkeypatch):
    """The setting as deployed and as `make run` has it."""
    monkeypatch.setenv("TRACES_SECOND_FACTOR_REQUIRED", "authority,control_body")


@pytest.fixture(autouse=True)
def clock(required_by_default):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def authority(aws, new_api, clock):
    """The DDPP agent, created without a factor (the test stage), enrolled at the first login;
    `.secret` is the authenticator app's."""
    agent = staff(new_api, AUTHORITY)
    agent.secret = enrol_totp(agent)
    clock.shift(timedelta(seconds=30))
    return agent


def _create(who):
    from dev import admin

    assert admin.main(["create-user", who[0], "--password", who[1], "--organisation", who[2]]) == 0


def enrol_totp(person) -> str:
    """Adds an authenticator app; returns its secret."""
    started = person.post("/api/me/second-factors/totp")
    assert started.status_code == 200, started.json_body
    secret = started.json_body["secret"]
    confirmed = person.post("/api/me/second-factors/totp/confirm",
                            {"code": pyotp.TOTP(secret).now(), "name": "phone"})
    assert confirmed.status_code == 201, confirmed.json_body
    return secret


def password_step(person, email_address, password=PASSWORD):
    answer = person.post("/api/session", {"email": email_address, "password": password})
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


def second_step(person, **sent):
    answer = person.post("/api/session/second-factor", sent)
    if answer.status_code == 200:
        person.csrf = answer.json_body["csrf_token"]
    return answer




# --- who must, and enrolment -----------------------------------------------------------------

def test_an_authority_without_a_factor_may_only_enrol_after_the_password(aws, new_api, mailbox, clock):
    _create(AUTHORITY)
    agent = new_api()
    session = agent.log_in(AGENT, AUTHORITY[1]).json_body
    assert session["must_enrol_second_factor"] is True
    refused = agent.get("/api/authority/accounts")
    assert refused.status_code == 403 and error_code(refused) == "second_factor_required"
    assert agent.get("/api/me").json_body["must_enrol_second_factor"] is True
    started = agent.post("/api/me/second-factors/totp").json_body
    assert started["uri"].startswith("otpauth://totp/TRACES:") and f"secret={started['secret']}" in started["uri"]
    assert started["qr_svg"].startswith("<svg")
    wrong = agent.post("/api/me/second-factors/totp/confirm", {"code": "000000"})
    assert wrong.status_code == 400 and "code" in wrong.json_body["error"]["fields"]
    assert agent.get("/api/authority/accounts").status_code == 403        # not yet effective
    code = pyotp.TOTP(started["secret"]).now()
    added = agent.post("/api/me/second-factors/totp/confirm", {"code": code, "name": "Phone"})
    assert added.status_code == 201 and added.json_body["method"] == "totp"
    assert agent.get("/api/authority/accounts").status_code == 200
    listed = agent.get("/api/me/second-factors").json_body
    assert [f["name"] for f in listed["second_factors"]] == ["Phone"] and listed["required"] is True
    assert "secret" not in str(listed)
    account = stored(AGENT)
    assert "add_second_factor" in audit_actions(account.id)
    assert "A sign-in method was added to your account" in subjects(mailbox, AGENT) or \
        "Une méthode de connexion a été ajoutée à votre compte" in subjects(mailbox, AGENT)


def test_a_control_body_person_must_enrol_too_and_an_operator_need_not(api, mailbox, authority, new_api):
    _create(CONTROLLER)
    assert new_api().log_in(*CONTROLLER[:2]).json_body["must_enrol_second_factor"] is True
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    assert person.get("/api/me").json_body["must_enrol_second_factor"] is False


@pytest.mark.parametrize("setting, must", [("all", True), ("none", False)])
def test_the_setting_chooses_who_must(api, mailbox, authority, new_api, monkeypatch, setting, must):
    make_valid(api, mailbox, authority, EMAIL)
    monkeypatch.setenv("TRACES_SECOND_FACTOR_REQUIRED", setting)
    assert logged_in(new_api, EMAIL).get("/api/me").json_body["must_enrol_second_factor"] is must


def test_the_authenticator_secret_is_encrypted_at_rest_with_kms(aws, authority, new_api, clock):
    from chalicelib import keys

    secret = authority.secret
    account = stored(AGENT)
    (factor,) = account.factors.values()
    assert secret not in str(account.attribute_values)
    assert keys.decrypt(factor["secret"], account.id) == secret
    with pytest.raises(ClientError):               # bound to its account: KMS refuses another context
        keys.decrypt(factor["secret"], "0" * 32)


# --- the second step ---------------------------------------------------------------------------

def test_the_password_alone_opens_no_session_and_a_code_does(aws, authority, new_api, clock):
    secret = authority.secret
    agent = new_api()
    pending = password_step(agent, AGENT, AUTHORITY[1])
    assert pending["second_factor"] == ["totp"] and pending["passkey_options"] is None
    assert agent.get("/api/me").status_code == 401
    opened = second_step(agent, method="totp", code=pyotp.TOTP(secret).now())
    assert opened.status_code == 200 and opened.json_body["user"]["email"] == AGENT
    assert agent.get("/api/authority/accounts").status_code == 200


def test_a_code_is_accepted_once_and_one_step_of_drift_either_way(aws, authority, new_api, clock):
    totp = pyotp.TOTP(authority.secret)
    clock.shift(timedelta(seconds=60))           # the enrolment's code is two steps behind
    agent = new_api()
    password_step(agent, AGENT, AUTHORITY[1])
    used = totp.at(time.time() - 30)
    assert second_step(agent, method="totp", code=used).status_code == 200   # one step late
    password_step(agent, AGENT, AUTHORITY[1])
    replayed = second_step(agent, method="totp", code=used)
    assert replayed.status_code == 401 and error_code(replayed) == "code_already_used"
    assert second_step(agent, method="totp", code=totp.at(time.time() + 60)).status_code == 401
    assert second_step(agent, method="totp", code=totp.at(time.time() + 30)).status_code == 200


def test_wrong_codes_count_toward_the_lock_and_the_password_alone_does_not_reset_them(aws, authority, new_api, mailbox,
                                                                                       clock):
    secret = authority.secret
    agent = new_api()
    for attempt in range(4):
        password_step(agent, AGENT, AUTHORITY[1])
        wrong = second_step(agent, method="totp", code="123456" if attempt % 2 else "654321")
        assert wrong.status_code == 401 and error_code(wrong) == "invalid_code"
    password_step(agent, AGENT, AUTHORITY[1])
    assert stored(AGENT).failed_logins == 4
    assert second_step(agent, method="recovery_code", code="nope-nope-nope").status_code == 401
    account = stored(AGENT)
    assert account.locked_reason == "failed_logins"
    assert second_step(agent, method="totp", code=pyotp.TOTP(secret).now()).status_code == 401
    assert any("verrouillé" in s or "locked" in s for s in subjects(mailbox, AGENT))


def test_a_completed_sign_in_resets_the_failure_count(aws, authority, new_api, clock):
    secret = authority.secret
    agent = new_api()
    password_step(agent, AGENT, AUTHORITY[1])
    second_step(agent, method="totp", code="000000")
    assert second_step(agent, method="totp", code=pyotp.TOTP(secret).now()).status_code == 200
    assert stored(AGENT).failed_logins == 0


def test_a_pending_login_expires_after_five_minutes(aws, authority, new_api, clock):
    secret = authority.secret
    agent = new_api()
    password_step(agent, AGENT, AUTHORITY[1])
    clock.shift(timedelta(minutes=5))
    late = second_step(agent, method="totp", code=pyotp.TOTP(secret).now())
    assert late.status_code == 410 and error_code(late) == "login_expired"


def test_the_second_step_without_a_pending_login_or_without_factors_is_refused(aws, new_api, authority, clock):
    lone = new_api()
    missing = second_step(lone, method="totp", code="123456")
    assert missing.status_code == 401 and error_code(missing) == "login_expired"
    secret = authority.secret
    other = new_api()
    password_step(other, AGENT, AUTHORITY[1])
    from chalicelib.store.accounts import Account

    stored(AGENT).update(actions=[Account.second_factors.set({})])   # e.g. reset meanwhile
    gone = second_step(other, method="totp", code=pyotp.TOTP(secret).now())
    assert gone.status_code == 409 and error_code(gone) == "no_second_factor"


def test_two_right_codes_at_once_open_one_session(atomic_dynamodb, authority, new_api, clock):
    from chalicelib.services import second_step as step

    secret = authority.secret
    cookies = []
    for _ in range(2):
        person = new_api()
        password_step(person, AGENT, AUTHORITY[1])
        cookies.append(person.cookie.split("=", 1)[1])
    code = pyotp.TOTP(secret).now()
    results = at_once(*[lambda c=c: step.complete(c, {"method": "totp", "code": code}, clock_now())
                        for c in cookies])
    opened = [r for r in results if isinstance(r, tuple)]
    assert len(opened) == 1, results
    (refused,) = [r for r in results if not isinstance(r, tuple)]
    assert refused.code == "code_already_used"


def test_one_pending_login_opens_one_session_whatever_arrives_at_once(atomic_dynamodb, authority, new_api, clock):
    from chalicelib.services import second_step as step

    agent, secret = authority, authority.secret
    codes = agent.post("/api/me/recovery-codes").json_body["codes"]
    person = new_api()
    password_step(person, AGENT, AUTHORITY[1])
    cookie = person.cookie.split("=", 1)[1]
    results = at_once(lambda: step.complete(cookie, {"method": "totp", "code": pyotp.TOTP(secret).now()}, clock_now()),
                      lambda: step.complete(cookie, {"method": "recovery_code", "code": codes[0]}, clock_now()))
    assert sum(isinstance(r, tuple) for r in results) == 1, results
    assert [r.code for r in results if not isinstance(r, tuple)] == ["login_expired"]


def test_the_failure_counter_is_exact_under_concurrent_wrong_codes(atomic_dynamodb, authority, new_api, clock):
    from chalicelib.services import second_step as step

    person = new_api()
    password_step(person, AGENT, AUTHORITY[1])
    cookie = person.cookie.split("=", 1)[1]
    results = at_once(*[lambda c=f"{i:06d}": step.complete(cookie, {"method": "totp", "code": c}, clock_now())
                        for i in range(4)])
    assert all(r.code == "invalid_code" for r in results), results
    assert stored(AGENT).failed_logins == 4 and not stored(AGENT).locked


def clock_now():
    from chalicelib.api.http import now

    return now()


# --- recovery codes ----------------------------------------------------------------------------

def test_recovery_codes_are_ten_single_use_and_a_new_set_replaces_the_old(aws, authority, new_api, mailbox, clock):
    agent = authority
    first = agent.post("/api/me/recovery-codes")
    assert first.status_code == 201 and len(set(first.json_body["codes"])) == 10
    codes = first.json_body["codes"]
    assert all(code not in str(stored(AGENT).attribute_values) for code in codes)      # hashed
    person = new_api()
    password_step(person, AGENT, AUTHORITY[1])
    assert second_step(person, method="recovery_code", code=codes[0].upper().replace("-", " ")).status_code == 200
    password_step(person, AGENT, AUTHORITY[1])
    again = second_step(person, method="recovery_code", code=codes[0])
    assert again.status_code == 401 and error_code(again) == "code_already_used"
    listed = agent.get("/api/me/second-factors").json_body["second_factors"]
    assert [f["remaining"] for f in listed if f["method"] == "recovery_code"] == [9]
    renewed = agent.post("/api/me/recovery-codes").json_body["codes"]
    password_step(person, AGENT, AUTHORITY[1])
    assert error_code(second_step(person, method="recovery_code", code=codes[1])) == "invalid_code"
    assert second_step(person, method="recovery_code", code=renewed[1]).status_code == 200


def test_recovery_codes_need_a_factor_first(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    refused = person.post("/api/me/recovery-codes")
    assert refused.status_code == 409 and error_code(refused) == "no_second_factor"


# --- removal and the fresh proof ---------------------------------------------------------------

def test_removing_a_factor_needs_a_fresh_proof(aws, authority, new_api, mailbox, clock):
    agent = authority
    enrol_totp(agent)
    first = agent.get("/api/me/second-factors").json_body["second_factors"][0]["id"]
    clock.shift(timedelta(minutes=6))
    stale = agent.delete(f"/api/me/second-factors/{first}")
    assert stale.status_code == 403 and error_code(stale) == "fresh_proof_required"
    wrong = agent.post("/api/session/proof", {"password": "Not-The-Password-1!"})
    assert wrong.status_code == 400 and stored(AGENT).failed_logins == 1
    assert agent.post("/api/session/proof", {"password": AUTHORITY[1]}).status_code == 200
    assert agent.delete(f"/api/me/second-factors/{first}").status_code == 204
    assert len(agent.get("/api/me/second-factors").json_body["second_factors"]) == 1
    assert "remove_second_factor" in audit_actions(stored(AGENT).id)


def test_the_last_factor_of_a_person_who_must_have_one_stays(aws, authority, new_api, clock):
    agent = authority
    only = agent.get("/api/me/second-factors").json_body["second_factors"][0]["id"]
    refused = agent.delete(f"/api/me/second-factors/{only}")
    assert refused.status_code == 409 and error_code(refused) == "last_second_factor"
    assert agent.delete("/api/me/second-factors/" + "f" * 32).status_code == 404


def test_a_person_who_need_not_may_remove_every_factor_and_the_codes_go_with_it(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    enrol_totp(person)
    person.post("/api/me/recovery-codes")
    only = person.get("/api/me/second-factors").json_body["second_factors"][0]["id"]
    assert person.delete(f"/api/me/second-factors/{only}").status_code == 204
    assert person.get("/api/me/second-factors").json_body["second_factors"] == []
    answer = logged_in(new_api, EMAIL).post("/api/session", {"email": EMAIL, "password": PASSWORD})
    assert "csrf_token" in answer.json_body


# --- the authority's reset ---------------------------------------------------------------------

def test_the_authority_resets_a_persons_factors(api, mailbox, new_api, clock):
    _create(AUTHORITY)
    _create(CONTROLLER)
    controller = new_api()
    controller.log_in(*CONTROLLER[:2])
    enrol_totp(controller)
    boss = new_api()
    boss.log_in(AGENT, AUTHORITY[1])
    enrol_totp(boss)
    target = stored(CONTROLLER[0])
    # The control body's person is not in the DDPP 69's jurisdiction: 404, as for other actions.
    outside = boss.post(f"/api/authority/accounts/{target.id}/reset-second-factor")
    assert outside.status_code == 404
    make_valid(api, mailbox, boss, EMAIL)
    person = logged_in(new_api, EMAIL)
    enrol_totp(person)
    ident = stored(EMAIL).id
    reset = boss.post(f"/api/authority/accounts/{ident}/reset-second-factor")
    assert reset.status_code == 200 and reset.json_body == {"status": "valid"}
    assert person.get("/api/me").status_code == 401                      # sessions ended
    assert stored(EMAIL).factors == {} and "reset_second_factor" in audit_actions(ident)
    assert mailbox.last(EMAIL)["Subject"] in ("Vos seconds facteurs ont été réinitialisés",
                                             "Your second factors have been reset")
    assert "csrf_token" in password_step(new_api(), EMAIL)


# --- passkeys ----------------------------------------------------------------------------------

def enrol_passkey(person, authenticator=None) -> SoftAuthenticator:
    authenticator = authenticator or SoftAuthenticator()
    options = person.post("/api/me/second-factors/passkeys/options")
    assert options.status_code == 200, options.json_body
    assert options.json_body["rp"]["id"] == "traces.test"
    added = person.post("/api/me/second-factors/passkeys",
                        {"credential": authenticator.create(options.json_body), "name": "Laptop"})
    assert added.status_code == 201, added.json_body
    return authenticator


@pytest.fixture
def passkey_agent(aws, new_api, clock):
    """The DDPP agent, whose first login enrolled a passkey (`.key`, its authenticator)."""
    _create(AUTHORITY)
    agent = new_api()
    agent.log_in(AGENT, AUTHORITY[1])
    agent.key = enrol_passkey(agent)
    return agent


def test_a_passkey_is_enrolled_and_is_a_second_step(passkey_agent, aws, new_api, clock):
    key = passkey_agent.key
    assert passkey_agent.get("/api/authority/accounts").status_code == 200    # enrolled: no longer restricted
    person = new_api()
    pending = password_step(person, AGENT, AUTHORITY[1])
    assert pending["second_factor"] == ["passkey"]
    options = pending["passkey_options"]
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(key.credential_id)]
    assert second_step(person, method="passkey", credential=key.get(options)).status_code == 200


def test_a_passkey_alone_signs_in(passkey_agent, aws, new_api, clock):
    key = passkey_agent.key
    person = new_api()
    options = person.post("/api/session/passkey/options")
    assert options.status_code == 200 and options.json_body["second_factor"] == ["passkey"]
    opened = person.post("/api/session/passkey", {"credential": key.get(options.json_body["passkey_options"])})
    assert opened.status_code == 200 and opened.json_body["user"]["email"] == AGENT
    person.csrf = opened.json_body["csrf_token"]
    assert person.get("/api/authority/accounts").status_code == 200


def test_a_passkey_counter_going_backwards_refuses_the_login(passkey_agent, aws, new_api, clock):
    key = passkey_agent.key
    person = new_api()
    options = person.post("/api/session/passkey/options").json_body["passkey_options"]
    assert person.post("/api/session/passkey", {"credential": key.get(options, counter=7)}).status_code == 200
    options = person.post("/api/session/passkey/options").json_body["passkey_options"]
    cloned = person.post("/api/session/passkey", {"credential": key.get(options, counter=3)})
    assert cloned.status_code == 401 and error_code(cloned) == "passkey_counter_went_backwards"


@pytest.mark.parametrize("where", [{"origin": "https://traces.evil.example"}, {"rp_id": "evil.example"}])
def test_a_passkey_answer_for_another_site_is_refused(passkey_agent, aws, new_api, clock, where):
    key = passkey_agent.key
    person = new_api()
    pending = password_step(person, AGENT, AUTHORITY[1])
    refused = second_step(person, method="passkey", credential=key.get(pending["passkey_options"], **where))
    assert refused.status_code == 401 and error_code(refused) == "passkey_wrong_site"
    assert stored(AGENT).failed_logins == 1


def test_a_passkey_created_for_another_site_is_not_enrolled(aws, new_api, clock):
    _create(AUTHORITY)
    agent = new_api()
    agent.log_in(AGENT, AUTHORITY[1])
    options = agent.post("/api/me/second-factors/passkeys/options").json_body
    foreign = SoftAuthenticator().create(options, origin="https://phishing.example")
    refused = agent.post("/api/me/second-factors/passkeys", {"credential": foreign, "name": "Key"})
    assert refused.status_code == 401 and error_code(refused) == "passkey_wrong_site"


# --- the DynamoDB budget (SPEC 10) --------------------------------------------------------------

def test_every_second_factor_operation_stays_within_three_dynamodb_calls(aws, authority, new_api, clock):
    from bench.counting import counting

    secret = authority.secret
    person = new_api()
    measured = {}

    def measure(name, call):
        with counting() as counter:
            answer = call()
        measured[name] = (answer.status_code, counter.total, counter.calls.get("Scan", 0))

    measure("password step", lambda: person.post("/api/session", {"email": AGENT, "password": AUTHORITY[1]}))
    measure("wrong code", lambda: second_step(person, method="totp", code="000000"))
    measure("second step", lambda: second_step(person, method="totp", code=pyotp.TOTP(secret).now()))
    measure("list", lambda: person.get("/api/me/second-factors"))
    measure("totp start", lambda: person.post("/api/me/second-factors/totp"))
    measure("recovery codes", lambda: person.post("/api/me/recovery-codes"))
    measure("passkey options", lambda: person.post("/api/me/second-factors/passkeys/options"))
    measure("proof", lambda: person.post("/api/session/proof", {"password": AUTHORITY[1]}))
    measure("passkey sign-in options", lambda: new_api().post("/api/session/passkey/options"))
    assert all(calls <= 3 and not scans for _, calls, scans in measured.values()), measured


# --- with a temporary password (SPEC 1.7) -------------------------------------------------------

def test_a_temporary_password_also_asks_for_the_second_factor_and_then_the_change(authority, new_api, mailbox, clock):
    new_api().post("/api/password/forgot", {"email": AGENT})
    temporary = mailbox.temporary_password(AGENT)
    person = new_api()
    assert password_step(person, AGENT, temporary)["second_factor"] == ["totp"]
    opened = second_step(person, method="totp", code=pyotp.TOTP(authority.secret).now())
    assert opened.status_code == 200 and opened.json_body["must_change_password"] is True
    assert error_code(person.get("/api/authority/accounts")) == "password_change_required"


def test_on_a_locked_account_a_wrong_code_after_the_temporary_password_retires_it(authority, new_api, mailbox, clock):
    person = new_api()
    for _ in range(5):
        assert person.post("/api/session", {"email": AGENT, "password": "Not-The-Password-1!"}).status_code == 401
    assert stored(AGENT).locked
    new_api().post("/api/password/forgot", {"email": AGENT})
    temporary = mailbox.temporary_password(AGENT)
    password_step(person, AGENT, temporary)
    assert error_code(second_step(person, method="totp", code="000000")) == "invalid_code"
    assert person.post("/api/session", {"email": AGENT, "password": temporary}).status_code == 401
    assert stored(AGENT).locked
