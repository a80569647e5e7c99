"""Shared test set-up: the `test` stage's environment, a fresh mocked AWS per test, the API
client with a cookie jar, and a mailbox that reads what SES received."""
import email
import json
import os
import re
from email import policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_stage = json.loads((ROOT / ".chalice" / "config.json").read_text())
os.environ.update(_stage["environment_variables"])
os.environ.update(_stage["stages"]["test"]["environment_variables"])
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_SESSION_TOKEN="testing", AWS_DEFAULT_REGION="eu-west-1")
os.environ.pop("AWS_ENDPOINT_URL", None)
# SPEC 1.9's second factor is asked of authorities and control bodies by default; the tests that
# are about something else sign them in with a password alone (tests/api/test_second_factor.py
# and the browser tests run with the default).
os.environ.setdefault("TRACES_SECOND_FACTOR_REQUIRED", "none")

PASSWORD = "Grenoble-Alpes-2026!"
ANSWER = "Mont Blanc"


@pytest.fixture
def aws():
    from moto import mock_aws

    from chalicelib import keys
    from chalicelib.delivery import queue
    from chalicelib.mail import mailer
    from chalicelib.store.tables import MODELS
    from dev import admin

    with mock_aws():
        for model in MODELS:
            model._connection = None
        mailer.reset_client()
        keys.reset_client()
        queue.reset_client()
        assert admin.main(["init"]) == 0
        yield


class Mailbox:
    """The e-mails SES received, parsed."""

    def messages(self, to: str | None = None) -> list:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
        parsed = [email.message_from_string(m.raw_data, policy=policy.default) for m in sent]
        return [m for m in parsed if to is None or m["To"] == to]

    def last(self, to: str):
        found = self.messages(to)
        assert found, f"no e-mail to {to}"
        return found[-1]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str | None:
        part = message.get_body(preferencelist=("html",))
        return part.get_content() if part and part.get_content_type() == "text/html" else None

    def token(self, to: str) -> str:
        return re.search(r"token=([A-Za-z0-9_-]+)", self.text(self.last(to))).group(1)

    def temporary_password(self, to: str) -> str:
        return re.search(r"\bTR\d{12}\b", self.text(self.last(to))).group(0)


@pytest.fixture
def mailbox(aws):
    return Mailbox()


class Contract:
    """What /api/openapi.json promises: every answer an API test receives is checked against it
    (its status described for the operation, its body in the described schema, its media type),
    so that the description is tested by every test, not only by the fuzzer."""

    def __init__(self):
        from chalice.local import RouteMatcher
        from jsonschema import Draft202012Validator

        from app import app
        from chalicelib.api.openapi import describe

        self.document = describe(app.routes)
        self.routes = RouteMatcher(list(self.document["paths"]))
        self.validator = Draft202012Validator

    def check(self, method: str, path: str, response) -> None:
        try:
            template = self.routes.match_route(path).route
        except ValueError:
            template = None
        operation = (self.document["paths"].get(template) or {}).get(method.lower())
        where = f"{method} {path} answered {response.status_code}"
        if operation is None:            # no such route: the gateway's own 403/404/405
            assert response.status_code in (403, 404, 405), where
            return
        described = operation["responses"].get(str(response.status_code))
        if response.status_code == 500:  # never described (the fuzzer refuses it), but in the format
            described = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        assert described is not None, f"{where}, not described ({sorted(operation['responses'])})"
        if "$ref" in described:
            described = self.document["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
        content = described.get("content")
        if not content:
            return
        media, = content
        assert response.headers.get("Content-Type", "").split(";")[0] == media, where
        if media == "application/json":
            schema = {**content[media]["schema"], "components": self.document["components"]}
            errors = sorted(self.validator(schema).iter_errors(json.loads(response.body)), key=str)
            assert not errors, f"{where}, outside its schema: {errors[0].message} at {list(errors[0].path)}"


_contract = []


def contract() -> Contract:
    if not _contract:
        _contract.append(Contract())
    return _contract[0]


class Api:
    """chalice.test.Client with JSON bodies, a cookie jar and the CSRF header; every answer is
    checked against the API's description (Contract)."""

    def __init__(self, client, language="fr"):
        self.client, self.cookie, self.csrf, self.language = client, None, None, language

    def call(self, method: str, path: str, body=None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", "Accept-Language": self.language}
        if self.cookie:
            sent["Cookie"] = self.cookie
        if self.csrf:
            sent["X-CSRF-Token"] = self.csrf
        sent.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = getattr(self.client.http, method.lower())(path, headers=sent, body=data)
        contract().check(method, path, response)
        cookie = response.headers.get("Set-Cookie") or response.headers.get("set-cookie")
        if cookie:
            value = cookie.split(";")[0]
            self.cookie = None if value.endswith("=") else value
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body if body is not None else {}, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def log_in(self, email_address: str, password: str = PASSWORD):
        response = self.post("/api/session", {"email": email_address, "password": password})
        if response.status_code == 200:
            self.csrf = response.json_body["csrf_token"]
        return response


@pytest.fixture
def chalice_client(aws):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
        yield client


@pytest.fixture
def api(chalice_client):
    return Api(chalice_client)


@pytest.fixture
def new_api(chalice_client):
    """A second browser: its own cookies."""
    return lambda language="fr": Api(chalice_client, language)


def registration(email_address: str = "marie.dupont@bio-lyon.fr", **overrides) -> dict:
    data = {
        "email": email_address, "email_confirmation": email_address,
        "password": PASSWORD, "password_confirmation": PASSWORD,
        "secret_question_id": 7, "secret_answer": ANSWER,
        "first_name": "Marie", "last_name": "Dupont", "language": "fr",
        "notification_format": "html", "phone": "+33 4 72 00 00 00",
        "organisation": {"name": "Bio Import Lyon", "address": "12 quai Perrache",
                         "postal_code": "69002", "city": "Lyon", "country": "FR"},
    }
    data.update(overrides)
    return data


AUTHORITY = ("agent@ddpp69.gouv.fr", "Rhone-Valley-2026!", "FR-DDPP-69")


def staff(new_api, who: tuple):
    """A logged-in person of organisation `code`, created by `dev.admin create-user`;
    `who` is (e-mail, password, organisation code)."""
    from dev import admin

    email_address, password, code = who
    assert admin.main(["create-user", email_address, "--password", password, "--organisation", code]) == 0
    agent = new_api()
    assert agent.log_in(email_address, password).status_code == 200
    return agent


@pytest.fixture
def authority(aws, new_api):
    """A logged-in agent of the DDPP du Rhône."""
    return staff(new_api, AUTHORITY)


def register_and_confirm(api, mailbox, email_address="marie.dupont@bio-lyon.fr", **overrides) -> str:
    """Registers, follows the confirmation e-mail; returns the e-mail address."""
    assert api.post("/api/accounts", registration(email_address, **overrides)).status_code == 202
    token = mailbox.token(email_address)
    assert api.post("/api/accounts/confirm", {"token": token}).json_body == {"status": "confirmed"}
    return email_address


def account_id(authority, email_address: str) -> str:
    found = authority.get(f"/api/authority/accounts?email={email_address}").json_body
    return found[0]["id"]


def activate(authority, email_address: str) -> str:
    ident = account_id(authority, email_address)
    assert authority.post(f"/api/authority/accounts/{ident}/activate").status_code == 200
    return ident
