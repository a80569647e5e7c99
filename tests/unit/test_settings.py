"""A setting that cannot be used stops the start with its name (chalicelib/config.py), instead of
becoming a 500 at the first request that reads it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib import config

ROOT = Path(__file__).resolve().parents[2]
BAD = {"TRACES_SESSION_IDLE_MINUTES": "half an hour", "TRACES_SECURE_COOKIES": "ture",
       "TRACES_MAIL_PER_HOUR": "0", "TRACES_PASSWORD_HASH_PROFILE": "fast", "TRACES_SITE_URL": "traces.example.eu"}


def test_every_setting_that_cannot_be_used_is_named_at_once():
    with pytest.raises(ValueError) as refused:
        config.load(BAD)
    assert all(name in str(refused.value) for name in BAD), refused.value


def test_switches_and_numbers_as_the_stages_write_them_are_read():
    found = config.load({"TRACES_SECURE_COOKIES": "false", "TRACES_CAPTCHA": "True", "TRACES_MAIL_PER_HOUR": "7"})
    assert (found.secure_cookies, found.captcha_enabled, found.mail_per_hour) == (False, True, 7)


def test_each_hash_profile_a_stage_may_name_makes_a_hasher():
    from chalicelib.services import credentials

    assert all(credentials._hasher_of(name) for name in config.HASH_PROFILES)


def _environment(**changes) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("TRACES_")}, **changes}


def test_the_api_does_not_start_with_a_setting_it_cannot_use():
    started = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, capture_output=True, text=True,
                             env=_environment(TRACES_SESSION_IDLE_MINUTES="half an hour"))
    assert started.returncode != 0 and "TRACES_SESSION_IDLE_MINUTES" in started.stderr, started.stderr
    assert subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=_environment()).returncode == 0


def test_the_local_system_starts_nothing_with_a_setting_it_cannot_use(tmp_path):
    started = subprocess.run([sys.executable, "-m", "dev.run", "--port", "0", "--var", str(tmp_path), "--no-jobs"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env=_environment(TRACES_MAIL_PER_HOUR="many"))
    assert started.returncode == 1 and "TRACES_MAIL_PER_HOUR" in started.stderr, started.stderr
    assert not (tmp_path / "run.json").exists() and "moto server" not in started.stdout


def test_every_stage_of_the_chalice_configuration_can_be_used():
    from deploy import template

    for stage in template.chalice_config()["stages"]:
        assert config.load(template.stage_environment(stage)).stage == stage
