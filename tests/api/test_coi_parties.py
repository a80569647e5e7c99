"""Who each box may name, at every step (SPEC 3, issue 15 items 1 to 3): an edit after submission
meets the rules of submit and issue, no organisation becomes a party that checks what it trades,
only importers, exporters, RFLs and control bodies create, a draft keeps its creator, and a
deleted replacement frees the COI it would have replaced."""
import pytest

from tests.api.coi_world import act, advanced, created, world  # noqa: F401 - fixture
from tests.api.conftest import error_code, error_fields


def patch(person, coi, **boxes):
    return person.patch(f"/api/cois/{coi['id']}", {"version": coi["version"], "boxes": boxes})


def unchanged(world, coi):
    after = world.person["importer"].get(f"/api/cois/{coi['id']}").json_body
    assert (after["version"], after["boxes"]) == (coi["version"], coi["boxes"])


def box9(authority, bcp=None):
    return {"member_state": "FR", "authority": authority, "border_control_post": bcp}


@pytest.mark.parametrize("steps", [("submit",), ("submit", "issue")])
def test_the_importer_cannot_name_itself_the_verifying_authority(world, steps):
    coi = advanced(world, *steps)
    importer = world.person["importer"]
    response = patch(importer, coi, box9=box9(world.org["importer"]))
    assert response.status_code == 400, response.json_body
    assert "boxes.box9.authority" in error_fields(response)
    unchanged(world, coi)
    if "issue" in steps:
        refused = act(importer, coi, "verify", outcome="released")
        assert refused.status_code == 403


def test_the_rfl_and_the_issuer_cannot_name_themselves_in_box_9(world):
    coi = advanced(world, "submit", "issue")
    added = patch(world.person["importer"], coi, rfl={"organisation": world.org["rfl"]})
    assert added.status_code == 200, added.json_body
    coi = added.json_body
    for who in ("rfl", "issuer"):
        response = patch(world.person[who], coi, box9=box9(world.org[who]))
        assert response.status_code == 400, (who, response.json_body)
        assert "boxes.box9.authority" in error_fields(response)
        response = patch(world.person[who], coi, box9=box9(world.org["authority"], world.org[who]))
        assert response.status_code == 400, (who, response.json_body)
        assert "boxes.box9.border_control_post" in error_fields(response)
    unchanged(world, coi)


def test_box_9_after_issue_names_an_authority_of_its_member_state(world):
    coi = advanced(world, "submit", "issue")
    importer = world.person["importer"]
    for wrong in (box9("DE-CCA"), box9(world.org["bcp"]), box9(world.org["authority"], "FR-CCA")):
        response = patch(importer, coi, box9=wrong)
        assert response.status_code == 400, (wrong, response.json_body)
    unchanged(world, coi)
    moved = patch(importer, coi, box9=box9(world.org["authority"], None))
    assert moved.status_code == 200, moved.json_body


@pytest.mark.parametrize("who", ["authority", "bcp"])
def test_an_authority_cannot_name_itself_first_consignee_then_sign(world, who):
    coi = advanced(world, "submit", "issue")
    response = patch(world.person[who], coi,
                     box12={"first_consignee": world.org[who], "release_by_batches": False})
    assert response.status_code == 400, response.json_body
    assert "boxes.box12.first_consignee" in error_fields(response)
    unchanged(world, coi)


def test_box_12_after_issue_names_a_valid_operator(world):
    coi = advanced(world, "submit", "issue")
    for org in ("MA-BIO-154", world.org["bcp"]):
        response = patch(world.person["importer"], coi,
                         box12={"first_consignee": org, "release_by_batches": False})
        assert response.status_code == 400 and "boxes.box12.first_consignee" in error_fields(response)
    other = patch(world.person["importer"], coi,
                  box12={"first_consignee": world.org["stranger"], "release_by_batches": False})
    assert other.status_code == 200, other.json_body


def test_the_rfl_added_after_issue_is_an_operator(world):
    coi = advanced(world, "submit", "issue")
    response = patch(world.person["importer"], coi, rfl={"organisation": world.org["authority"]})
    assert response.status_code == 400 and "boxes.rfl.organisation" in error_fields(response)
    unchanged(world, coi)


@pytest.mark.parametrize("who, boxes", [
    ("authority", lambda w: {"rfl": {"organisation": w.org["authority"]}}),
    ("bcp", lambda w: {"box11": {"importer": w.org["bcp"]}}),
    ("authority", lambda w: {"box4": {"exporter": w.org["authority"]}}),
    ("consignee", lambda w: {"box12": {"first_consignee": w.org["consignee"]}}),
])
def test_an_authority_or_a_consignee_cannot_create_by_naming_itself(world, who, boxes):
    person = world.person[who]
    response = person.post("/api/cois", {"boxes": boxes(world)})
    assert response.status_code == 403, response.json_body
    assert person.get("/api/cois").json_body["items"] == []


def test_a_draft_keeps_its_creators_organisation(world):
    importer = world.person["importer"]
    coi = created(importer, world.boxes(rfl={"organisation": world.org["importer"]}))
    moved = patch(importer, coi, box11={"importer": world.org["stranger"]})
    assert moved.status_code == 200, moved.json_body       # still named, as RFL
    response = patch(importer, moved.json_body, rfl={"organisation": None})
    assert response.status_code == 400 and "boxes.rfl.organisation" in error_fields(response)
    assert importer.get(f"/api/cois/{coi['id']}").json_body["version"] == moved.json_body["version"]


def test_deleting_a_replacements_draft_leaves_the_old_coi_usable(world):
    issuer, importer = world.person["issuer"], world.person["importer"]
    old = advanced(world, "submit", "issue")
    replacement = act(issuer, old, "replace")
    assert replacement.status_code == 201, replacement.json_body
    deleted = act(issuer, replacement.json_body, "delete")
    assert deleted.status_code == 200, deleted.json_body

    old = importer.get(f"/api/cois/{old['id']}").json_body
    assert old["status"] == "issued" and old["replaced_by"] is None
    assert "box12" in old["allowed"]["edit"]
    edited = patch(importer, old, box12={"first_consignee": None, "release_by_batches": True})
    assert edited.status_code == 200, edited.json_body
    old = issuer.get(f"/api/cois/{old['id']}").json_body
    assert "replace" in old["allowed"]["actions"]
    again = act(issuer, old, "replace")
    assert again.status_code == 201, again.json_body
    issued = act(issuer, again.json_body, "issue")
    assert issued.status_code == 200, issued.json_body
    assert importer.get(f"/api/cois/{old['id']}").json_body["status"] == "replaced"
    actions = [h["action"] for h in importer.get(f"/api/cois/{old['id']}/history").json_body["items"]]
    assert actions[-5:] == ["replace", "replacement_deleted", "edit", "replace", "replaced"]


def test_a_stale_replace_is_still_a_conflict(world):
    issuer = world.person["issuer"]
    old = advanced(world, "submit", "issue")
    assert act(issuer, old, "replace").status_code == 201
    response = act(issuer, old, "replace")
    assert response.status_code == 409 and error_code(response) == "stale_version"
