"""Customs rules (SPEC 3.3, domain/customs.py): the MRN and its ISO 6346 check character, who
looks, what is releasable, the write-offs' sums and the status they lead to."""
from datetime import datetime, timezone

import pytest

from chalicelib.domain import customs as rules
from chalicelib.domain.errors import Conflict, Invalid, NotFound
from chalicelib.domain.iso6346 import check_character
from chalicelib.domain.normalise import FieldError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LINES = [{"cn_code": "0804 40 00", "net_weight": "2400.000", "unit": "kg"},
         {"cn_code": "0804 10 00", "net_weight": "500.500", "unit": "kg"}]


def test_a_published_mrn_passes_and_its_check_character_is_iso_6346():
    # 10NL5663962BE1E825: an MRN given as valid by a public MRN checker (the "11-proef" of the
    # Dutch declarants' tools); CSQU3054383 is the usual worked example of ISO 6346.
    assert rules.mrn("10nl 5663962BE1E825") == "10NL5663962BE1E825"
    assert check_character("CSQU305438") == "3"
    assert check_character("26FR0000000000001") == "0"


@pytest.mark.parametrize("value", ["10NL5663962BE1E826", "10NL5663962BE1E82", "1XNL5663962BE1E825",
                                   "10N15663962BE1E825", "10NL5663962BE1E8-5", "", None, 12])
def test_a_malformed_mrn_or_a_wrong_check_character_is_refused(value):
    with pytest.raises(FieldError):
        rules.mrn(value)


def test_a_bad_mrn_in_a_request_names_the_field():
    with pytest.raises(Invalid) as refused:
        rules.declaration("26FR00000000000011")
    assert set(refused.value.fields) == {"mrn"}


def test_customs_act_for_the_member_states_of_their_customs_organisations_only():
    roles = {"FR-CUSTOMS": "customs", "DE-CCA": "authority", "XX-CUSTOMS-2": "customs"}
    assert rules.member_states(roles) == {"FR"}
    assert rules.organisation_for(roles, "FR") == "FR-CUSTOMS"
    assert rules.organisation_for(roles, "DE") is None
    assert rules.organisation_for({"FR-CUSTOMS": "authority"}, "FR") is None


@pytest.mark.parametrize("status, is_extract, releasable", [
    ("checked", False, True), ("signed", False, True), ("released_conventional", False, True),
    ("signed", True, True), ("checked", True, False), ("issued", False, False),
    ("base_for_extract", False, False), ("depleted", False, False), ("replaced", False, False),
    ("deleted", False, False), ("irregularity", False, False), ("not_released", False, False),
])
def test_what_customs_may_release(status, is_extract, releasable):
    assert rules.releasable(status, is_extract) is releasable


def test_write_offs_stay_within_each_line_and_name_the_line_over_it():
    first = rules.write_off(LINES, [], "M1", [{"line": 0, "net_weight": "2000.000"}], "FR-CUSTOMS", NOW)
    with pytest.raises(Conflict) as refused:
        rules.write_off(LINES, [first], "M2", [{"line": 1, "net_weight": "1.000"},
                                               {"line": 0, "net_weight": "400.001"}], "FR-CUSTOMS", NOW)
    assert refused.value.code == "quantity_exceeded" and set(refused.value.fields) == {"lines.1.net_weight"}
    exact = rules.write_off(LINES, [first], "M2", [{"line": 0, "net_weight": "400.000"}], "FR-CUSTOMS", NOW)
    assert [line["remaining"] for line in rules.lines_view(LINES, [first, exact])] == ["0.000", "500.500"]


def test_a_cancelled_write_off_counts_no_more_and_cancelling_twice_changes_nothing():
    first = rules.write_off(LINES, [], "M1", [{"line": 1, "net_weight": "500.500"}], "FR-CUSTOMS", NOW)
    after, cancelled, changed = rules.cancel([first], "M1", NOW)
    assert changed and cancelled["status"] == "cancelled" and rules.written_off(2, after) == [0, 0]
    assert rules.cancel(after, "M1", NOW)[2] is False
    with pytest.raises(NotFound):
        rules.cancel(after, "M9", NOW)


@pytest.mark.parametrize("lines, duplicate_field", [
    ([{"line": 2, "net_weight": "1"}], "lines.0.line"),
    ([{"line": 0, "net_weight": "1"}, {"line": 0, "net_weight": "2"}], "lines.1.line"),
    ([{"line": 0, "net_weight": "0"}], "lines.0.net_weight"),
    ([{"line": 0, "net_weight": "1.2345"}], "lines.0.net_weight"),
    ([{"line": 0}], "lines.0.net_weight"),
    ([{"line": 0, "net_weight": "1", "packages": 3}], "lines.0"),
    ([], "lines"),
])
def test_the_lines_of_a_request_are_checked_field_by_field(lines, duplicate_field):
    with pytest.raises(Invalid) as refused:
        rules.requested(LINES, lines)
    assert duplicate_field in refused.value.fields


def test_a_coi_written_off_in_full_is_depleted_and_comes_back_when_quantities_return():
    assert rules.status_after("signed", None, True) == ("depleted", "signed")
    assert rules.status_after("depleted", "signed", False) == ("signed", None)
    assert rules.status_after("checked", None, False) == ("checked", None)
    assert rules.status_after("depleted", None, False) == ("depleted", None)   # depleted otherwise: stays


def test_a_coi_holds_a_bounded_number_of_write_offs():
    made = [{**rules.write_off(LINES, [], f"M{i}", [{"line": 0, "net_weight": "0.001"}], "FR-CUSTOMS", NOW),
             "status": "cancelled"} for i in range(rules.MOST_WRITE_OFFS)]
    with pytest.raises(Conflict) as refused:
        rules.write_off(LINES, made, "M-last", [{"line": 0, "net_weight": "1"}], "FR-CUSTOMS", NOW)
    assert refused.value.code == "too_many_write_offs"
