"""GET /api/cois/{id}/pdf in a language of the member state of box 9 (SPEC 3.2): its first
official language by default, another of them with ?lang=, 400 on `lang` for any other, and
the caller's language before box 9 is filled."""
import subprocess

import pytest

from tests.api.coi_world import advanced, created, world  # noqa: F401 - fixture
from tests.api.conftest import error_fields

BOX_9 = {"fr": "9. État membre de dédouanement et autorité compétente / Member State of clearance",
         "en": "9. Member State of clearance and competent authority",
         "nl": "9. Lidstaat van inklaring en bevoegde autoriteit / Member State of clearance",
         "de": "9. Mitgliedstaat der Abfertigung und zuständige Behörde / Member State of clearance",
         "pl": "9. Państwo członkowskie odprawy i właściwy organ / Member State of clearance"}


def titles(response, tmp_path) -> str:
    assert response.status_code == 200, response.json_body
    (tmp_path / "coi.pdf").write_bytes(response.body)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "coi.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def pdf(person, coi, query="", language="fr"):
    return person.get(f"/api/cois/{coi['id']}/pdf{query}",
                      headers={"Accept-Language": language, "Accept": "application/pdf, application/json"})


def test_an_issued_coi_prints_in_the_language_of_box_9_whatever_the_callers(world, tmp_path):
    coi = advanced(world, "submit", "issue")           # box 9: FR
    text = titles(pdf(world.person["importer"], coi, language="en"), tmp_path)
    assert BOX_9["fr"] in text and "Certificat d'inspection pour l'importation" in text
    assert "Certificate of inspection for the import" in text   # the heading's English title


@pytest.mark.parametrize("query, expected", [("", "nl"), ("?lang=nl", "nl"), ("?lang=fr", "fr"), ("?lang=de", "de")])
def test_belgium_prints_in_dutch_by_default_or_in_french_or_german_when_asked(world, tmp_path, query, expected):
    coi = created(world.person["importer"], {"box9": {"member_state": "BE"}})
    assert BOX_9[expected] in titles(pdf(world.person["importer"], coi, query, language="en"), tmp_path)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_a_language_that_is_not_official_in_the_member_state_is_a_400_on_lang(world, lang):
    coi = created(world.person["importer"], {"box9": {"member_state": "BE"}})
    response = pdf(world.person["importer"], coi, f"?lang={lang}")
    assert response.status_code == 400
    assert error_fields(response) == {
        "lang": "Choisissez une langue officielle de l'État membre de dédouanement (case 9)."}
    english = pdf(world.person["importer"], coi, f"?lang={lang}", language="en")
    assert error_fields(english) == {"lang": "Choose an official language of the member state of clearance (box 9)."}


@pytest.mark.parametrize("lang", ["xx", "lb", "FR", "", "fr-BE"])
def test_a_lang_that_is_not_one_of_the_24_is_a_400_on_lang(world, lang):
    coi = created(world.person["importer"], {})
    response = pdf(world.person["importer"], coi, f"?lang={lang}")
    assert response.status_code == 400 and list(error_fields(response)) == ["lang"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_before_box_9_is_filled_the_pdf_is_in_the_callers_language(world, tmp_path, language):
    coi = created(world.person["importer"], {})
    assert BOX_9[language] in titles(pdf(world.person["importer"], coi, language=language), tmp_path)


def test_before_box_9_is_filled_any_language_of_the_union_may_be_asked(world, tmp_path):
    coi = created(world.person["importer"], {})
    assert BOX_9["pl"] in titles(pdf(world.person["importer"], coi, "?lang=pl"), tmp_path)


def test_a_stranger_learns_nothing_from_lang(world):
    coi = created(world.person["importer"], {"box9": {"member_state": "BE"}})
    assert pdf(world.person["stranger"], coi, "?lang=en").status_code == 404
