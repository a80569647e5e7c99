"""The open API contract (SPEC 5): /api/openapi.json is valid OpenAPI 3.1, complete, and made of
the very schemas that check the requests."""
import pytest

from tests.api.conftest import error_code, error_fields, logged_in, make_valid

EMAIL = "marie.dupont@bio-lyon.fr"


@pytest.fixture
def document(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json_body


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def declared():
    """(path, method, operation declaration) of every route: each is registered with one."""
    from app import app

    for path, methods in app.routes.items():
        for method, entry in methods.items():
            yield path, method.lower(), entry.view_function.operation


def test_the_description_is_valid_openapi_3_1(document):
    from openapi_spec_validator import validate

    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_described_once_with_a_unique_operation_id(document):
    from app import app

    described = {(path, method) for path, method, _ in operations(document)}
    assert described == {(path, method.lower()) for path, methods in app.routes.items() for method in methods}
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


def test_declared_operations_describe_their_body_query_and_errors(document):
    found = list(declared())
    assert len(found) >= 56
    for path, method, operation in found:
        described = document["paths"][path][method]
        if method in ("post", "patch", "put"):
            assert described["requestBody"]["content"]["application/json"]["schema"] is not None, path
        if operation.query:
            names = {p["name"] for p in described["parameters"] if p["in"] == "query"}
            assert names == set(operation.query["properties"]), path
        if operation.body or operation.query or operation.login or "{" in path:   # what can be refused
            assert any(status.startswith("4") for status in described["responses"]), path
        assert str(operation.status) in described["responses"], path
        if operation.login:
            assert {"401", "403"} <= set(described["responses"]) and described["security"], path


def test_every_search_has_its_query_parameters(document):
    for path in ("/api/authority/accounts", "/api/organisations", "/api/authorisations/pending",
                 "/api/accounts/confirm", "/api/reference/control-bodies", "/api/cois",
                 "/api/cois/{coi_id}/history", "/api/commodities"):
        assert [p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"], path


def test_the_described_schema_is_the_one_that_checks_the_request(document):
    for path, method, operation in declared():
        if operation.body is not None:
            assert document["paths"][path][method]["requestBody"]["content"]["application/json"][
                "schema"] == operation.body, path


@pytest.mark.parametrize("method, path", [
    ("post", "/api/accounts"), ("post", "/api/accounts/confirm"), ("post", "/api/accounts/confirm/resend"),
    ("post", "/api/password/forgot"), ("post", "/api/session"),
])
def test_a_field_the_description_does_not_list_is_refused(api, mailbox, document, method, path):
    response = api.call(method.upper(), path, {"surely_not_a_field": 1})
    assert (response.status_code, error_code(response)) == (400, "invalid_input")
    fields = error_fields(response)
    assert fields["surely_not_a_field"] == "Ce champ n'est pas attendu."
    sent = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    assert set(sent.get("required", ())) <= set(fields)     # and the missing ones, in the same answer


def test_a_logged_in_persons_fields_are_checked_by_the_same_schemas(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL, language="en")
    too_long = person.patch("/api/me", {"first_name": "M" * 101, "time_zone": "Mars/Olympus"})
    assert error_fields(too_long) == {"first_name": "This value is too long.",
                                      "time_zone": "Choose a time zone from the list."}
    unknown = person.get("/api/authorisations/pending?status=requested&sort=name")
    assert error_fields(unknown) == {"sort": "This field is not expected."}
