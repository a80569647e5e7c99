"""The countries shipped in the Lambda package are pycountry's, in French and English."""
import json

from chalicelib import reference
from dev import countries


def test_the_shipped_countries_are_those_of_the_pinned_pycountry():
    shipped = json.loads(countries.TARGET.read_text("utf-8"))
    assert shipped == countries.extract(), "run python -m dev.countries"


def test_countries_are_named_in_the_language_asked_for():
    french = {c["code"]: c["name"] for c in reference.countries("fr")}
    english = {c["code"]: c["name"] for c in reference.countries("en")}
    assert french["DE"] == "Allemagne" and english["DE"] == "Germany"
    assert len(french) == len(english) >= 249
    assert [c["name"] for c in reference.countries("fr")] == sorted(french.values(), key=reference.collation_key)


def test_countries_are_sorted_as_a_french_dictionary_sorts_them():
    names = [c["name"] for c in reference.countries("fr")]
    assert names.index("Égypte") < names.index("Équateur") < names.index("Espagne") < names.index("Zimbabwe")
    assert names.index("Île Bouvet") < names.index("Inde") < names.index("Irlande")
