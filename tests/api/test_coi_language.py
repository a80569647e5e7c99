"""A COI's refusals and e-mails speak their reader's language (SPEC 4, 5): the French catalog
holds every message of the COI, none of them a fuzzy guess, so a French importer is not
answered in English."""
from tests.api.coi_world import act, created, world  # noqa: F401 - fixture


def test_a_refused_submit_names_the_boxes_in_the_language_of_the_request(world):
    importer = world.person["importer"]
    coi = created(importer, {"box7": {"countries_of_origin": ["MA"]}})
    error = act(importer, coi, "submit").json_body["error"]
    assert error["message"] == "Des cases manquent ou ne sont pas valides."
    assert error["fields"]["boxes.box1.issuer"] == "Cette case est obligatoire."
    assert error["fields"]["boxes.box12"] == \
        "Indiquez le premier destinataire ou choisissez la mise en libre pratique par lots."
    english = importer.post(f"/api/cois/{coi['id']}/submit", {"version": coi["version"]},
                            headers={"Accept-Language": "en"}).json_body["error"]
    assert english["fields"]["boxes.box1.issuer"] == "This box is mandatory."


def test_the_e_mail_of_a_submitted_coi_is_in_french_for_a_french_reader(world, mailbox):
    coi = created(world.person["importer"], world.boxes())
    act(world.person["importer"], coi, "submit")
    message = mailbox.last("issuer@coi.example.org")
    assert "soumis à la certification" in message["Subject"]
    assert "a été soumis à la certification" in mailbox.text(message)
