"""One box table (domain/coi_table.py): the API's schema of the boxes, the empty boxes of a draft,
the rules, the parties, the PDF's box list and the JSON file of the site's scripts all say what it
says, no field more and no field less."""
import io
import json

from pypdf import PdfReader

from chalicelib.api import cois as api
from chalicelib.documents import coi_pdf
from chalicelib.domain import coi, coi_parties, coi_table
from chalicelib.domain.coi_boxes import BoxReference, check_boxes
from chalicelib.domain.organisations import EU_MEMBER_STATES
from chalicelib.i18n import translate
from dev import build_site


def fields(boxes) -> set:
    return {(box.name, field.name) for box in boxes for field in box.fields}


def schema_fields(properties: dict) -> set:
    found = set()
    for box, schema in properties.items():
        inner = schema.get("items", schema)
        found |= {(box, name) for name in inner.get("properties", {})}
    return found


def test_the_api_schema_of_the_boxes_has_every_field_of_the_table_and_no_other():
    assert schema_fields(api.BOXES["properties"]) == fields(coi_table.WRITTEN)
    answered = api.COI["properties"]["boxes"]["properties"]
    assert schema_fields({k: v for k, v in answered.items() if k not in coi.SIGNATURES}) == \
        fields(coi_table.BOXES)


def test_the_api_schema_takes_the_limits_and_choices_of_the_table():
    for box in coi_table.WRITTEN:
        schema = api.BOXES["properties"][box.name]
        if box.lines:
            assert schema["maxItems"] == box.lines
            schema = schema["items"]
        for field in box.fields:
            found = schema["properties"][field.name]
            found = found.get("anyOf", [found])[0]          # a nullable string with a format
            if field.kind == coi_table.CHOICE:
                assert set(found["enum"]) - {None} == set(field.choices)
            elif field.kind == coi_table.COUNTRIES:
                assert found["maxItems"] == field.limit
            elif field.kind not in (coi_table.BOOLEAN, coi_table.COUNT):
                assert found["maxLength"] == field.limit, (box.name, field.name)


def test_the_empty_boxes_of_a_draft_are_the_written_boxes_of_the_table_and_pass_their_rules():
    empty = coi_table.empty_boxes()
    assert set(empty) == {box.name for box in coi_table.WRITTEN} == set(coi.WRITABLE)
    assert {(box, name) for box, value in empty.items() if isinstance(value, dict) for name in value} == \
        fields(box for box in coi_table.WRITTEN if not box.lines)
    assert check_boxes(empty, BoxReference(countries=frozenset({"FR"}))) == empty
    assert empty["box16"] == {"gross_weight": None, "unit": "kg"} and empty["box7"] == {"countries_of_origin": []}


def test_each_field_naming_an_organisation_has_its_party_rule_and_each_party_its_field():
    named = {(box.name, f.name) for box in coi_table.WRITTEN for f in box.fields
             if f.kind == coi_table.ORGANISATION}
    assert set(coi_parties.RULES) == named
    assert set(coi.PARTY_FIELDS.values()) <= named and set(coi.PARTY_FIELDS) == set(coi.CREATORS) | {
        coi.VERIFIER, coi.ENTRY, coi.CONSIGNEE}
    assert all(f.organisation for box in coi_table.BOXES for f in box.fields if f.kind == coi_table.ORGANISATION)


def test_the_pdf_prints_every_box_of_the_model_and_every_field_where_the_table_says():
    places = {place for row in coi_pdf.GRID if row != coi_pdf.PRODUCTS for place, _ in row}
    assert coi_pdf.BOX_TITLES == coi_table.MODEL
    assert places | {coi_pdf.PRODUCTS} == set(coi_table.MODEL) | set(coi_table.UNNUMBERED)
    assert {f.printed for box in coi_table.BOXES for f in box.fields} <= places | {coi_pdf.PRODUCTS}


# A value for each kind of field, and what the PDF shows of it.
COUNTRIES = iter(["MA", "PE", "DE", "IT", "ES"])


def _sample(box: str, field: coi_table.Field):
    kind = field.kind
    if kind == coi_table.ORGANISATION:
        return f"o-{field.name[:6]}", f"o-{field.name[:6]}"
    if kind in (coi_table.COUNTRY, coi_table.MEMBER_STATE):
        code = next(COUNTRIES)
        return code, f"({code})"
    if kind == coi_table.COUNTRIES:
        return ["PE"], "(PE)"
    samples = {coi_table.TEXT: (f"t{field.name[:5]}", f"t{field.name[:5]}"),
               coi_table.WEIGHT: (f"{len(field.name)}4.567", f"{len(field.name)}4.567"),
               coi_table.COUNT: (4321, "4321"), coi_table.CN_CODE: ("0804 10 00", "0804 10 00"),
               coi_table.CONTAINER: ("MSKU1234565", "MSKU1234565"), coi_table.DATE: ("2026-11-20", "2026-11-20"),
               coi_table.BOOLEAN: (False, "")}
    if kind == coi_table.CHOICE:
        value = field.choices[-1]
        if field.name == "procedure":                  # both printed, the one chosen ticked
            return value, "☒ " + translate(coi_pdf.WORDS[value], "en")
        return value, translate(coi_pdf.MODES[value], "en") if field.name == "mode" else value
    return samples[kind]


def test_every_field_of_the_table_shows_on_the_pdf():
    boxes, expected = {}, {}
    for box in coi_table.BOXES:
        values = {}
        for field in box.fields:
            values[field.name], expected[(box.name, field.name)] = _sample(box.name, field)
        boxes[box.name] = [values] if box.lines else values
    text = pdf_text({"number": "COI.EU.DE.2026.0000001", "status": "issued", "boxes": boxes})
    missing = {where: shown for where, shown in expected.items() if shown not in text}
    assert not missing
    batches = {**boxes, "box12": {"release_by_batches": True, "first_consignee": None}}
    assert translate(coi_pdf.WORDS["batches"], "en") in pdf_text({"status": "issued", "boxes": batches})


def pdf_text(certificate: dict) -> str:
    pdf = coi_pdf.render(certificate, {}, "en", "")
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_site_build_writes_the_box_table_of_the_domain_and_the_coi_pages_name_it(tmp_path):
    build_site.build(tmp_path / "site")
    static = tmp_path / "site" / "static"
    written = json.loads((static / build_site.BOX_TABLE).read_text("utf-8"))
    assert written == coi_table.site_table(coi.CREATORS, EU_MEMBER_STATES, coi.SIGNATURES)
    assert {(box, name) for box, found in written["boxes"].items() for name in found["fields"]} == \
        fields(coi_table.BOXES)
    assert [name for name, found in written["boxes"].items() if not found.get("derived")] == list(coi.WRITABLE)
    page = (tmp_path / "site" / "fr" / "cois" / "view.html").read_text("utf-8")
    hashed = page.split('<meta name="coi-boxes" content="/static/')[1].split('"')[0]
    assert json.loads((static / hashed).read_text("utf-8")) == written


def test_the_site_table_gives_each_creator_the_activity_its_box_asks_for():
    table = coi_table.site_table(coi.CREATORS, EU_MEMBER_STATES, coi.SIGNATURES)
    assert sorted(map(sorted, (c.items() for c in table["creators"]))) == sorted(map(sorted, (c.items() for c in [
        {"kind": "operator", "activity": "organic_importer"}, {"kind": "operator", "activity": "organic_exporter"},
        {"kind": "operator", "activity": "responsible_for_load"}, {"kind": "control_body"}])))
    assert set(table["member_states"].split()) == EU_MEMBER_STATES


def test_the_coi_pages_have_a_label_for_every_field_they_edit_and_a_word_for_every_choice():
    texts = (build_site.TEMPLATES / "cois" / "_coi.html").read_text("utf-8")
    for box in coi_table.WRITTEN:
        assert f'"{box.name}": (' in texts, box.name            # its number, title and hint
        for field in box.fields:
            assert f'"f_{field.name}":' in texts, field.name
            assert all(f'"o_{choice}":' in texts for choice in field.choices), field.name
