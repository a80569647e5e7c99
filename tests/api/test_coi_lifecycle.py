"""The life of a certificate of inspection through the API (SPEC 3, 3.1): each transition by the
party the matrix names, the e-mails, the number, the history, and the refusals."""
import re

import pytest

from tests.api.coi_world import act, advanced, created, world  # noqa: F401 - fixture
from tests.api.conftest import error_code, error_fields


def test_importer_creates_a_draft_with_its_organisation_prefilled(world):
    coi = created(world.person["importer"], {"box7": {"countries_of_origin": ["MA"]}})
    assert coi["status"] == "draft" and coi["number"] is None and coi["version"] == 1
    assert coi["boxes"]["box11"] == {"importer": world.org["importer"]}
    assert coi["created_by_organisation"] == world.org["importer"]
    assert coi["allowed"]["actions"] == ["delete", "submit"]
    assert "box13" in coi["allowed"]["edit"]


def test_exporter_and_control_body_are_prefilled_in_boxes_4_and_1(world):
    by_exporter = created(world.person["exporter"], {})
    assert by_exporter["boxes"]["box4"] == {"exporter": world.org["exporter"]}
    assert by_exporter["boxes"]["box8"] == {"country_of_export": "MA"}     # exporter's country
    by_issuer = created(world.person["issuer"], {})
    assert by_issuer["boxes"]["box1"] == {"issuer": world.org["issuer"]}
    assert by_issuer["allowed"]["actions"] == ["delete", "issue"]


@pytest.mark.parametrize("who", ["consignee", "authority", "bcp"])
def test_a_first_consignee_or_an_authority_may_not_create(world, who):
    response = world.person[who].post("/api/cois", {"boxes": {}})
    assert response.status_code == 403


def test_derived_boxes_are_computed_and_never_written(world):
    coi = created(world.person["importer"], world.boxes())
    boxes = coi["boxes"]
    assert boxes["box2"] == {"procedure": "compliance"}
    assert boxes["box5"] == [{"producer": world.org["producer"], "control_body": "MA-BIO-154"}]
    assert boxes["box10"] == {"country_of_destination": "FR"}
    assert boxes["box13"][1]["cn_code"] == "0804 10 00"
    assert boxes["box13"][0]["net_weight"] == "2400.000"
    response = world.person["importer"].patch(f"/api/cois/{coi['id']}", {
        "version": coi["version"], "boxes": {"box10": {"country_of_destination": "DE"}}})
    assert response.status_code == 400 and "boxes.box10" in error_fields(response)


def test_batches_leave_box_10_empty(world):
    coi = created(world.person["importer"], world.boxes(
        box12={"first_consignee": None, "release_by_batches": True}))
    assert coi["boxes"]["box10"] == {"country_of_destination": None}


def test_bad_boxes_are_refused_field_by_field_and_nothing_is_created(world):
    response = world.person["importer"].post("/api/cois", {"boxes": {
        "box7": {"countries_of_origin": ["XX"]}, "box8": {"country_of_export": 12},
        "box13": [{"cn_code": "0804", "net_weight": 12.5, "packages": "3", "unit": "lb"}],
        "box14": [{"container": "MSKU1234560"}], "box16": {"gross_weight": "1.2345"},
        "box17": {"mode": "boat"}, "box99": {}, "box18": {"signed_by": "me"}}})
    assert response.status_code == 400
    fields = error_fields(response)
    for name in ("boxes.box7.countries_of_origin", "boxes.box8.country_of_export",
                 "boxes.box13.0.cn_code", "boxes.box13.0.net_weight", "boxes.box13.0.packages",
                 "boxes.box13.0.unit", "boxes.box14.0.container", "boxes.box16.gross_weight",
                 "boxes.box17.mode", "boxes.box99", "boxes.box18"):
        assert name in fields, name
    assert world.person["importer"].get("/api/cois").json_body["items"] == []


def test_the_whole_life_of_a_coi_by_its_parties(world, mailbox):
    importer, issuer = world.person["importer"], world.person["issuer"]
    coi = created(importer, world.boxes())
    submitted = act(importer, coi, "submit")
    assert submitted.status_code == 200, submitted.json_body
    coi = submitted.json_body
    assert coi["status"] == "new" and coi["version"] == 2
    assert re.fullmatch(r"COI\.EU\.FR\.\d{4}\.\d{7}", coi["number"])
    # the issuer hears of it, with a link to the COI page
    message = mailbox.last("issuer@coi.example.org")
    assert coi["number"] in message["Subject"]
    assert f"/fr/cois/view.html?id={coi['id']}" in mailbox.text(message)

    coi = issuer.get(f"/api/cois/{coi['id']}").json_body
    assert coi["allowed"]["actions"] == ["issue"]
    coi = act(issuer, coi, "issue").json_body
    assert coi["status"] == "issued" and coi["boxes"]["box18"]["organisation"] == "MA-BIO-154"
    assert mailbox.last("authority@coi.example.org")["Subject"].startswith("COI")
    assert mailbox.messages("bcp@coi.example.org")

    authority = world.person["authority"]
    coi = authority.get(f"/api/cois/{coi['id']}").json_body
    assert coi["allowed"] == {"edit": ["box12"], "actions": ["verify"]}
    coi = act(authority, coi, "verify", outcome="released").json_body
    assert coi["status"] == "checked" and coi["boxes"]["box20"]["outcome"] == "released"
    assert mailbox.messages("consignee@coi.example.org")

    consignee = world.person["consignee"]
    coi = consignee.get(f"/api/cois/{coi['id']}").json_body
    assert coi["allowed"]["actions"] == ["sign"]
    coi = act(consignee, coi, "sign").json_body
    assert coi["status"] == "signed" and coi["boxes"]["box21"]["signed_by"]

    history = importer.get(f"/api/cois/{coi['id']}/history").json_body["items"]
    assert [h["action"] for h in history] == ["create", "submit", "issue", "verify", "sign"]
    assert history[3]["changes"]["box20"]["new"]["outcome"] == "released"
    assert history[0]["organisation"] == world.org["importer"]

    # the stranger cannot see it at all
    assert world.person["stranger"].get(f"/api/cois/{coi['id']}").status_code == 404
    assert world.person["stranger"].get(f"/api/cois/{coi['id']}/history").status_code == 404


def test_a_draft_is_visible_only_to_its_creating_organisation(world):
    coi = created(world.person["importer"], world.boxes())
    for who in ("exporter", "issuer", "authority", "consignee", "stranger"):
        assert world.person[who].get(f"/api/cois/{coi['id']}").status_code == 404, who
        assert world.person[who].get("/api/cois").json_body["items"] == [], who


def test_issuer_may_issue_its_own_draft_directly(world):
    coi = created(world.person["issuer"], world.boxes())
    coi = act(world.person["issuer"], coi, "issue").json_body
    assert coi["status"] == "issued" and coi["number"].startswith("COI.EU.FR.")


def test_submitting_an_incomplete_coi_names_the_boxes_and_changes_nothing(world):
    importer = world.person["importer"]
    coi = created(importer, {"box7": {"countries_of_origin": ["MA"]}})
    response = act(importer, coi, "submit")
    assert response.status_code == 400
    fields = error_fields(response)
    for box in ("boxes.box1.issuer", "boxes.box4.exporter", "boxes.box9.authority",
                "boxes.box12", "boxes.box13", "boxes.box16.gross_weight"):
        assert box in fields, box
    assert importer.get(f"/api/cois/{coi['id']}").json_body["status"] == "draft"


def test_submit_checks_the_kind_of_each_organisation(world):
    importer = world.person["importer"]
    coi = created(importer, world.boxes(
        box1={"issuer": world.org["other_issuer"]},              # FR-BIO-01 does not certify in MA
        box9={"member_state": "FR", "authority": "DE-CCA", "border_control_post": None},
        box12={"first_consignee": "FR-CCA", "release_by_batches": False}))
    fields = error_fields(act(importer, coi, "submit"))
    assert set(fields) >= {"boxes.box1.issuer", "boxes.box9.authority", "boxes.box12.first_consignee"}


def test_an_importer_without_eori_cannot_be_named_in_box_11(world):
    issuer = world.person["issuer"]
    coi = created(issuer, world.boxes(box11={"importer": world.org["consignee"]}))
    fields = error_fields(act(issuer, coi, "issue"))
    assert "boxes.box11.importer" in fields


def test_a_box_not_editable_in_this_status_is_refused_with_its_name(world):
    coi = advanced(world, "submit")
    importer = world.person["importer"]
    response = importer.patch(f"/api/cois/{coi['id']}", {
        "version": coi["version"], "boxes": {"box12": {"first_consignee": None,
                                                       "release_by_batches": True},
                                             "box16": {"gross_weight": "1", "unit": "kg"}}})
    assert response.status_code == 403 and error_code(response) == "box_not_editable"
    assert response.json_body["error"]["boxes"] == ["box16"]
    after = importer.get(f"/api/cois/{coi['id']}").json_body
    assert after["version"] == coi["version"] and after["boxes"]["box12"] == coi["boxes"]["box12"]
    ok = importer.patch(f"/api/cois/{coi['id']}", {"version": coi["version"], "boxes": {
        "box12": {"first_consignee": None, "release_by_batches": True}}})
    assert ok.status_code == 200 and ok.json_body["version"] == coi["version"] + 1
    assert ok.json_body["boxes"]["box10"] == {"country_of_destination": None}


def test_a_stale_version_is_refused(world):
    importer = world.person["importer"]
    coi = created(importer, world.boxes())
    assert importer.patch(f"/api/cois/{coi['id']}", {
        "version": 1, "boxes": {"box3": {"national_reference": "REF-1"}}}).status_code == 200
    response = importer.patch(f"/api/cois/{coi['id']}", {
        "version": 1, "boxes": {"box3": {"national_reference": "REF-2"}}})
    assert response.status_code == 409 and error_code(response) == "stale_version"
    assert act(importer, coi, "submit").status_code == 409


def test_the_issuer_changes_only_the_quantities_of_box_13_once_issued(world):
    coi = advanced(world, "submit", "issue")
    issuer = world.person["issuer"]
    lines = [dict(line) for line in coi["boxes"]["box13"]]
    lines[0]["net_weight"] = "2300"
    ok = issuer.patch(f"/api/cois/{coi['id']}", {"version": coi["version"], "boxes": {"box13": lines}})
    assert ok.status_code == 200, ok.json_body
    lines = [dict(line) for line in ok.json_body["boxes"]["box13"]]
    lines[0]["trade_name"] = "Autre chose"
    refused = issuer.patch(f"/api/cois/{coi['id']}", {"version": ok.json_body["version"],
                                                       "boxes": {"box13": lines}})
    assert refused.status_code == 403 and refused.json_body["error"]["boxes"] == ["box13"]


@pytest.mark.parametrize("outcome, status", [("released_conventional", "released_conventional"),
                                             ("not_released", "not_released")])
def test_refusing_outcomes_need_a_reason(world, outcome, status):
    coi = advanced(world, "submit", "issue")
    authority = world.person["authority"]
    response = act(authority, coi, "verify", outcome=outcome)
    assert response.status_code == 400 and "reason" in error_fields(response)
    done = act(authority, coi, "verify", outcome=outcome, reason="Résidus de pesticides")
    assert done.status_code == 200 and done.json_body["status"] == status


def test_the_entry_authority_verifies_too(world):
    coi = advanced(world, "submit", "issue")
    done = act(world.person["bcp"], coi, "verify", outcome="released")
    assert done.status_code == 200 and done.json_body["boxes"]["box20"]["organisation"] == "FR-BCP-MARSEILLE"


def test_release_for_extracts_needs_release_by_batches(world):
    coi = advanced(world, "submit", "issue")
    response = act(world.person["authority"], coi, "verify", outcome="released_for_extracts")
    assert response.status_code == 400 and "outcome" in error_fields(response)


def test_irregularity_and_deletion_by_the_right_parties(world, mailbox):
    coi = advanced(world, "submit", "issue", "verify")
    assert act(world.person["importer"], coi, "irregularity", description="x").status_code == 403
    assert act(world.person["authority"], coi, "irregularity", description="x").status_code == 403
    done = act(world.person["bcp"], coi, "irregularity", description="Scellé rompu")
    assert done.status_code == 200 and done.json_body["status"] == "irregularity"
    assert "Scellé rompu" in mailbox.text(mailbox.last("importer@coi.example.org"))
    other = advanced(world, "submit", "issue", "verify")
    deleted = act(world.person["authority"], other, "delete")
    assert deleted.status_code == 200 and deleted.json_body["status"] == "deleted"
    assert world.person["importer"].get(f"/api/cois/{other['id']}").json_body["status"] == "deleted"


def test_a_draft_is_deleted_by_its_organisation_and_stays_private(world):
    importer = world.person["importer"]
    coi = created(importer, world.boxes())
    done = act(importer, coi, "delete")
    assert done.status_code == 200 and done.json_body["status"] == "deleted"
    assert world.person["issuer"].get(f"/api/cois/{coi['id']}").status_code == 404


def test_replace_links_both_ways_and_the_old_one_is_replaced_when_the_new_is_issued(world, mailbox):
    old = advanced(world, "submit", "issue")
    issuer = world.person["issuer"]
    response = act(issuer, old, "replace")
    assert response.status_code == 201, response.json_body
    new = response.json_body
    assert new["status"] == "draft" and new["replaces"] == old["id"] and new["number"] is None
    assert new["boxes"]["box13"] == old["boxes"]["box13"] and new["boxes"]["box18"] is None
    old_now = issuer.get(f"/api/cois/{old['id']}").json_body
    assert old_now["replaced_by"] == new["id"] and old_now["status"] == "issued"
    assert mailbox.messages("importer@coi.example.org")
    issued = act(issuer, new, "issue")
    assert issued.status_code == 200, issued.json_body
    assert issuer.get(f"/api/cois/{old['id']}").json_body["status"] == "replaced"
    assert issued.json_body["number"] != old["number"]


def test_extracts_split_a_base_and_deplete_it(world):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    assert base["status"] == "base_for_extract"
    importer = world.person["importer"]
    base = importer.get(f"/api/cois/{base['id']}").json_body
    assert base["allowed"]["actions"] == ["extracts"]
    response = act(importer, base, "extracts", lines=[{"line": 0, "packages": 20, "net_weight": "400"}],
                   box12={"first_consignee": world.org["consignee"], "release_by_batches": False})
    assert response.status_code == 201, response.json_body
    extract = response.json_body
    assert extract["extract_of"] == base["id"] and extract["status"] == "draft"
    assert extract["boxes"]["box13"][0]["net_weight"] == "400.000"
    assert extract["boxes"]["box10"] == {"country_of_destination": "FR"}
    base = importer.get(f"/api/cois/{base['id']}").json_body
    assert base["extracts"] == [extract["id"]]
    assert base["remaining"][0] == {"line": 0, "packages": 100, "net_weight": "2000.000", "unit": "kg"}
    # more than what remains
    over = act(importer, base, "extracts", lines=[{"line": 0, "packages": 1, "net_weight": "2000.001"}])
    assert over.status_code == 409 and error_code(over) == "quantity_exceeded"
    assert set(over.json_body["error"]["fields"]) == {"lines.0.net_weight"}     # the line and quantity over
    # the extract is submitted (issued with its base), verified, signed like any COI
    done = act(importer, extract, "submit")
    assert done.status_code == 200 and done.json_body["status"] == "issued", done.json_body
    done = act(world.person["authority"], done.json_body, "verify", outcome="released")
    done = act(world.person["consignee"], done.json_body, "sign")
    assert done.json_body["status"] == "signed"
    # the authority splits off the rest: nothing remains, the base is depleted
    authority = world.person["authority"]
    base = authority.get(f"/api/cois/{base['id']}").json_body
    rest = act(authority, base, "extracts", lines=[{"line": 0, "packages": 100, "net_weight": "2000"},
                                                   {"line": 1, "packages": 50, "net_weight": "500.5"}])
    assert rest.status_code == 201, rest.json_body
    assert authority.get(f"/api/cois/{base['id']}").json_body["status"] == "depleted"


def test_deleting_an_extract_gives_its_quantities_back(world):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    importer = world.person["importer"]
    extract = act(importer, base, "extracts", lines=[{"line": 1, "packages": 50, "net_weight": "500.5"}]).json_body
    assert act(importer, extract, "delete").status_code == 200
    base = importer.get(f"/api/cois/{base['id']}").json_body
    assert base["remaining"][1]["net_weight"] == "500.500"


def test_manual_deplete_by_the_authority(world):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    assert act(world.person["importer"], base, "deplete").status_code == 403
    done = act(world.person["authority"], base, "deplete")
    assert done.status_code == 200 and done.json_body["status"] == "depleted"


def test_wrong_status_is_a_conflict_and_unknown_is_not_found(world):
    coi = advanced(world, "submit", "issue")
    response = act(world.person["importer"], coi, "sign")
    assert response.status_code in (403, 409)
    assert world.person["importer"].get("/api/cois/0123456789abcdef0123456789abcdef").status_code == 404
    assert world.person["importer"].get("/api/cois/nope").status_code == 404


def test_logged_out_gets_401(api):
    assert api.get("/api/cois").status_code == 401
    assert api.get("/api/cois/0123456789abcdef0123456789abcdef").status_code == 401


def test_list_filters_and_pages(world):
    importer = world.person["importer"]
    first = advanced(world, "submit")
    second = created(importer, world.boxes())
    listed = importer.get("/api/cois").json_body
    assert [i["id"] for i in listed["items"]] == [second["id"], first["id"]]
    assert listed["items"][1]["parties"]["exporter"] == "Atlas Organic Export"
    assert listed["items"][1]["product"].startswith("0804 40 00")
    assert [i["id"] for i in importer.get("/api/cois?status=new").json_body["items"]] == [first["id"]]
    issuer = world.person["issuer"]
    assert [i["id"] for i in issuer.get("/api/cois?role=issuer").json_body["items"]] == [first["id"]]
    assert issuer.get("/api/cois?role=importer").json_body["items"] == []
    by_number = importer.get(f"/api/cois?number={first['number']}").json_body["items"]
    assert [i["id"] for i in by_number] == [first["id"]]
    assert world.person["stranger"].get(f"/api/cois?number={first['number']}").json_body["items"] == []
    assert importer.get("/api/cois?status=bogus").status_code == 400
    assert importer.get("/api/cois?cursor=%%%").status_code == 400


def test_list_pages_with_a_cursor(world):
    importer = world.person["importer"]
    from chalicelib.store import cois as store

    ids = [created(importer, {})["id"] for _ in range(5)]
    original = store.PAGE_SIZE
    store.PAGE_SIZE = 2
    try:
        seen, cursor = [], None
        while True:
            page = importer.get("/api/cois" + (f"?cursor={cursor}" if cursor else "")).json_body
            seen += [i["id"] for i in page["items"]]
            cursor = page["next"]
            if not cursor:
                break
    finally:
        store.PAGE_SIZE = original
    assert seen == list(reversed(ids))


def test_history_pages_with_a_cursor_and_refuses_a_forged_one(world, monkeypatch):
    from chalicelib.services.certificates import listing
    from chalicelib.store import paging

    coi = advanced(world, "submit", "issue")
    importer = world.person["importer"]
    monkeypatch.setattr(listing, "HISTORY_PAGE", 2)
    seen, cursor = [], None
    while True:
        page = importer.get(f"/api/cois/{coi['id']}/history" + (f"?cursor={cursor}" if cursor else "")).json_body
        seen += [h["action"] for h in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == ["create", "submit", "issue"]
    for forged in ("%%%", "bm90LWEta2V5", paging.to_cursor(7), paging.to_cursor("coi#x")):
        response = importer.get(f"/api/cois/{coi['id']}/history?cursor={forged}")
        assert response.status_code == 400 and "cursor" in response.json_body["error"]["fields"], forged


def test_public_verification_shows_the_status_and_nothing_about_persons(world, api):
    coi = advanced(world, "submit", "issue")
    found = api.get(f"/api/public/cois/{coi['number']}")
    assert found.status_code == 200
    body = found.json_body
    assert body["status"] == "issued" and body["country_of_export"] == "MA"
    assert body["issuer"]["code"] == "MA-BIO-154"
    assert body["products"][0] == {"cn_code": "0804 40 00", "net_weight": "2400.000", "unit": "kg"}
    assert "signed_by" not in found.body.decode() and "@" not in found.body.decode()
    assert api.get("/api/public/cois/COI.EU.FR.2026.9999999").status_code == 404


def test_public_verification_is_rate_limited(world, api):
    import time_machine

    from chalicelib.services import certificates

    with time_machine.travel("2026-11-23 10:00:05+00:00", tick=False) as clock:
        statuses = [api.get("/api/public/cois/COI.EU.FR.2026.0000001").status_code
                    for _ in range(certificates.PUBLIC_PER_MINUTE + 1)]
        assert statuses[:-1] == [404] * certificates.PUBLIC_PER_MINUTE and statuses[-1] == 429
        clock.shift(60)     # a new minute, a new allowance
        assert api.get("/api/public/cois/COI.EU.FR.2026.0000001").status_code == 404


def test_the_public_limit_is_keyed_on_what_a_client_cannot_forge(world, api, monkeypatch):
    """Without the distribution (no origin secret) a CloudFront-Viewer-Address sent by the client
    changes nothing; behind it, CloudFront's own value keys the limit, and a value that is no
    address (3,000 characters, say) is ignored, never a 500."""
    import time_machine

    from chalicelib.services import certificates

    missing = "/api/public/cois/COI.EU.FR.2026.0000001"
    with time_machine.travel("2026-11-23 10:00:05+00:00", tick=False) as clock:
        for _ in range(certificates.PUBLIC_PER_MINUTE):
            api.get(missing)
        forged = [api.get(missing, headers={"CloudFront-Viewer-Address": f"198.51.100.{n}:443"}).status_code
                  for n in range(40)]
        assert forged == [429] * 40
        clock.shift(60)
        monkeypatch.setenv("TRACES_ORIGIN_SECRET", "s" * 32)
        through = {"X-Origin-Verify": "s" * 32}

        def viewer(address):
            return api.get(missing, headers={**through, "CloudFront-Viewer-Address": address}).status_code

        assert [viewer("203.0.113.7:5100") for _ in range(certificates.PUBLIC_PER_MINUTE + 1)][-1] == 429
        assert viewer("[2001:db8::1]:5100") == 404 and viewer("2001:db8::1:5101") == 404
        assert viewer("x" * 3000) == 404 and viewer("203.0.113.7:" + "9" * 3000) == 429


def test_pdf_for_parties_only(world):
    coi = advanced(world, "submit", "issue")
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = world.person["importer"].get(f"/api/cois/{coi['id']}/pdf",
                                            headers={"Accept": browser_accept})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.body[:5] == b"%PDF-"
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages)
    assert coi["number"] in text
    assert world.person["stranger"].get(f"/api/cois/{coi['id']}/pdf",
                                        headers={"Accept": browser_accept}).status_code == 404


def test_commodities_by_name_or_code_in_the_request_language(world):
    importer = world.person["importer"]
    found = importer.get("/api/commodities?q=dattes").json_body
    assert any(c["code"] == "0804 10 00" for c in found)
    english = world.person["importer"].get("/api/commodities?q=0804", headers={"Accept-Language": "en"})
    assert english.status_code == 200 and all(c["code"].startswith("0804") for c in english.json_body)
    assert importer.get("/api/commodities?q=" + "x" * 101).status_code == 400
