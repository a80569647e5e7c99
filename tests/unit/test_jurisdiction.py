import pytest

from chalicelib import reference
from chalicelib.domain import jurisdiction


@pytest.mark.parametrize("postal_code, departement", [
    ("69002", "69"), ("01000", "01"), ("20000", "2A"), ("20100", "2A"), ("20167", "2A"),
    ("20200", "2B"), ("20600", "2B"), ("97100", "971"), ("97200", "972"), ("97300", "973"),
    ("97400", "974"), ("97600", "976"), ("75 001", "75"),
])
def test_departement_from_postal_code(postal_code, departement):
    assert jurisdiction.departement(postal_code) == departement


@pytest.mark.parametrize("postal_code", ["6900", "ABCDE", "98000", "20900"])
def test_no_departement_for_odd_codes(postal_code):
    assert jurisdiction.departement(postal_code) is None


def test_every_departement_has_its_ddpp_in_the_reference_data():
    mapping = reference.departement_authorities()
    for code in [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]:
        assert mapping[code] == f"FR-DDPP-{code}"


def test_other_countries_go_to_their_central_authority_else_the_commission():
    args = (reference.departement_authorities(), reference.authority_codes())
    assert jurisdiction.competent_authority("FR", "69002", *args) == "FR-DDPP-69"
    assert jurisdiction.competent_authority("DE", "10115", *args) == "DE-CCA"
    assert jurisdiction.competent_authority("MA", "10000", *args) == "EU-COMMISSION"
    assert jurisdiction.competent_authority("FR", "98000", *args) == "FR-CCA"
