"""A schema-driven fuzzer over every operation of /api/openapi.json (schemathesis, in-process
through chalice's local gateway under moto), anonymous and logged in as an authority agent (CSRF
header included), and the COI's operations as an importer on a draft of theirs; with a bounded
number of examples: no 5xx, and no answer outside the description (status, content type,
schema, headers); data that breaks the description is refused."""
import base64
from urllib.parse import quote

import pytest
import schemathesis
from chalice.local import LocalGatewayException
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import ignored_auth, missing_required_header, positive_data_acceptance

from tests.api.coi_world import world  # noqa: F401 - fixture
from tests.conftest import AUTHORITY, Api

EXAMPLES = 6


class ChaliceWsgi:
    """chalice.test.Client's HTTP client as a WSGI application, for schemathesis."""

    def __init__(self, client):
        self.client = client

    def __call__(self, environ, start_response):
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
            if environ.get(key):
                headers[name] = environ[key]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or quote(environ.get("PATH_INFO", "/"))
        if "?" not in path and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        http = self.client.http
        scoped = http._config.scope(http._config.chalice_stage, "api_handler")
        with http._patched_env_vars(scoped.environment_variables):   # as chalice.test does
            try:
                response = http._local_gateway.handle_request(
                    method=environ["REQUEST_METHOD"], path=path, headers=headers, body=body)
            except LocalGatewayException as error:
                response = {"statusCode": error.CODE, "headers": error.headers, "body": error.body}
        payload = response.get("body") or b""
        if isinstance(payload, str):
            payload = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
        start_response(f"{response['statusCode']} -", list((response.get("headers") or {}).items()))
        return [payload]


def _formats():
    """Strategies for the description's own formats, so that valid values reach the domain's
    deeper rules (hypothesis-jsonschema knows only JSON Schema's formats)."""
    from chalicelib import reference

    formats = {
        "country": st.sampled_from(sorted(reference.country_codes())),
        "secret-question": st.sampled_from(sorted(reference.secret_question_ids())),
        "time-zone": st.sampled_from(sorted(reference.time_zones())),
        "password": st.from_regex(r"\A[A-Z][a-z]{6,20}-[0-9]{2,4}[!?+]\Z"),
        "phone": st.from_regex(r"\A\+[1-9][0-9]{7,12}\Z"),
        "postal-code": st.from_regex(r"\A(69|75|13)[0-9]{3}\Z"),
        "line": st.text(st.characters(categories=("L", "N", "Zs", "P")), max_size=40),
        "multiline": st.text(st.characters(categories=("L", "N", "Zs", "P")), max_size=200),
    }
    for name, strategy in formats.items():
        schemathesis.openapi.format(name, strategy)


@schemathesis.serializer("application/pdf")
def _pdf(ctx, value) -> bytes:
    """verify-pdf's body: the generated value as bytes (anything but a PDF gets its 400)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def _schema():
    from chalice.test import Client

    from app import app
    from tests.conftest import ROOT

    _formats()
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", ChaliceWsgi(Client(app, stage_name="test", project_dir=str(ROOT))))
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES, database="none",
                                    with_security_parameters=False)
    return schema


fuzzed = _schema()
# A schema-valid request may still break a rule JSON Schema cannot say (the two passwords differ,
# the secret question is not the one chosen, the postal code is not in France...): the domain
# answers 400 with its field messages, which the description lists.
NOT_CHECKED = [positive_data_acceptance]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def agent(aws):
    """A logged-in agent of the DDPP du Rhône (the back office is in reach): the session cookie
    and the CSRF header."""
    from dev import admin

    email, password, code = AUTHORITY
    assert admin.main(["create-user", email, "--password", password, "--organisation", code]) == 0
    session = Api(fuzzed.app.client)
    assert session.log_in(email, password).status_code == 200
    name, value = session.cookie.split("=", 1)
    return {name: value}, {"X-CSRF-Token": session.csrf}


@fuzzed.parametrize()
@SETTINGS
def test_anonymous_requests_stay_within_the_description(case, aws):
    case.call_and_validate(excluded_checks=NOT_CHECKED)


@fuzzed.parametrize()
@SETTINGS
def test_logged_in_requests_stay_within_the_description(case, agent):
    cookies, headers = agent
    # Every case carries the session and its CSRF header, even where the generator would leave
    # them out: the anonymous run above finds out whether a route requires them (ignored_auth,
    # missing_required_header), and tests/api/test_security.py what a wrong CSRF token gets.
    case.cookies = {**(case.cookies or {}), **cookies}
    case.headers = {**(case.headers or {}), **headers}
    case.call_and_validate(excluded_checks=[*NOT_CHECKED, ignored_auth, missing_required_header])


@pytest.fixture
def draft(world):
    """An importer logged in, and a draft of their organisation with every box filled."""
    importer = world.person["importer"]
    created = importer.post("/api/cois", {"boxes": world.boxes()})
    assert created.status_code == 201
    return importer, created.json_body["id"]


@fuzzed.include(path_regex=r"^/api/cois/\{coi_id\}").parametrize()
@SETTINGS
def test_a_party_s_requests_on_its_coi_stay_within_the_description(case, draft):
    importer, coi_id = draft
    # The generated COI becomes the importer's draft, and the version sent the one it has now,
    # so that the generated boxes and actions reach the rules behind the version check.
    case.path_parameters = {**case.path_parameters, "coi_id": coi_id}
    if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
        case.body = {**case.body, "version": importer.get(f"/api/cois/{coi_id}").json_body["version"]}
    name, value = importer.cookie.split("=", 1)
    case.cookies = {**(case.cookies or {}), name: value}
    case.headers = {**(case.headers or {}), "X-CSRF-Token": importer.csrf}
    case.call_and_validate(excluded_checks=[*NOT_CHECKED, ignored_auth, missing_required_header])
