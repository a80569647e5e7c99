"""CN codes of the products an organic COI names (SPEC 3, box 13): the reference list, the
search by code or name and the lookup of one code."""
import json

import pytest

from chalicelib import reference


def codes(found: list[dict]) -> list[str]:
    return [item["code"] for item in found]


def test_every_cn_code_of_the_list_has_8_digits_once_and_names_in_both_languages():
    data = json.loads((reference.DATA / "cn_codes.json").read_text("utf-8"))
    assert "Combined Nomenclature" in data["source"]
    seen = set()
    for item in data["items"]:
        assert reference.cn_digits(item["code"]) is not None, item
        assert item["code"] == " ".join((item["code"][:4], item["code"][5:7], item["code"][8:])), item
        assert item["code"] not in seen
        seen.add(item["code"])
        assert item["fr"].strip() and item["en"].strip()
    assert [i["code"] for i in data["items"]] == sorted(seen)


def test_the_list_covers_the_chapters_of_the_common_organic_imports():
    chapters = {item["code"][:2] for item in reference.items("cn_codes")}
    assert {"07", "08", "09", "10", "12", "15", "17", "18", "20"} <= chapters


@pytest.mark.parametrize("product", [
    "banana", "avocado", "dates", "orange", "lemon", "mandarin", "coffee", "tea", "cocoa beans",
    "cocoa butter", "cocoa powder", "cane sugar", "rice", "quinoa", "chia", "sesame", "sunflower",
    "soya", "olive oil", "coconut oil", "palm oil", "dried", "cashew", "almonds", "hazelnuts",
    "pepper", "vanilla", "ginger", "turmeric", "cinnamon", "juice", "purée", "honey"])
def test_common_organic_products_are_found_by_their_english_name(product):
    assert reference.commodities(product, "en"), product


@pytest.mark.parametrize("product", ["banane", "avocat", "dattes", "citron", "orange", "cafe",
                                     "the vert", "cacao", "sucre de canne", "riz", "quinoa", "chia",
                                     "sesame", "tournesol", "soja", "huile d'olive", "huile de coco",
                                     "palme", "secs", "noix", "poivre", "vanille", "jus", "puree"])
def test_common_organic_products_are_found_by_their_french_name(product):
    assert reference.commodities(product, "fr"), product


def test_a_code_matches_by_its_digits_with_or_without_spaces():
    assert codes(reference.commodities("080410", "fr")) == ["0804 10 00"]
    assert codes(reference.commodities("0804 10 00", "fr")) == ["0804 10 00"]
    assert codes(reference.commodities(" 08 04 ", "en")) == codes(reference.commodities("0804", "en"))
    assert set(codes(reference.commodities("0804", "en"))) >= {"0804 10 00", "0804 40 00"}
    assert all(c.startswith("0804") for c in codes(reference.commodities("0804", "en")))
    assert reference.commodities("99999999", "fr") == []


def test_a_name_matches_in_french_or_english_whatever_the_case_and_accents():
    dates = {"code": "0804 10 00", "name": "Dattes, fraîches ou sèches"}
    assert dates in reference.commodities("DATTES", "fr")
    assert dates in reference.commodities("dates", "fr")                # English name, French answer
    assert {"code": "0804 10 00", "name": "Dates, fresh or dried"} in reference.commodities("dattes", "en")
    assert "0901 11 00" in codes(reference.commodities("CAFÉ non torrefie", "fr"))
    assert "0901 11 00" in codes(reference.commodities("cafe NON TORRÉFIÉ", "en"))


def test_every_word_must_match_and_the_list_is_cut_at_the_limit():
    assert codes(reference.commodities("huile olive vierge extra", "fr")) == ["1509 20 00"]
    assert reference.commodities("huile banane", "fr") == []
    assert len(reference.commodities("", "fr", limit=5)) == 5
    assert len(reference.commodities("huile", "fr", limit=2)) == 2
    assert reference.commodities("huile", "fr", limit=0) == []


def test_hostile_queries_find_nothing_or_something_but_never_fail():
    for q in (None, 12, "%", "'; DROP", "a" * 10_000, "\x00", "０８０４"):
        assert isinstance(reference.commodities(q, "fr"), list)


def test_one_cn_code_is_looked_up_by_its_digits():
    expected = {"code": "0804 10 00", "fr": "Dattes, fraîches ou sèches", "en": "Dates, fresh or dried"}
    assert reference.cn_code("0804 10 00") == expected
    assert reference.cn_code("08041000") == expected
    assert reference.cn_code(" 0804 1000 ") == expected
    for unknown in ("0804", "0804 10 00 1", "99999999", "", None, 8041000, "０８０４１０００"):
        assert reference.cn_code(unknown) is None
    reference.cn_code("0804 10 00")["fr"] = "changed"
    assert reference.cn_code("0804 10 00") == expected  # a copy: the reference stays as it is
