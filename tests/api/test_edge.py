"""The API's edge against hostile input (issue 10): what an outsider's attack battery found."""
import json

from tests.api.conftest import error_code


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_deeply_nested_json_is_refused_with_400_not_500(api, mailbox):
    for levels in (6000, 8000):          # both under the 16 KiB limit
        body = '{"email": ' + nested(levels) + ', "password": "x"}'
        response = api.post("/api/session", raw=body)
        assert response.status_code == 400, (levels, response.status_code)
        assert error_code(response) == "invalid_input"


def test_json_nested_just_past_the_limit_is_refused_and_within_it_is_judged(api, mailbox):
    from chalicelib.api.http import MAX_DEPTH

    deep = {"email": json.loads(nested(MAX_DEPTH)), "password": "x"}
    assert api.post("/api/session", raw=json.dumps(deep)).status_code == 400
    fine = api.post("/api/session", {"email": "nobody@bio-lyon.fr", "password": "Whatever-2026!"})
    assert (fine.status_code, error_code(fine)) == (401, "invalid_credentials")


# --- settings come from the environment of the request being run (SPEC 9) -----------------

FRESH_PROCESS = r'''
import json, os, sys
sys.path.insert(0, os.getcwd())
from moto import mock_aws

with mock_aws():
    from dev import admin                      # imports the settings first, as SPEC 9 documents
    assert admin.main(["init"]) == 0
    from chalice.test import Client
    from app import app
    from tests.conftest import registration
    with Client(app, stage_name="test", project_dir=os.getcwd()) as client:
        response = client.http.post("/api/accounts", body=json.dumps(registration()),
                                    headers={"Content-Type": "application/json"})
        print(response.status_code, response.body.decode())
'''


def test_a_fresh_process_that_ran_admin_init_first_gets_the_test_stage_of_its_client():
    """`dev.admin.main(["init"])` read the settings before the Client applied the `test` stage:
    the stage's TRACES_CAPTCHA=false must still turn the anti-automation check off."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACES_")}
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == '202 {"status":"new"}', done.stdout


def test_each_request_reads_the_settings_of_its_own_environment(api, mailbox, monkeypatch):
    from tests.conftest import registration

    monkeypatch.setenv("TRACES_CAPTCHA", "true")
    from chalicelib.config import settings

    assert settings.captcha_enabled
    monkeypatch.setenv("TRACES_CAPTCHA", "false")
    assert not settings.captcha_enabled
    # The Client applies the test stage (captcha off) around each request, whatever the process had.
    monkeypatch.setenv("TRACES_CAPTCHA", "true")
    assert api.post("/api/accounts", registration()).status_code == 202


def test_table_names_follow_the_stage_prefix_of_the_moment(monkeypatch):
    from chalicelib.store.accounts import Account

    assert Account.Meta.table_name == "traces-test-accounts"
    monkeypatch.setenv("TRACES_TABLE_PREFIX", "traces-local-")
    assert Account.Meta.table_name == "traces-local-accounts"


def test_a_fixed_settings_is_the_current_one_replaced_and_settings_fakes_no_dataclass():
    import dataclasses

    from chalicelib.config import Settings, current, settings

    fixed = dataclasses.replace(current(), captcha_enabled=True)
    assert isinstance(fixed, Settings) and fixed.captcha_enabled
    assert fixed.table_prefix == settings.table_prefix
    assert not dataclasses.is_dataclass(settings)


# --- security headers on every response -----------------------------------------------------

SECURITY = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer"}


def assert_secured(response):
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (name, response.status_code, response.headers)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_every_kind_of_response_carries_the_security_headers(api, mailbox, monkeypatch):
    from tests.conftest import registration

    answers = {
        "ok": api.get("/api/reference/secret-questions"),
        "accepted": api.post("/api/accounts", registration()),
        "description": api.get("/api/openapi.json"),
        "invalid": api.post("/api/session", {"email": 3}),
        "not logged in": api.get("/api/me"),
        "expired or unknown link": api.post("/api/accounts/confirm", {"token": "x" * 43}),
        "too large": api.post("/api/accounts", raw="{" + " " * 20_000 + "}"),
    }
    from chalicelib.services import login

    monkeypatch.setattr(login, "log_in", lambda *args: 1 / 0)
    answers["crash"] = api.post("/api/session", {"email": "a@b.fr", "password": "x"})
    assert [r.status_code for r in answers.values()] == [200, 202, 200, 400, 401, 404, 413, 500]
    for response in answers.values():
        assert_secured(response)
        assert response.headers["Content-Type"] == "application/json", response.status_code


def test_what_chalice_answers_itself_is_in_the_error_format_with_the_headers(new_api):
    english = new_api("en")
    wrong_method = english.call("PUT", "/api/me", {})
    assert wrong_method.status_code == 405
    assert wrong_method.json_body == {"error": {"code": "method_not_allowed",
                                                "message": "This method is not allowed here."}}
    wrong_type = english.post("/api/session", {}, headers={"Content-Type": "text/plain"})
    assert (wrong_type.status_code, error_code(wrong_type)) == (415, "unsupported_media_type")
    for response in (wrong_method, wrong_type):
        assert_secured(response)
        assert response.headers["Content-Language"] == "en"


# --- defects the schema-driven fuzzer found (tests/api/test_fuzz.py) --------------------------

def test_an_organisation_contact_email_that_is_not_text_is_a_field_error(authority):
    for email in ([None, None], {"a": 1}, 5):
        response = authority.post("/api/organisations", {
            "name": "Bio Test", "country": "FR", "city": "Lyon", "postal_code": "69002",
            "address": "1 quai", "contacts": {"email": email}})
        assert response.status_code == 400, email
        assert "contacts.email" in response.json_body["error"]["fields"], email
