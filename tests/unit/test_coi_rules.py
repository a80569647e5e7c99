"""The COI's rules that the service used to hold, tested without moto: the number, the
preconditions of a verification, and the quantities of extracts."""
import pytest

from chalicelib.domain import coi, extracts
from chalicelib.domain.errors import Conflict, Invalid

LINES = [{"cn_code": "08041000", "packages": 10, "net_weight": "200.000", "unit": "kg"},
         {"cn_code": "08045000", "packages": 4, "net_weight": "50.500", "unit": "kg"}]


def test_a_number_names_the_member_state_the_year_and_seven_digits():
    assert coi.number("FR", 2026, 6) == "COI.EU.FR.2026.0000006"
    assert coi.is_number("COI.EU.FR.2026.0000006") and not coi.is_number("COI.EU.FR.2026.6")


def test_no_number_is_left_past_the_seventh_digit():
    assert coi.number("DE", 2026, coi.LAST_SEQUENCE).endswith(".9999999")
    with pytest.raises(Conflict) as refused:
        coi.number("DE", 2026, coi.LAST_SEQUENCE + 1)
    assert refused.value.code == "numbers_exhausted"


@pytest.mark.parametrize("outcome, reason, box12, field", [
    ("bogus", None, {}, "outcome"),
    ("not_released", "  ", {}, "reason"),                         # nothing released: say why
    ("released_conventional", None, {}, "reason"),
    ("released_for_extracts", None, {"release_by_batches": False}, "outcome"),
    ("released", "x" * (coi.REASON_LENGTH + 1), {}, "reason"),
])
def test_a_verification_names_what_is_missing(outcome, reason, box12, field):
    with pytest.raises(Invalid) as refused:
        coi.verification({"box12": box12}, outcome, reason)
    assert set(refused.value.fields) == {field}


def test_a_verification_keeps_its_outcome_and_trimmed_reason():
    assert coi.verification({}, "released", None) == ("released", None)
    assert coi.verification({"box12": {"release_by_batches": True}}, "released_for_extracts", "") \
        == ("released_for_extracts", None)
    assert coi.verification({}, "not_released", " Résidus ") == ("not_released", "Résidus")


def test_what_remains_of_a_base_is_its_lines_less_what_extracts_hold():
    assert extracts.remaining(LINES, [3, 0], [50_000, 500]) == [
        {"line": 0, "packages": 7, "net_weight": "150.000", "unit": "kg"},
        {"line": 1, "packages": 4, "net_weight": "50.000", "unit": "kg"}]


def test_an_extract_request_names_each_line_in_error():
    with pytest.raises(Invalid) as refused:
        extracts.requested(LINES * 2, [{"line": 0, "net_weight": "1.5", "packages": 0}, {"line": 0, "net_weight": "1"},
                                   {"line": 1}, {"line": 1, "colour": "red"}])
    assert set(refused.value.fields) == {"lines.0.packages", "lines.1.line", "lines.2.net_weight", "lines.3"}
    with pytest.raises(Invalid):
        extracts.requested(LINES, [])


def test_an_extract_asks_at_most_what_remains():
    asked = extracts.requested(LINES, [{"line": 1, "net_weight": "50.5"}])
    assert asked == [{"line": 1, "packages": None, "net_weight": "50.500"}]
    extracts.check_within(asked, extracts.remaining(LINES, [0, 0], [0, 0]))
    with pytest.raises(Conflict) as refused:
        extracts.check_within(asked, extracts.remaining(LINES, [0, 0], [0, 1]))
    assert refused.value.code == "quantity_exceeded"


def test_an_extract_holds_its_quantities_and_gives_them_back():
    asked = [{"line": 0, "packages": 2, "net_weight": "20.000"}]
    assert extracts.taken(asked) == [(0, 2, 20_000)]
    assert extracts.totals(LINES, asked) == [{"line": 0, "packages": 10, "weight": 200_000}]
    held = extracts.totals(LINES, asked)
    assert extracts.released(held, asked) == [(0, -2, -20_000)]
    assert extracts.changed(held, asked, [{**asked[0], "net_weight": "25.000"}]) == [(0, 0, 5_000)]
    assert extracts.changed(held, asked, asked) == []


def test_an_extract_takes_the_gross_weight_in_the_share_of_its_net_weight():
    base = {"box13": LINES, "box16": {"gross_weight": "300.000"}}
    assert extracts.gross_share(base, [{"net_weight": "125.250"}]) == "150.000"
    assert extracts.gross_share({"box13": LINES}, [{"net_weight": "1"}]) is None
