"""Public reference lists, in the request's language."""


def test_secret_questions_are_the_fourteen_of_the_guides_in_both_languages(api, new_api):
    french = api.get("/api/reference/secret-questions").json_body
    english = new_api("en").get("/api/reference/secret-questions").json_body
    assert len(french) == len(english) == 14
    assert french[0]["text"].startswith("Où avez-vous rencontré")
    assert english[0]["text"] != french[0]["text"]


def test_countries_come_named_in_the_request_language(api, new_api):
    french = {c["code"]: c["name"] for c in api.get("/api/reference/countries").json_body}
    english = {c["code"]: c["name"] for c in new_api("en").get("/api/reference/countries").json_body}
    assert french["DE"] == "Allemagne" and english["DE"] == "Germany"


def test_sections_and_activities(api):
    sections = {s["id"]: s["name"] for s in api.get("/api/reference/sections").json_body}
    assert sections["organic"] == "Biologique"
    activities = api.get("/api/reference/activities").json_body
    assert {"organic_importer", "organic_exporter"} <= {a["id"] for a in activities}
    assert all(a["section"] in sections for a in activities)


def test_control_bodies_by_the_country_they_certify_in(api):
    morocco = api.get("/api/reference/control-bodies?certifies_in=ma").json_body
    assert "MA-BIO-154" in {c["code"] for c in morocco}
    assert all("MA" in c["certifies_in"] for c in morocco)
    assert api.get("/api/reference/control-bodies?certifies_in=ZZ").status_code == 400
