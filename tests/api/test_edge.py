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
