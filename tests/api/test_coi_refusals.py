"""Everyone the matrix does not name is refused (SPEC 3: "anything not in the table is refused,
403, nothing changes"): in each status, every person tries every action and every box they may
not touch; the COI stays exactly as it was."""
import pytest

from chalicelib.domain.coi import ACTIONS
from tests.api.coi_world import advanced, world  # noqa: F401 - fixture

PEOPLE = ("importer", "exporter", "issuer", "authority", "bcp", "consignee", "rfl", "stranger")
BOXES = {"box1": {"issuer": "MA-BIO-154"}, "box3": {"national_reference": "X"},
         "box12": {"first_consignee": None, "release_by_batches": True},
         "box16": {"gross_weight": "1", "unit": "kg"}, "box17": {"mode": "air", "identification": "AF1"},
         "rfl": {"organisation": None}}


@pytest.mark.parametrize("steps, batches", [
    ((), False), (("submit",), False), (("submit", "issue"), False),
    (("submit", "issue", "verify"), False), (("submit", "issue", "verify", "sign"), False),
    (("submit", "issue", "verify"), True)])
def test_whoever_the_matrix_does_not_name_is_refused_and_nothing_changes(world, steps, batches):
    coi = advanced(world, *steps, batches=batches)
    before = world.person["importer"].get(f"/api/cois/{coi['id']}").json_body
    for who in PEOPLE:
        person = world.person[who]
        seen = person.get(f"/api/cois/{coi['id']}")
        if seen.status_code == 404:
            allowed = {"edit": [], "actions": []}
        else:
            allowed = seen.json_body["allowed"]
        for action in ACTIONS:
            if action in allowed["actions"]:
                continue
            response = person.post(f"/api/cois/{coi['id']}/{action}", {"version": coi["version"]})
            assert response.status_code in (403, 404, 409), (who, action, response.json_body)
            if seen.status_code == 404:
                assert response.status_code == 404, (who, action)
        for box, value in BOXES.items():
            if box in allowed["edit"]:
                continue
            response = person.patch(f"/api/cois/{coi['id']}", {"version": coi["version"],
                                                                "boxes": {box: value}})
            expected = 404 if seen.status_code == 404 else 403
            assert response.status_code == expected, (who, box, response.json_body)
            if expected == 403:
                assert response.json_body["error"]["code"] == "box_not_editable"
    after = world.person["importer"].get(f"/api/cois/{coi['id']}").json_body
    assert after == before
