"""The anti-automation code (SPEC 1.1): on in every stage but `test`; single-use; expiring."""
import dataclasses
from datetime import timedelta
from unittest import mock

import pytest

from tests.conftest import registration

CODE = "777777"


@pytest.fixture
def captcha_on():
    from chalicelib.api import accounts

    with mock.patch.object(accounts, "settings", dataclasses.replace(accounts.settings, captcha_enabled=True)), \
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
