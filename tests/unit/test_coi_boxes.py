"""The box rules of the COI (SPEC 3.1): formats, derived boxes and the checks before submission."""
import pytest

from chalicelib.domain import coi_boxes as boxes
from chalicelib.domain import coi_parties, coi_values
from chalicelib.domain.coi_parties import OrgFacts
from chalicelib.domain.errors import Invalid
from chalicelib.domain.normalise import FieldError

REF = boxes.BoxReference(countries=frozenset({"FR", "MA", "DE", "PE"}))


@pytest.mark.parametrize("value, kept", [("2400", "2400.000"), ("2400.5", "2400.500"),
                                         ("0.001", "0.001"), (" 12.25 ", "12.250")])
def test_weights_are_decimal_strings_with_three_decimals(value, kept):
    assert coi_values.weight(value) == kept


@pytest.mark.parametrize("value", [2400, 12.5, "1.2345", "-1", "0", "1e3", "abc", "1,5",
                                   "10000000000"])
def test_bad_weights_are_refused(value):
    with pytest.raises(FieldError):
        coi_values.weight(value)


@pytest.mark.parametrize("value, kept", [("08044000", "0804 40 00"), ("0804 40 00", "0804 40 00")])
def test_cn_codes_have_eight_digits_spaces_allowed(value, kept):
    assert coi_values.cn_code(value) == kept


@pytest.mark.parametrize("value", ["0804", "0804 40 0A", 8044000, "080440001"])
def test_bad_cn_codes(value):
    with pytest.raises(FieldError):
        coi_values.cn_code(value)


def test_container_numbers_follow_iso_6346_with_their_check_digit():
    assert coi_values.container("msku 1234565") == "MSKU1234565"
    with pytest.raises(FieldError):
        coi_values.container("MSKU1234560")


def test_a_wrong_check_digit_is_named_as_such_not_as_a_wrong_shape():
    with pytest.raises(FieldError, match="check digit"):
        coi_values.container("MSKU1234560")
    with pytest.raises(FieldError, match="4 letters and 7 digits"):
        coi_values.container("MSK1234565")


def test_member_state_must_be_in_the_union():
    assert coi_values.member_state("fr", REF.countries) == "FR"
    with pytest.raises(FieldError):
        coi_values.member_state("MA", REF.countries)


def test_unknown_fields_and_derived_boxes_are_refused_by_name():
    with pytest.raises(Invalid) as error:
        boxes.check_boxes({"box1": {"issuer": "MA-BIO-154", "extra": 1}, "box2": {},
                           "box13": [{"cn_code": "1"}, "x"]}, REF)
    assert set(error.value.fields) == {"boxes.box1.extra", "boxes.box2", "boxes.box13.0.cn_code",
                                      "boxes.box13.1"}


def test_a_gross_weight_is_in_kilograms():
    assert boxes.check_boxes({"box16": {"gross_weight": "12", "unit": "kg"}}, REF)["box16"]["unit"] == "kg"
    with pytest.raises(Invalid) as refused:
        boxes.check_boxes({"box16": {"gross_weight": "12", "unit": "l"}}, REF)
    assert set(refused.value.fields) == {"boxes.box16.unit"}


def test_first_consignee_and_batches_exclude_each_other():
    with pytest.raises(Invalid) as error:
        boxes.check_boxes({"box12": {"first_consignee": "X", "release_by_batches": True}}, REF)
    assert "boxes.box12" in error.value.fields


def _org(ident, kind, country, **kw):
    return OrgFacts(id=ident, kind=kind, status=kw.pop("status", "valid"), country=country, **kw)


ORGS = {
    "CB": _org("CB", "control_body", "FR", certifies_in=frozenset({"MA"}), code="MA-BIO-154"),
    "EQ": _org("EQ", "control_body", "PE", certifies_in=frozenset({"PE"}), procedure="equivalence"),
    "EX": _org("EX", "operator", "MA"),
    "IM": _org("IM", "operator", "FR", activities=frozenset({"organic_importer"}), identifiers=("eori",)),
    "FC": _org("FC", "operator", "DE"),
    "CCA": _org("CCA", "authority", "FR", role="CCA", code="FR-CCA"),
    "BCP": _org("BCP", "authority", "FR", role="BCP", code="FR-BCP-MARSEILLE",
                competence=frozenset({"organic"})),
}


def complete(**overrides):
    found = {"box1": {"issuer": "CB"}, "box4": {"exporter": "EX"},
             "box7": {"countries_of_origin": ["MA"]}, "box8": {"country_of_export": "MA"},
             "box9": {"member_state": "FR", "authority": "CCA", "border_control_post": "BCP"},
             "box11": {"importer": "IM"}, "box12": {"first_consignee": "FC", "release_by_batches": False},
             "box13": [{"cn_code": "0804 40 00", "trade_name": "Avocats", "packages": 1,
                        "net_weight": "1.000", "unit": "kg", "producer": "EX",
                        "producer_control_body": "CB", "lot": "A"}],
             "box16": {"gross_weight": "2.000", "unit": "kg"}}
    found.update(overrides)
    return found


def test_derived_boxes():
    derived = boxes.derive(complete(box8={"country_of_export": None}), ORGS)
    assert derived["box2"] == {"procedure": "compliance"}
    assert derived["box5"] == [{"producer": "EX", "control_body": "CB"}]
    assert derived["box10"] == {"country_of_destination": "DE"}
    assert derived["box8"] == {"country_of_export": "MA"}
    assert boxes.derive(complete(box1={"issuer": "EQ"}), ORGS)["box2"] == {"procedure": "equivalence"}


def test_a_complete_coi_passes():
    boxes.check_complete(complete(), ORGS)


def test_each_mandatory_box_is_named_when_missing():
    with pytest.raises(Invalid) as error:
        boxes.check_complete({}, ORGS)
    assert {"boxes.box1.issuer", "boxes.box4.exporter", "boxes.box7.countries_of_origin",
            "boxes.box8.country_of_export", "boxes.box9.member_state", "boxes.box9.authority",
            "boxes.box11.importer", "boxes.box12", "boxes.box13",
            "boxes.box16.gross_weight"} <= set(error.value.fields)


@pytest.mark.parametrize("overrides, field", [
    ({"box8": {"country_of_export": "PE"}}, "boxes.box1.issuer"),        # issuer not in PE
    ({"box11": {"importer": "FC"}}, "boxes.box11.importer"),            # no importer activity
    ({"box9": {"member_state": "FR", "authority": "BCP", "border_control_post": None}},
     "boxes.box9.authority"),
    ({"box9": {"member_state": "FR", "authority": "CCA", "border_control_post": "CCA"}},
     "boxes.box9.border_control_post"),
    ({"box4": {"exporter": "CB"}}, "boxes.box4.exporter"),
])
def test_organisations_must_be_of_the_right_kind(overrides, field):
    with pytest.raises(Invalid) as error:
        boxes.check_complete(complete(**overrides), ORGS)
    assert field in error.value.fields


def test_an_organisation_not_yet_valid_is_refused():
    orgs = dict(ORGS, EX=_org("EX", "operator", "MA", status="requested"))
    with pytest.raises(Invalid) as error:
        boxes.check_complete(complete(), orgs)
    assert "boxes.box4.exporter" in error.value.fields


def test_several_origins_for_a_single_lot_is_flagged():
    assert boxes.several_origins_for_one_lot(complete(box7={"countries_of_origin": ["MA", "PE"]}))
    assert not boxes.several_origins_for_one_lot(complete())


def test_only_quantities_changed():
    old = complete()["box13"]
    new = [dict(old[0], packages=2, net_weight="0.500")]
    assert boxes.quantities_only_changed(old, new)
    assert not boxes.quantities_only_changed(old, [dict(old[0], lot="B")])
    assert not boxes.quantities_only_changed(old, old + old)


def test_box_2_is_equivalence_for_a_body_of_a_recognised_country_exporting_from_it():
    tunisian = _org("TN1", "control_body", "TN", certifies_in=frozenset({"TN"}))
    assert boxes.procedure(tunisian, "TN", frozenset({"TN"})) == "equivalence"
    assert boxes.procedure(tunisian, "TN", frozenset()) == "compliance"
    assert boxes.procedure(ORGS["CB"], "MA", frozenset({"TN"})) == "compliance"
    assert boxes.procedure(None, "MA", frozenset()) is None


def test_an_edit_is_checked_on_the_boxes_it_changes_only():
    wrong = complete(box4={"exporter": "CB"}, box9={"member_state": "FR", "authority": "FC",
                                                     "border_control_post": None})
    assert set(coi_parties.party_problems(wrong, ORGS, given={"box9"})) == {"boxes.box9.authority"}
    assert set(coi_parties.party_problems(wrong, ORGS, given={"box4", "box9"})) == {
        "boxes.box4.exporter", "boxes.box9.authority"}
    assert coi_parties.party_problems(wrong, ORGS, given={"box17"}) == {}
    # box 1's rule reads box 8: changing the country of export checks the issuer again
    moved = complete(box8={"country_of_export": "PE"})
    assert set(coi_parties.party_problems(moved, ORGS, given={"box8"})) == {"boxes.box1.issuer"}


def test_an_organisation_named_for_a_controlling_party_may_be_no_other_party():
    importer_verifies = complete(box9={"member_state": "FR", "authority": "IM",
                                       "border_control_post": None})
    problems = coi_parties.party_problems(importer_verifies, ORGS, given={"box9"})
    assert "boxes.box9.authority" in problems
    consignee_is_the_post = complete(box12={"first_consignee": "BCP", "release_by_batches": False},
                                     box9={"member_state": "FR", "authority": "CCA",
                                           "border_control_post": "BCP"})
    problems = coi_parties.party_problems(consignee_is_the_post, ORGS, given={"box12"})
    assert set(problems) == {"boxes.box12.first_consignee"}
    importer_receives = complete(box12={"first_consignee": "IM", "release_by_batches": False})
    assert coi_parties.party_problems(importer_receives, ORGS, given={"box12"}) == {}
