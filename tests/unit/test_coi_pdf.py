"""The COI as a PDF: the boxes of the official model, the number, the QR code of the public
verification page, watermarks, and any input rendered without failing."""
import io
import re
import subprocess
import zlib

import pytest
from pypdf import PdfReader

from chalicelib.documents import coi_pdf
from chalicelib.documents.coi_pdf import translate
from tests import coi_sample

URL = coi_sample.VERIFY_URL


def render(coi=None, names=None, language="fr", url=URL) -> bytes:
    return coi_pdf.render(coi_sample.coi() if coi is None else coi,
                          coi_sample.names() if names is None else names, language, url)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def drawing_operations(pdf: bytes) -> bytes:
    found = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found += zlib.decompress(stream)
        except zlib.error:
            pass
    return found


def test_a_coi_renders_as_a_one_page_pdf_with_its_number_and_verification_link():
    pdf = render()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pages_of(pdf) == 1
    text = text_of(pdf)
    assert text.count(coi_sample.NUMBER) >= 3  # under the QR code, box 3, the footer
    assert URL in text
    assert f"/URI ({URL})".encode() in pdf  # the printed link can be clicked


def test_the_boxes_carry_the_official_numbers_and_titles_in_the_chosen_language():
    french, english = text_of(render(language="fr")), text_of(render(language="en"))
    for number, title in coi_pdf.BOX_TITLES.items():
        assert f"{number}. {translate(title, 'fr')}" in french.replace("\n", " ")
        assert f"{number}. {title}" in english.replace("\n", " ")
    assert "1. Autorité de contrôle ou organisme de contrôle émetteur" in french.replace("\n", " ")
    assert "Statut: Déclaration de l'organisme de délivrance signée" in french
    assert "Status: Declaration of the issuing body signed" in english


def test_the_parties_are_printed_with_name_address_country_and_code():
    text = text_of(render(language="fr"))
    assert "Atlas Bio Export SARL\n12 avenue Hassan II\n80000 Agadir\nMaroc (MA)\nMA-EXP-0001" in text
    assert "MA-BIO-154 Ecocert SA" in text            # box 6 and box 13: code and name
    assert "FR-CCA Ministère de l'Agriculture — DGAL" in text
    assert "☒ Conformité" in text and "☐ Équivalence" in text
    assert "2400.500 kg" in text and "0804 10 00" in text and "Amandes décortiquées bio" in text
    assert "Signé électroniquement par Karim Benali le 2026-11-21 09:30 UTC" in text


def test_an_organisation_missing_from_the_names_prints_as_its_id():
    text = text_of(render(names={}))
    assert "exp-1" in text and "MA-BIO-154" in text and "FR-BCP-MARSEILLE" in text


def test_release_by_batches_is_written_in_box_12():
    coi = coi_sample.coi()
    coi["boxes"]["box12"] = {"first_consignee": None, "release_by_batches": True}
    assert "For release for free circulation by batches" in text_of(render(coi, language="en"))


def test_ten_lines_make_a_pdf_under_60_kb():
    assert len(render(coi_sample.coi(lines=10))) < 60_000


def test_a_long_product_list_runs_onto_more_pages_with_the_table_header_repeated():
    pdf = render(coi_sample.coi(lines=70), language="en")
    text = text_of(pdf)
    assert pages_of(pdf) >= 3
    assert text.count("Trade name (continued)") == pages_of(pdf) - 1
    assert "LOT-2026-0069" in text and "21. Declaration of the first consignee" in text
    assert f"{coi_sample.NUMBER} - Page 3/{pages_of(pdf)}" in text


@pytest.mark.parametrize("status, mark", [("draft", "DRAFT, NO LEGAL VALUE / PROJET, SANS VALEUR JURIDIQUE"),
                                          ("deleted", "DELETED / SUPPRIMÉ"), ("replaced", "REPLACED / REMPLACÉ"),
                                          ("new", "NOT ISSUED, NO LEGAL VALUE")])
def test_a_certificate_that_is_not_final_carries_a_watermark_on_every_page(status, mark):
    pdf = render(coi_sample.coi(lines=70, status=status))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert all(mark in page for page in pages)


@pytest.mark.parametrize("status", ["issued", "checked", "signed", "base_for_extract", "depleted"])
def test_a_standing_certificate_has_no_watermark(status):
    text = text_of(render(coi_sample.coi(status=status)))
    assert not any(translate(mark, language) in text for mark in coi_pdf.WATERMARKS.values()
                   for language in ("en", "fr"))


def test_the_qr_code_holds_the_verification_url_and_is_the_one_drawn():
    code = coi_pdf.qr_code(URL)
    assert code.error == "M" and not code.is_micro
    matrix = [list(row) for row in code.matrix]
    rebuilt = [[0] * len(row) for row in matrix]
    runs = coi_pdf.dark_runs(matrix)
    for row, column, length in runs:
        rebuilt[row][column:column + length] = [1] * length
    assert rebuilt == matrix
    # Every dark run is one filled rectangle of the page (nothing else is drawn filled), and a
    # module is at least 0.5 mm wide, which phones read on paper.
    assert drawing_operations(render()).count(b" re f\n") == len(runs)
    assert coi_pdf.QR_SIZE / (len(matrix) + 2) >= 0.5
    same = coi_pdf.qr_code(URL)
    assert [list(r) for r in same.matrix] == matrix  # deterministic: a reprint has the same code


def test_the_printed_qr_code_scans_to_the_verification_url(tmp_path):
    (tmp_path / "coi.pdf").write_bytes(render())
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(tmp_path / "coi.pdf"),
                    str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    scanned = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                             capture_output=True, text=True)
    assert scanned.stdout.strip() == URL


HOSTILE = [
    "\x00\x07\x1b[31mred\x1b[0m", "\u202eevil\u202c", "\ud800lone surrogate", "emoji 🍌🥑",
    "中文出口商有限公司", "مصدر التمور", "A" * 20_000, "word " * 5_000, "(unbalanced \\) )",
    "Ελληνικά Кириллица Łódź Ærø ẞ Việt Nam", "\n\n\t\r", "", "%PDF-1.4 endstream endobj",
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_hostile_strings_anywhere_render_without_failing(hostile, language):
    coi = coi_sample.coi(lines=3)
    coi["number"] = hostile[:200]
    coi["boxes"]["box3"]["national_reference"] = hostile
    coi["boxes"]["box13"][0].update(trade_name=hostile, lot=hostile, packaging=hostile, unit=hostile)
    coi["boxes"]["box14"] = [{"container": hostile, "seal": hostile}] * 100
    coi["boxes"]["box17"] = {"mode": hostile, "identification": hostile}
    coi["boxes"]["documents"] = [{"type": hostile, "reference": hostile, "date": hostile}] * 100
    coi["boxes"]["box18"] = {"signed_by": hostile, "organisation": hostile, "at": hostile}
    coi["boxes"]["box20"] = {"outcome": hostile, "reason": hostile, "signed_by": hostile, "at": hostile}
    names = {key: {field: hostile for field in ("name", "address", "postal_code", "city", "country", "code")}
             for key in coi_sample.names()}
    pdf = render(coi, names, language, url=f"https://x.example/verify?number={hostile[:100]}")
    assert pdf.startswith(b"%PDF-")
    assert pages_of(pdf) < 10  # every text is cut to a bounded length


@pytest.mark.parametrize("coi", [
    {}, {"boxes": None}, {"status": 12, "number": None, "boxes": {"box13": "not a list"}},
    {"boxes": {"box1": ["wrong"], "box5": [None, 3, {"producer": None}], "box7": {"countries_of_origin": "MA"},
               "box13": [None, {"packages": None, "net_weight": 1.5}], "box14": None, "documents": {}}},
])
def test_incomplete_or_malformed_cois_still_render(coi):
    assert render(coi, names={"x": "not a dict"}, language="de", url="").startswith(b"%PDF-")


def test_text_the_font_lacks_prints_as_question_marks_and_controls_are_dropped():
    cmap = {ord(c) for c in "ab ?…"}
    assert coi_pdf._clean("a\x00b\u202e 中", 100, cmap) == "ab ?"
    assert coi_pdf._clean("a" * 50, 10) == "a" * 9 + "…"
    assert coi_pdf._clean("  several \n\t spaces ", 100) == "several spaces"


def test_the_pdfs_words_come_from_the_message_catalogues_translated():
    for table in (coi_pdf.BOX_TITLES, coi_pdf.WORDS, coi_pdf.STATUS_NAMES, coi_pdf.MODES, coi_pdf.OUTCOMES,
                  coi_pdf.WATERMARKS):
        for message in table.values():
            assert translate(message, "fr") != message or message in ("Page {page}/{pages}",), message


def test_fpdf_and_segno_are_not_imported_with_the_module():
    code = ("import sys; import chalicelib.documents.coi_pdf; "
            "print(any(m.split('.')[0] in ('fpdf', 'segno', 'fontTools') for m in sys.modules))")
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=coi_sample.__file__.rsplit("/tests/", 1)[0])
    assert out.stdout.strip() == "False"
