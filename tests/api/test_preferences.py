"""Profile preferences (SPEC 2.2): language, time zone, notification format, which
notifications to receive."""
from dev import admin
from tests.api.conftest import logged_in, make_valid
from tests.conftest import AUTHORITY, register_and_confirm

EMAIL = "marie.dupont@bio-lyon.fr"


def test_the_profile_shows_the_default_preferences(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    me = logged_in(new_api, EMAIL).get("/api/me").json_body
    assert me["time_zone"] == "Europe/Paris"
    # The first person of a new operator administers it: the role requests digest concerns them,
    # the authorities' digest does not.
    assert me["notifications"] == {"role_requests": True}
    assert authority.get("/api/me").json_body["notifications"] == {
        "user_creation_requests": True, "role_requests": True}


def test_an_operator_who_decides_nothing_is_offered_no_digest(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    organisation_id = logged_in(new_api, EMAIL).get("/api/me").json_body["organisation"]["id"]
    make_valid(api, mailbox, authority, "paul.martin@bio-lyon.fr", organisation={"id": organisation_id})
    colleague = logged_in(new_api, "paul.martin@bio-lyon.fr")
    assert colleague.get("/api/me").json_body["notifications"] == {}
    refused = colleague.patch("/api/me", {"notifications": {"role_requests": False}})
    assert refused.status_code == 400 and "notifications" in refused.json_body["error"]["fields"]
    assert colleague.patch("/api/me", {"time_zone": "Europe/Berlin"}).status_code == 200


def test_a_person_sets_time_zone_format_language_and_notifications_at_once(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    response = person.patch("/api/me", {"time_zone": "America/Cayenne", "language": "en",
                                        "notification_format": "text",
                                        "notifications": {"role_requests": False}})
    assert response.status_code == 200, response.json_body
    me = person.get("/api/me").json_body
    assert (me["time_zone"], me["language"], me["notification_format"]) == ("America/Cayenne", "en", "text")
    assert me["notifications"] == {"role_requests": False}
    # The authorities' digest is not offered to an operator.
    assert person.patch("/api/me", {"notifications": {"user_creation_requests": False}}).status_code == 400
    authority.patch("/api/me", {"notifications": {"user_creation_requests": False}})
    assert authority.get("/api/me").json_body["notifications"] == {
        "user_creation_requests": False, "role_requests": True}


def test_bad_preferences_are_refused_and_change_nothing(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    for body, field in (({"time_zone": "Mars/Olympus"}, "time_zone"), ({"time_zone": 5}, "time_zone"),
                        ({"notifications": {"password_reset": False}}, "notifications"),
                        ({"notifications": {"role_requests": "no"}}, "notifications"),
                        ({"notifications": ["role_requests"]}, "notifications")):
        response = person.patch("/api/me", body)
        assert response.status_code == 400 and field in response.json_body["error"]["fields"], body
    me = person.get("/api/me").json_body
    assert me["time_zone"] == "Europe/Paris" and all(me["notifications"].values())


def test_an_agent_who_turned_the_digest_off_does_not_get_it(api, mailbox, authority):
    authority.patch("/api/me", {"notifications": {"user_creation_requests": False}})
    register_and_confirm(api, mailbox)
    assert admin.main(["job", "authority_digest"]) == 0
    assert [m for m in mailbox.messages(AUTHORITY[0]) if "utilisateurs" in m["Subject"]] == []


def test_the_time_zones_are_the_iana_list(api):
    zones = api.get("/api/reference/time-zones").json_body
    assert "Europe/Paris" in zones and "Indian/Reunion" in zones and zones == sorted(zones)
