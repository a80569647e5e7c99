"""The list of COIs filtered by role (SPEC 3.1, issue 15 item 4): it pages through the matches
themselves, never an empty page with a cursor while matches come later, and reads one page per
request whatever the number of COIs."""
from tests.api.coi_world import advanced, created, world  # noqa: F401 - fixture

NEWER = 51          # more than a page of COIs where the importer is not first consignee


def test_a_role_filter_finds_the_match_behind_a_page_of_other_cois(world):
    importer = world.person["importer"]
    own = created(importer, {"box12": {"first_consignee": world.org["importer"],
                                       "release_by_batches": False}})
    received = advanced(world, "submit", "issue")
    patched = importer.patch(f"/api/cois/{received['id']}", {"version": received["version"], "boxes": {
        "box12": {"first_consignee": world.org["importer"], "release_by_batches": False}}})
    assert patched.status_code == 200, patched.json_body
    for _ in range(NEWER):
        created(importer, {})
    page = importer.get("/api/cois?role=consignee").json_body
    assert [i["id"] for i in page["items"]] == [received["id"], own["id"]] and page["next"] is None
    issued = importer.get("/api/cois?role=consignee&status=issued").json_body
    assert [i["id"] for i in issued["items"]] == [received["id"]] and issued["next"] is None
    assert issued["items"][0]["roles"] == ["first_consignee", "importer"]

    first = importer.get("/api/cois?role=importer").json_body
    assert len(first["items"]) == 50 and first["next"]
    rest = importer.get(f"/api/cois?role=importer&cursor={first['next']}").json_body
    assert len(rest["items"]) == NEWER + 2 - 50 and rest["next"] is None


def test_a_party_removed_leaves_the_role_list(world):
    importer = world.person["importer"]
    coi = advanced(world, "submit", "issue")
    consignee = world.person["consignee"]
    assert [i["id"] for i in consignee.get("/api/cois?role=consignee").json_body["items"]] == [coi["id"]]
    moved = importer.patch(f"/api/cois/{coi['id']}", {"version": coi["version"], "boxes": {
        "box12": {"first_consignee": None, "release_by_batches": True}}})
    assert moved.status_code == 200
    assert consignee.get("/api/cois?role=consignee").json_body == {"items": [], "next": None}
    assert importer.get("/api/cois?role=consignee").json_body == {"items": [], "next": None}


def test_cois_listed_before_the_role_lists_are_listed_again_by_the_migration(world, capsys):
    from chalicelib.store.cois import Coi, CoiParty, list_key
    from dev import admin

    coi = advanced(world, "submit", "issue")
    stored = Coi.get(coi["id"])
    old = {key for key in stored.listed_for if "|" not in key}       # as an older release listed it
    for key in set(stored.listed_for) - old:
        CoiParty(key, f"{stored.created_at.isoformat()}#{stored.id}").delete()
    stored.update(actions=[Coi.listed_for.set(old)])
    consignee = world.person["consignee"]
    assert consignee.get("/api/cois?role=consignee").json_body["items"] == []

    assert admin.main(["migrate-coi-lists"]) == 0
    assert "COIs listed again: 1" in capsys.readouterr().out
    assert [i["id"] for i in consignee.get("/api/cois?role=consignee").json_body["items"]] == [coi["id"]]
    assert list_key(world.org["consignee"], "consignee") in Coi.get(coi["id"]).listed_for
    assert admin.main(["migrate-coi-lists"]) == 0
    assert "COIs listed again: 0" in capsys.readouterr().out
