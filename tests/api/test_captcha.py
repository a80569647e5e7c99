"""The anti-automation code (SPEC 1.1): on in every stage but `test`; single-use; expiring."""
import dataclasses
from datetime import timedelta
from unittest import mock

import pytest

from chalicelib import config
from tests.conftest import registration

CODE = "777777"


@pytest.fixture
def captcha_on():
    from chalicelib.api import accounts

    with mock.patch.object(accounts, "settings", dataclasses.replace(config.current(), captcha_enabled=True)), \
            mock.patch("chalicelib.services.captcha.new_code", return_value=CODE):
        yield


def test_the_challenge_is_an_image_and_a_spoken_version(api, captcha_on):
    challenge = api.get("/api/captcha").json_body
    assert challenge["image"].startswith("data:image/png;base64,")
    assert challenge["audio"].startswith("data:audio/wav;base64,")


def test_registration_needs_the_right_code_once(api, mailbox, captcha_on):
    challenge = api.get("/api/captcha").json_body["captcha_id"]
    wrong = api.post("/api/accounts", registration(captcha_id=challenge, captcha_answer="123456"))
    assert wrong.status_code == 400 and "captcha_answer" in wrong.json_body["error"]["fields"]
    # A wrong answer used the challenge up: the right code no longer works with it.
    again = api.post("/api/accounts", registration(captcha_id=challenge, captcha_answer=CODE))
    assert again.status_code == 400
    assert mailbox.messages() == []
    fresh = api.get("/api/captcha").json_body["captcha_id"]
    assert api.post("/api/accounts", registration(captcha_id=fresh, captcha_answer=CODE)).status_code == 202
    replay = api.post("/api/accounts", registration("other@bio-lyon.fr", captcha_id=fresh, captcha_answer=CODE))
    assert replay.status_code == 400


def test_a_missing_or_expired_code_is_refused(api, mailbox, captcha_on):
    import time_machine

    assert api.post("/api/accounts", registration()).status_code == 400
    with time_machine.travel("2026-11-23 10:00Z", tick=False) as clock:
        challenge = api.get("/api/captcha").json_body["captcha_id"]
        clock.shift(timedelta(minutes=11))
        late = api.post("/api/accounts", registration(captcha_id=challenge, captcha_answer=CODE))
    assert late.status_code == 400 and mailbox.messages() == []


def test_every_field_error_comes_with_the_code_error_in_one_answer(api, mailbox, captcha_on):
    challenge = api.get("/api/captcha").json_body["captcha_id"]
    half = {"email": "marie.dupont@bio-lyon.fr", "first_name": "Marie", "captcha_id": challenge,
            "captcha_answer": "000000"}
    response = api.post("/api/accounts", half)
    assert response.status_code == 400
    fields = response.json_body["error"]["fields"]
    assert {"email_confirmation", "password", "secret_question_id", "secret_answer", "last_name",
            "organisation", "captcha_answer"} <= set(fields), fields
    assert "email" not in fields and "first_name" not in fields
    # Nothing sent at all: the fields and the missing code, together.
    empty = api.post("/api/accounts", {}).json_body["error"]["fields"]
    assert {"email", "password", "first_name", "captcha_answer"} <= set(empty), empty
    assert mailbox.messages() == []


def test_a_right_code_with_wrong_fields_names_only_the_fields_and_is_spent(api, mailbox, captcha_on):
    challenge = api.get("/api/captcha").json_body["captcha_id"]
    wrong = api.post("/api/accounts", registration(password_confirmation="Other-Password-2026!",
                                                   captcha_id=challenge, captcha_answer=CODE))
    assert wrong.status_code == 400
    assert set(wrong.json_body["error"]["fields"]) == {"password_confirmation"}
    # The code served once: with the fields put right it is refused, and a fresh one works.
    again = api.post("/api/accounts", registration(captcha_id=challenge, captcha_answer=CODE))
    assert again.status_code == 400 and set(again.json_body["error"]["fields"]) == {"captcha_answer"}
    fresh = api.get("/api/captcha").json_body["captcha_id"]
    assert api.post("/api/accounts", registration(captcha_id=fresh, captcha_answer=CODE)).status_code == 202


def test_an_organisation_missing_from_the_directory_is_named_with_the_code_error(api, captcha_on):
    challenge = api.get("/api/captcha").json_body["captcha_id"]
    response = api.post("/api/accounts", registration(organisation={"id": "NOT-IN-DIRECTORY"},
                                                      captcha_id=challenge, captcha_answer="1"))
    assert set(response.json_body["error"]["fields"]) == {"organisation", "captcha_answer"}


# ---- the test-only hook: the code in clear, for the browser tests of the local stage

def _stored_code(challenge_id: str):
    from chalicelib.services import credentials
    from chalicelib.store.tokens import Token

    return Token.get(credentials.token_hash(challenge_id)).test_code


def test_the_code_is_kept_in_clear_only_when_the_test_hook_is_on(api, captcha_on):
    from chalicelib.services import captcha

    assert _stored_code(api.get("/api/captcha").json_body["captcha_id"]) is None
    with mock.patch.object(captcha, "settings", dataclasses.replace(config.current(), captcha_test_hook=True)):
        challenge = api.get("/api/captcha").json_body["captcha_id"]
    assert _stored_code(challenge) == CODE
    assert "code" not in api.get("/api/captcha").json_body  # never in what the API answers


@pytest.mark.parametrize("stage", ["prod", "dev", "anything"])
def test_stages_other_than_local_and_test_refuse_the_hook(monkeypatch, stage):
    monkeypatch.setenv("TRACES_STAGE", stage)
    monkeypatch.setenv("TRACES_CAPTCHA_TEST_HOOK", "true")
    with pytest.raises(ValueError, match="TRACES_CAPTCHA_TEST_HOOK"):
        config.load()
    monkeypatch.setenv("TRACES_CAPTCHA_TEST_HOOK", "false")
    assert config.load().captcha_test_hook is False


@pytest.mark.parametrize("stage", ["local", "test"])
def test_local_and_test_stages_may_turn_the_hook_on(monkeypatch, stage):
    monkeypatch.setenv("TRACES_STAGE", stage)
    monkeypatch.setenv("TRACES_CAPTCHA_TEST_HOOK", "true")
    assert config.load().captcha_test_hook is True


def test_no_deployed_stage_configures_the_hook():
    import json

    from tests.conftest import ROOT

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for name, stage in config["stages"].items():
        values = {**config["environment_variables"], **stage.get("environment_variables", {})}
        assert values.get("TRACES_CAPTCHA_TEST_HOOK", "false") == "false", name
