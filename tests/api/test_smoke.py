from tests.conftest import PASSWORD, activate, register_and_confirm


def test_a_person_registers_confirms_is_activated_and_logs_in(api, mailbox, authority, new_api):
    email_address = register_and_confirm(api, mailbox)
    assert api.log_in(email_address).json_body["error"]["code"] == "account_not_valid"
    activate(authority, email_address)
    assert "activé" in mailbox.last(email_address)["Subject"]
    person = new_api()
    response = person.log_in(email_address, PASSWORD)
    assert response.status_code == 200, response.json_body
    me = person.get("/api/me").json_body
    assert me["status"] == "valid"
    assert me["authorisations"][0]["status"] == "valid"
    assert me["authorisations"][0]["administrator"] is True
