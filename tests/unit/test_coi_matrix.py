"""The COI's "who may modify" matrix (seed 003 §3.3, SPEC 3), cell by cell, against a transcription
of the SPEC's workflow table written here independently of chalicelib/domain/coi.py."""
import pytest

from chalicelib.domain import coi
from chalicelib.domain.coi import (BASE_FOR_EXTRACT, CHECKED, CONSIGNEE, DRAFT, ENTRY, EXPORTER,
                                   IMPORTER, ISSUED, ISSUER, NEW, PARTIES, RFL, SIGNED, STATUSES,
                                   VERIFIER)
from chalicelib.domain.errors import Conflict, Forbidden

EVERY_BOX = {"box1", "box3", "box4", "box7", "box8", "box9", "box11", "box12", "rfl", "box13",
             "box14", "box16", "box17", "documents"}
LATER = {"box17", "documents"}      # transport and documents: "completed later, before arrival"
QTY = {"box13.packages", "box13.net_weight"}

# The SPEC's table: (status, party) -> (boxes, actions). Every other cell: nothing.
EXPECTED = {
    (DRAFT, IMPORTER): (EVERY_BOX, {"submit", "delete"}),
    (DRAFT, RFL): (EVERY_BOX, {"submit", "delete"}),
    (DRAFT, EXPORTER): (EVERY_BOX, {"submit", "delete"}),
    (DRAFT, ISSUER): (EVERY_BOX, {"issue", "delete"}),
    (NEW, IMPORTER): ({"box9", "box12"} | LATER, set()),
    (NEW, RFL): ({"box9", "box12"} | LATER, set()),
    (NEW, EXPORTER): (LATER, set()),
    (NEW, ISSUER): (EVERY_BOX, {"issue"}),
    (ISSUED, IMPORTER): ({"box9", "box12", "rfl"} | LATER, set()),
    (ISSUED, RFL): ({"box9", "box12", "rfl"} | LATER, set()),
    (ISSUED, EXPORTER): (LATER, set()),
    (ISSUED, ISSUER): ({"box9", "box14", "box16"} | QTY | LATER, {"replace"}),
    (ISSUED, VERIFIER): ({"box12"}, {"verify"}),
    (ISSUED, ENTRY): ({"box12"}, {"verify"}),
    (CHECKED, VERIFIER): (set(), {"delete"}),
    (CHECKED, ENTRY): (set(), {"delete", "irregularity"}),
    (CHECKED, CONSIGNEE): (set(), {"sign"}),
    (SIGNED, IMPORTER): (set(), {"irregularity"}),
    (SIGNED, RFL): (set(), {"irregularity"}),
    (SIGNED, ENTRY): (set(), {"irregularity"}),
    (BASE_FOR_EXTRACT, IMPORTER): (set(), {"extracts"}),
    (BASE_FOR_EXTRACT, RFL): (set(), {"extracts"}),
    (BASE_FOR_EXTRACT, VERIFIER): (set(), {"extracts", "deplete"}),
    (BASE_FOR_EXTRACT, ENTRY): (set(), {"extracts", "deplete", "irregularity"}),
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("party", PARTIES)
def test_every_cell_of_the_matrix(status, party):
    boxes, actions = EXPECTED.get((status, party), (set(), set()))
    found = coi.allowed(status, {party})
    assert set(found.edit) == boxes
    assert set(found.actions) == actions


def test_a_person_acting_as_several_parties_gets_the_union():
    found = coi.allowed(ISSUED, {IMPORTER, VERIFIER})
    assert set(found.actions) == {"verify"}
    assert set(found.edit) == {"box9", "box12", "rfl"} | LATER


def test_an_extract_draft_edits_only_the_splitting_boxes_and_quantities():
    found = coi.allowed(DRAFT, {VERIFIER}, is_extract=True)
    assert set(found.edit) == {"rfl", "box9", "box12"} | QTY | LATER
    assert set(found.actions) == {"submit", "delete"}
    assert coi.allowed(DRAFT, set(), is_extract=True) == coi.NOTHING


@pytest.mark.parametrize("status, action, after", [
    (DRAFT, "submit", NEW), (DRAFT, "issue", ISSUED), (NEW, "issue", ISSUED),
    (CHECKED, "sign", SIGNED), (BASE_FOR_EXTRACT, "deplete", "depleted"),
    (CHECKED, "irregularity", "irregularity"), (SIGNED, "irregularity", "irregularity"),
    (BASE_FOR_EXTRACT, "irregularity", "irregularity"), (DRAFT, "delete", "deleted"),
    (CHECKED, "delete", "deleted")])
def test_transitions(status, action, after):
    assert coi.next_status(status, action) == after


@pytest.mark.parametrize("outcome, after", [
    ("released", CHECKED), ("released_for_extracts", BASE_FOR_EXTRACT),
    ("released_conventional", "released_conventional"), ("not_released", "not_released")])
def test_the_four_outcomes_of_verification(outcome, after):
    assert coi.next_status(ISSUED, "verify", outcome) == after


def test_an_extract_is_issued_on_submission():
    assert coi.next_status(DRAFT, "submit", is_extract=True) == ISSUED


@pytest.mark.parametrize("status", STATUSES)
def test_every_transition_leads_to_a_status_of_the_table(status):
    for action in coi.ACTIONS:
        try:
            after = coi.next_status(status, action, "released")
        except (Conflict, KeyError):
            continue
        assert after in STATUSES


def test_an_action_of_another_status_is_a_conflict_and_of_another_party_forbidden():
    with pytest.raises(Conflict):
        coi.check_action(ISSUED, {IMPORTER}, "sign")
    with pytest.raises(Forbidden):
        coi.check_action(NEW, {IMPORTER}, "issue")
    coi.check_action(NEW, {ISSUER}, "issue")


def test_parties_are_read_from_their_boxes():
    boxes = {"box1": {"issuer": "CB"}, "box4": {"exporter": "EX"},
             "box9": {"authority": "AU", "border_control_post": "BCP"},
             "box11": {"importer": "IM"}, "box12": {"first_consignee": "FC"},
             "rfl": {"organisation": "RF"}}
    assert coi.parties_of(boxes) == {ISSUER: "CB", EXPORTER: "EX", VERIFIER: "AU", ENTRY: "BCP",
                                     IMPORTER: "IM", CONSIGNEE: "FC", RFL: "RF"}
    assert coi.acting_as(boxes, {"IM", "FC"}, False, "IM", IMPORTER) == {IMPORTER, CONSIGNEE}


def test_a_person_never_verifies_or_issues_what_their_own_organisation_trades():
    boxes = {"box1": {"issuer": "CB"}, "box9": {"authority": "AU", "border_control_post": "BCP"},
             "box11": {"importer": "IM"}}
    assert coi.acting_as(boxes, {"IM", "AU"}, False, "IM", IMPORTER) == {IMPORTER}
    assert coi.acting_as(boxes, {"IM", "CB"}, False, "IM", IMPORTER) == {IMPORTER}
    assert coi.acting_as(boxes, {"AU"}, False, "IM", IMPORTER) == {VERIFIER}


def test_one_organisation_may_be_several_operators_but_never_also_a_controlling_party():
    assert coi.apart({IMPORTER: "IM", CONSIGNEE: "IM", RFL: "IM", EXPORTER: "IM"}) == set()
    assert coi.apart({IMPORTER: "IM", VERIFIER: "IM", ISSUER: "CB"}) == {IMPORTER, VERIFIER}
    assert coi.apart({CONSIGNEE: "AU", ENTRY: "AU"}) == {CONSIGNEE, ENTRY}
    assert coi.apart({ISSUER: "CB", VERIFIER: "CB"}) == {ISSUER, VERIFIER}
    for controlling in coi.CONTROLLING:
        for other in PARTIES:
            if other != controlling:
                assert frozenset((controlling, other)) in coi.SEPARATE


def test_a_draft_belongs_to_its_creating_organisation():
    boxes = {"box11": {"importer": "IM"}, "box4": {"exporter": "EX"}}
    assert coi.acting_as(boxes, {"EX"}, True, "IM", IMPORTER) == set()
    assert coi.acting_as(boxes, {"IM"}, True, "IM", IMPORTER) == {IMPORTER}
    # the creator keeps its draft even when it is no longer named
    assert coi.acting_as({}, {"IM"}, True, "IM", IMPORTER) == {IMPORTER}
    assert not coi.visible_to(True, set(), {"EX"}, "IM")
    assert coi.private("deleted", None) and not coi.private("deleted", "COI.EU.FR.2026.0000001")


def test_who_hears_of_each_transition():
    assert coi.notified("submit", NEW) == (ISSUER,)
    assert set(coi.notified("issue", ISSUED)) == {IMPORTER, RFL, VERIFIER, ENTRY}
    assert set(coi.notified("verify", CHECKED)) == {IMPORTER, RFL, CONSIGNEE, ISSUER}
    assert set(coi.notified("sign", SIGNED)) == set(PARTIES)


def test_only_plain_drafts_expire():
    from datetime import datetime, timezone

    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert coi.expires(DRAFT, False, None, now) == now + coi.DRAFT_LIFETIME
    assert coi.expires(DRAFT, True, None, now) is None          # holds quantities on its base
    assert coi.expires(DRAFT, False, "old", now) is None        # the replaced COI waits for it
    assert coi.expires(NEW, False, None, now) is None


@pytest.mark.parametrize("status, parties, action, refusal", [
    (SIGNED, {CONSIGNEE}, "issue", Conflict),     # no one issues a signed COI: its status
    (CHECKED, {IMPORTER}, "sign", Forbidden),     # the consignee signs a checked COI, not the importer
    (ISSUED, {IMPORTER}, "verify", Forbidden),    # verify, from issued, is the authority's
    (CHECKED, set(), "sign", Forbidden),          # no party of the COI
])
def test_check_action_gives_409_when_the_status_allows_the_action_to_nobody_else_403(
        status, parties, action, refusal):
    with pytest.raises(refusal):
        coi.check_action(status, parties, action)
