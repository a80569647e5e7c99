"""`python -m dev.admin create-organisation` (SPEC 9) and the demo data of the COI parties: a valid
organisation whose id is its code, checked by the directory's rules, idempotent for the same
arguments, refused (exit 2, nothing changed) for other arguments."""
import pytest

from dev import admin

IMPORTER = ["FR-TEST-0001", "--kind", "operator", "--name", "Bio Import Provence", "--country", "FR",
            "--city", "Marseille", "--postal-code", "13002", "--activities", "organic_importer",
            "--eori", "FR12345678900011", "--control-body", "FR-BIO-01"]
PASSWORD = "Calanques-Sud-2026!"


def create(*arguments) -> int:
    return admin.main(["create-organisation", *arguments])


def stored(code: str):
    from chalicelib.store import organisations

    return organisations.get(code)


def audit_of(code: str) -> list[str]:
    from chalicelib.store import audit

    return [record.action for record in audit.trail(f"organisation#{code}")]


def test_an_operator_is_created_valid_with_its_code_as_id_and_people_can_be_attached(aws, new_api):
    assert create(*IMPORTER) == 0
    organisation = stored("FR-TEST-0001")
    assert organisation.kind == "operator" and organisation.status == "valid"
    assert organisation.code == "FR-TEST-0001" and organisation.name == "Bio Import Provence"
    assert organisation.activities == {"organic_importer"} and organisation.sections == {"organic"}
    assert organisation.control_body_id == "FR-BIO-01" and organisation.authority_id == "FR-INAO"
    assert [dict(i) for i in organisation.identifiers] == [{"type": "eori", "value": "FR12345678900011"}]
    assert audit_of("FR-TEST-0001") == ["create"]

    assert admin.main(["create-user", "buyer@bio-provence.fr", "--password", PASSWORD,
                       "--organisation", "FR-TEST-0001"]) == 0
    person = new_api()
    assert person.log_in("buyer@bio-provence.fr", PASSWORD).status_code == 200
    shown = person.get("/api/organisations/FR-TEST-0001").json_body
    assert shown["status"] == "valid" and {"type": "code", "value": "FR-TEST-0001"} in shown["codes"]
    assert shown["administrator_count"] == 1


def test_the_same_arguments_again_change_nothing(aws, capsys):
    assert create(*IMPORTER) == 0
    before = stored("FR-TEST-0001").serialize()
    assert create(*IMPORTER) == 0
    assert "unchanged: FR-TEST-0001" in capsys.readouterr().out
    assert stored("FR-TEST-0001").serialize() == before
    assert audit_of("FR-TEST-0001") == ["create"]
    lower_case_code = ["fr-test-0001", *IMPORTER[1:]]
    assert create(*lower_case_code) == 0  # codes are upper-cased: the same organisation


def changed(option: str, value: str) -> list[str]:
    arguments = list(IMPORTER)
    arguments[arguments.index(option) + 1] = value
    return arguments


@pytest.mark.parametrize("arguments", [
    changed("--name", "Another Name"), changed("--city", "Aix-en-Provence"),
    changed("--eori", "FR99999999900011"), changed("--control-body", "FR-BIO-09"),
    ["FR-TEST-0001", "--kind", "authority", "--name", "Bio Import Provence", "--country", "FR",
     "--city", "Marseille", "--postal-code", "13002"],
])
def test_other_arguments_for_an_existing_code_are_refused_and_change_nothing(aws, capsys, arguments):
    assert create(*IMPORTER) == 0
    before = stored("FR-TEST-0001").serialize()
    assert create(*arguments) == 2
    assert "already exists" in capsys.readouterr().err
    assert stored("FR-TEST-0001").serialize() == before


def test_leaving_out_a_field_the_organisation_has_is_a_difference_too(aws):
    assert create(*IMPORTER) == 0
    without_city = IMPORTER[:IMPORTER.index("--city")] + IMPORTER[IMPORTER.index("--city") + 2:]
    assert create(*without_city) == 2


@pytest.mark.parametrize("arguments, field", [
    (["X-1", "--kind", "operator", "--name", "Sans EORI", "--country", "FR",
      "--activities", "organic_importer", "--control-body", "FR-BIO-01"], "identifiers"),
    (["X-2", "--kind", "operator", "--name", "Bio", "--country", "MA", "--activities", "organic_exporter",
      "--control-body", "FR-BIO-01"], "control_body_id"),          # FR-BIO-01 certifies in France only
    (["X-3", "--kind", "operator", "--name", "Bio", "--country", "MA", "--activities", "organic_exporter"],
     "control_body_id"),
    (["X-4", "--kind", "operator", "--name", "Bio", "--country", "ZZ"], "country"),
    (["X-5", "--kind", "operator", "--name", "Bio", "--country", "FR", "--activities", "flying"], "activities"),
    (["X-6", "--kind", "operator", "--name", "Bio", "--country", "FR", "--postal-code", "1300"], "postal_code"),
    (["X-7", "--kind", "operator", "--name", "Bio", "--country", "FR", "--certifies-in", "FR"], "certifies_in"),
    (["X-8", "--kind", "operator", "--name", "Bio", "--country", "FR", "--eori", "12"], "identifiers.0.value"),
    (["MA-BIO-999", "--kind", "control_body", "--name", "Cert", "--country", "MA"], "certifies_in"),
    (["FR-BIO-999", "--kind", "control_body", "--name", "Cert", "--country", "MA", "--certifies-in", "MA"],
     "code"),                                                       # the code starts with its country
    (["CERT-ONE", "--kind", "control_body", "--name", "Cert", "--country", "MA", "--certifies-in", "MA"],
     "code"),
    (["X-9", "--kind", "authority", "--name", "Office", "--country", "FR", "--role", "king"], "role"),
    (["bad/code", "--kind", "operator", "--name", "Bio", "--country", "FR"], "code"),
    (["X" * 65, "--kind", "operator", "--name", "Bio", "--country", "FR"], "code"),
])
def test_an_organisation_that_breaks_a_rule_of_the_directory_is_not_created(aws, capsys, arguments, field):
    assert create(*arguments) == 2
    assert f"'{field}'" in capsys.readouterr().err
    assert stored(arguments[0].upper()) is None


def test_an_eori_held_by_another_organisation_is_refused(aws):
    assert create(*IMPORTER) == 0
    other = ["FR-TEST-0002", *IMPORTER[1:]]
    other[other.index("--name") + 1] = "Autre Import"
    assert create(*other) == 2
    assert stored("FR-TEST-0002") is None


def test_a_control_body_and_an_authority_get_their_code_and_can_be_named(aws):
    assert create("SN-BIO-154", "--kind", "control_body", "--name", "Ecocert SA", "--country", "SN",
                  "--certifies-in", "SN,GM", "--city", "Dakar") == 0
    body = stored("SN-BIO-154")
    assert body.kind == "control_body" and body.certifies_in == {"SN", "GM"}
    assert body.sections == {"organic"} and body.code == "SN-BIO-154"
    # an operator of Senegal names it, as it would a control body of the reference files
    assert create("SN-EXP-0001", "--kind", "operator", "--name", "Sésame du Sine", "--country", "SN",
                  "--activities", "organic_exporter", "--control-body", "SN-BIO-154") == 0
    assert stored("SN-EXP-0001").authority_id == "SN-BIO-154"

    assert create("FR-BCP-BREST", "--kind", "authority", "--name", "Poste de contrôle frontalier de Brest",
                  "--country", "FR", "--city", "Brest", "--competence", "organic,food") == 0
    post = stored("FR-BCP-BREST")
    assert post.role == "BCP" and post.competence == {"organic", "food"}
    assert create("PT-CCA2", "--kind", "authority", "--name", "Outra", "--country", "PT") == 0
    assert stored("PT-CCA2").role == "other"


def test_demo_creates_the_coi_parties_and_their_people_and_can_run_twice(aws, new_api, capsys):
    assert admin.main(["demo"]) == 0
    assert admin.main(["demo"]) == 0
    printed = capsys.readouterr().out
    for email, password, code, *_ in admin.DEMO_PEOPLE:
        assert f"{email} / {password} / {code}" in printed
        person = new_api()
        assert person.log_in(email, password).status_code == 200, email
    importer, exporter = stored("DEMO-FR-IMPORT"), stored("DEMO-MA-EXPORT")
    assert "organic_importer" in importer.activities and importer.control_body_id == "FR-BIO-01"
    assert [i["type"] for i in importer.identifiers] == ["eori"]
    assert importer.identifiers[0]["value"].startswith("FR")
    assert exporter.country == "MA" and exporter.control_body_id == "MA-BIO-154"
    assert stored("DEMO-MA-PRODUCER").activities == {"organic_producer"}
    assert stored("DEMO-FR-CONSIGNEE").activities == {"organic_first_consignee"}
    people = {code for _, _, code, *_ in admin.DEMO_PEOPLE}
    assert {"DEMO-FR-IMPORT", "DEMO-MA-EXPORT", "DEMO-MA-PRODUCER", "DEMO-FR-CONSIGNEE", "MA-BIO-154",
            "FR-CCA", "FR-BCP-MARSEILLE"} <= people


def test_demo_makes_certificates_in_each_step_once(aws, new_api, capsys):
    assert admin.main(["demo"]) == 0
    assert admin.main(["demo"]) == 0
    assert "already there" in capsys.readouterr().out
    importer = new_api()
    assert importer.log_in("importer@demo.example.org", "Joliette-Import-2026!").status_code == 200
    statuses = sorted(i["status"] for i in importer.get("/api/cois").json_body["items"])
    assert statuses == ["base_for_extract", "checked", "draft", "draft", "issued", "new", "signed"]
    authority = new_api()
    assert authority.log_in("cca@demo.example.org", "Vaugirard-Paris-2026!").status_code == 200
    assert "draft" not in {i["status"] for i in authority.get("/api/cois").json_body["items"]}
