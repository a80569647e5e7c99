"""The COI PDF in the 24 official languages of the Union (SPEC 3.2): its `coi_pdf` catalogues
are complete, its fonts have every character of them, and the titles come out of the PDF as
text (poppler's pdftotext), each followed by its English title; and the choice of the language
from the member state of box 9 (domain/languages.py)."""
import io
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from chalicelib.documents import coi_pdf
from chalicelib.domain.errors import Invalid
from chalicelib.domain.languages import EU_LANGUAGES, OFFICIAL_LANGUAGES, document_language, official_languages
from chalicelib.domain.organisations import EU_MEMBER_STATES
from tests import coi_sample

LOCALE = Path(coi_pdf.__file__).resolve().parents[1] / "locale"
TRANSLATED = [language for language in EU_LANGUAGES if language != coi_pdf.ENGLISH]


def catalogue(language: str):
    with (LOCALE / language / "LC_MESSAGES" / f"{coi_pdf.DOMAIN}.po").open("rb") as po:
        return read_po(po)


def pdftotext(pdf: bytes, tmp_path) -> str:
    (tmp_path / "coi.pdf").write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "coi.pdf"), "-"],
                          capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_24_languages_are_those_of_the_member_states():
    assert len(EU_LANGUAGES) == 24 == len(set(EU_LANGUAGES))
    assert set(OFFICIAL_LANGUAGES) == EU_MEMBER_STATES
    assert {language for languages in OFFICIAL_LANGUAGES.values() for language in languages} == set(EU_LANGUAGES)
    assert official_languages("BE") == ("nl", "fr", "de") and official_languages("LU") == ("fr", "de")
    assert official_languages("IE") == ("en", "ga") and official_languages("MT") == ("mt", "en")
    assert official_languages("CY") == ("el",) and official_languages("FI") == ("fi", "sv")
    assert official_languages("MA") == () and official_languages(None) == ()


@pytest.mark.parametrize("member_state, asked, caller, expected", [
    ("DE", None, "fr", "de"),     # the member state's language, whatever the caller's
    ("BE", None, "en", "nl"),     # its first official language by default
    ("BE", "fr", "en", "fr"), ("BE", "de", "fr", "de"), ("FI", "sv", "fr", "sv"), ("MT", "en", "fr", "en"),
    (None, None, "en", "en"),     # box 9 empty: the caller's language...
    (None, "pl", "fr", "pl"),     # ...or any language of the Union asked for
])
def test_the_document_language_follows_box_9_then_the_choice_then_the_caller(member_state, asked, caller, expected):
    assert document_language(member_state, asked, caller) == expected


@pytest.mark.parametrize("member_state, asked", [("BE", "en"), ("DE", "fr"), ("LU", "lb"), (None, "tr"),
                                                 ("CY", "tr")])
def test_a_language_that_is_not_official_there_is_refused_on_the_lang_field(member_state, asked):
    with pytest.raises(Invalid) as refused:
        document_language(member_state, asked, "fr")
    assert list(refused.value.fields) == ["lang"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_pdf_message_is_translated_in_every_language(language):
    translations = {m.id: m.string for m in catalogue(language) if m.id and not m.fuzzy}
    assert {message for message in coi_pdf.messages() if not translations.get(message)} == set()
    for message in coi_pdf.messages():   # placeholders kept, so that format() cannot fail
        assert coi_pdf.translate(message, language, count=2, page=1, pages=2, person="P", at="A",
                                 organisation="O")


def test_the_fonts_have_every_character_of_every_catalogue():
    texts = {message for message in coi_pdf.messages()}
    for language in TRANSLATED:
        texts |= {m.string for m in catalogue(language) if m.id}
    needed = {ord(c) for text in texts for c in text}
    for file in coi_pdf.FONTS.values():
        cmap = TTFont(file)["cmap"].getBestCmap()
        assert {chr(c) for c in needed - set(cmap)} == set(), file.name


@pytest.mark.parametrize("language", EU_LANGUAGES)
def test_the_titles_come_out_in_each_language_followed_by_their_english_title(language, tmp_path):
    pdf = coi_pdf.render(coi_sample.coi(lines=10), coi_sample.names(), language, coi_sample.VERIFY_URL)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1   # the longer titles wrap, and ten lines still fit
    text = pdftotext(pdf, tmp_path)
    for number in (1, 9, 13, 21):
        english = coi_pdf.BOX_TITLES[number]
        local = coi_pdf.translate(english, language)
        assert f"{number}. {local if local == english else f'{local} / {english}'}" in text
    assert coi_pdf.translate(coi_pdf.WORDS["heading"], language) in text
    assert "?" not in text.replace(coi_sample.VERIFY_URL, "")   # no character fell out of the font


def test_greek_cyrillic_and_latin_diacritics_print_as_real_characters(tmp_path):
    expected = {"el": "9. Κράτος μέλος εκτελωνισμού και αρμόδια αρχή / Member State of clearance",
                "bg": "9. Държава членка на митническо оформяне и компетентен орган / Member State",
                "ro": "14. Număr (numere) container / Container number(s)",
                "mt": "Ċertifikat tal-ispezzjoni għall-importazzjoni",
                "ga": "Údarás rialaithe nó comhlacht rialaithe eisiúna",
                "de": "9. Mitgliedstaat der Abfertigung und zuständige Behörde / Member State of clearance"}
    for language, title in expected.items():
        text = pdftotext(coi_pdf.render(coi_sample.coi(), coi_sample.names(), language, coi_sample.VERIFY_URL),
                         tmp_path)
        assert title in text, language
    draft = pdftotext(coi_pdf.render(coi_sample.coi(status="replaced"), coi_sample.names(), "mt",
                                     coi_sample.VERIFY_URL), tmp_path)
    assert "REPLACED/SOSTITWIT" in draft.replace(" ", "")   # the watermark (rotated: letter by letter)


def test_an_english_document_prints_each_title_once(tmp_path):
    text = pdftotext(coi_pdf.render(coi_sample.coi(), coi_sample.names(), "en", coi_sample.VERIFY_URL), tmp_path)
    assert "9. Member State of clearance and competent authority" in text and " / Member State" not in text


def test_country_names_print_in_every_language_with_the_values_font():
    """Countries print in the document's language (data/countries.json, from pycountry), in the
    regular font: it has every character of every name."""
    from chalicelib import reference

    cmap = TTFont(coi_pdf.FONTS[""])["cmap"].getBestCmap()
    for language in EU_LANGUAGES:
        names = {c["code"]: c["name"] for c in reference.countries(language)}
        assert {c for name in names.values() for c in name if ord(c) not in cmap} == set(), language
    named = {language: {c["code"]: c["name"] for c in reference.countries(language)} for language in ("de", "el", "bg")}
    assert (named["de"]["MA"], named["el"]["GR"], named["bg"]["DE"]) == ("Marokko", "Ελλάδα", "Германия")


def test_the_countries_print_in_the_documents_language(tmp_path):
    texts = {language: pdftotext(coi_pdf.render(coi_sample.coi(), coi_sample.names(), language,
                                                coi_sample.VERIFY_URL), tmp_path) for language in ("de", "el")}
    assert "Marokko (MA)" in texts["de"] and "Μαρόκο (MA)" in texts["el"]
