"""The reference organisations a COI names (SPEC 3, 9): control bodies of the exporting countries
(box 1, box 6), member-state authorities with organic competence and border control posts (box 9)."""
import re

import pytest

from chalicelib import reference
from chalicelib.domain import organisations as rules


def by_code(name: str) -> dict:
    return {item["code"]: item for item in reference.items(name)}


def test_every_control_body_has_a_well_formed_code_of_its_country_and_countries_it_certifies_in():
    bodies = reference.items("control_bodies")
    assert len({b["code"] for b in bodies}) == len(bodies)
    for body in bodies:
        assert rules.control_body_code(body["code"]) == body["code"]
        assert body["code"].startswith(f"{body['country']}-"), body
        assert body["certifies_in"] and set(body["certifies_in"]) <= reference.country_codes(), body
        assert body.get("procedure", "compliance") in ("compliance", "equivalence"), body


def test_the_seed_control_body_of_morocco_is_ecocert_sa():
    assert by_code("control_bodies")["MA-BIO-154"]["name"] == "Ecocert SA"


@pytest.mark.parametrize("country", ["MA", "PE", "EC", "DO", "IN", "CN", "TR", "TN", "EG", "UA", "MG"])
def test_the_main_exporting_countries_have_control_bodies_that_certify_there(country):
    found = reference.control_bodies(country)
    assert len(found) >= 2, country
    assert all(country in body["certifies_in"] for body in found)


def test_one_reference_number_names_one_control_body_in_every_country():
    names = {}
    for body in reference.items("control_bodies"):
        if body["country"] in rules.EU_MEMBER_STATES:
            continue
        number = body["code"].rsplit("-", 1)[1]
        names.setdefault(number, set()).add(body["name"])
    assert {n: v for n, v in names.items() if len(v) > 1} == {}


def test_every_member_state_has_its_central_competent_authority_with_organic_competence():
    authorities = by_code("authorities")
    for country in rules.EU_MEMBER_STATES:
        central = authorities[f"{country}-CCA"]
        assert central["country"] == country and central["role"] == "CCA"
        assert "organic" in central["competence"], central["code"]


@pytest.mark.parametrize("code", ["FR-BCP-MARSEILLE", "FR-BCP-LE-HAVRE", "FR-BCP-FOS", "FR-BCP-ROISSY",
                                  "NL-BCP-ROTTERDAM", "BE-BCP-ANTWERPEN", "DE-BCP-HAMBURG",
                                  "ES-BCP-ALGECIRAS", "IT-BCP-GENOVA"])
def test_the_main_border_control_posts_of_entry_are_there(code):
    assert code in by_code("authorities")


def test_border_control_posts_are_of_a_member_state_with_organic_competence():
    posts = [a for a in reference.items("authorities") if a["role"] == "BCP"]
    assert len(posts) >= 15
    for post in posts:
        assert re.fullmatch(r"[A-Z]{2}-BCP-[A-Z0-9]+(-[A-Z0-9]+)*", post["code"]), post["code"]
        assert post["code"][:2] == post["country"] and post["country"] in rules.EU_MEMBER_STATES
        assert "organic" in post["competence"] and post.get("city")


def test_reference_organisations_have_unique_ids_and_load_as_valid_organisations():
    found = reference.organisations()
    assert len({o["id"] for o in found}) == len(found)
    kinds = {o["id"]: o["kind"] for o in found}
    assert kinds["MA-BIO-154"] == "control_body" and kinds["FR-BCP-MARSEILLE"] == "authority"
    assert kinds["FR-CCA"] == "authority"
