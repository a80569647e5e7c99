"""E-mails (SPEC 4): language, format, sender, links from the site URL, escaping, no header
injection."""
import pytest

from tests.api.conftest import error_fields, logged_in, make_valid, subjects
from tests.conftest import registration

EMAIL = "marie.dupont@bio-lyon.fr"


def test_emails_are_in_english_for_a_person_who_chose_english(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL, language="en")
    api.post("/api/password/forgot", {"email": EMAIL})
    assert subjects(mailbox, EMAIL) == ["Confirmation request", "Your account has been activated",
                                        "Password reset"]
    message = mailbox.last(EMAIL)
    assert mailbox.text(message).startswith("Hi Marie,")
    assert "Temporary password:" in mailbox.text(message)
    assert message["Content-Language"] == "en"
    assert '<html lang="en">' in mailbox.html(message)


def test_emails_are_in_french_by_default(api, mailbox, authority):
    data = registration(EMAIL)
    del data["language"]
    api.post("/api/accounts", data)
    message = mailbox.last(EMAIL)
    assert message["Subject"] == "Demande de confirmation"
    assert mailbox.text(message).startswith("Bonjour Marie,")
    assert message["Content-Language"] == "fr"
    assert "https://traces.test/fr/confirm.html?token=" in mailbox.text(message)


def test_the_language_of_the_request_does_not_change_the_language_of_the_email(new_api, mailbox):
    english_browser = new_api("en")
    english_browser.post("/api/accounts", registration(EMAIL, language="fr"))
    assert mailbox.last(EMAIL)["Subject"] == "Demande de confirmation"


def test_a_person_who_chose_html_gets_a_text_and_an_html_part(api, mailbox):
    api.post("/api/accounts", registration(EMAIL, notification_format="html"))
    message = mailbox.last(EMAIL)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    token = mailbox.token(EMAIL)
    assert f'href="https://traces.test/fr/confirm.html?token={token}"' in mailbox.html(message)
    assert f"https://traces.test/fr/confirm.html?token={token}" in mailbox.text(message)


def test_a_person_who_chose_text_gets_no_html_part(api, mailbox, authority):
    make_valid(api, mailbox, authority, EMAIL, notification_format="text")
    for message in mailbox.messages(EMAIL):
        assert message.get_content_type() == "text/plain"
        assert mailbox.html(message) is None
        assert "<p>" not in mailbox.text(message)


def test_the_sender_is_the_configured_no_reply_address(api, mailbox):
    api.post("/api/accounts", registration(EMAIL))
    message = mailbox.last(EMAIL)
    assert message["From"].addresses[0].addr_spec == "no-reply@traces.test"
    assert message["Auto-Submitted"] == "auto-generated"


def test_links_are_built_from_the_site_url_never_from_the_host_header(api, mailbox):
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "Origin": "https://evil.example",
              "X-Forwarded-Proto": "http"}
    api.post("/api/accounts", registration(EMAIL), headers=forged)
    api.post("/api/accounts/confirm/resend", {"email": EMAIL}, headers=forged)
    for message in mailbox.messages(EMAIL):
        assert "evil" not in mailbox.text(message) and "evil" not in mailbox.html(message)
        assert "https://traces.test/fr/confirm.html?token=" in mailbox.text(message)


def test_html_in_a_first_name_is_escaped_in_the_html_part_and_kept_as_typed_in_the_text_part(api, mailbox):
    api.post("/api/accounts", registration(EMAIL, first_name="<b>Marie</b> & <script>x()</script>"))
    message = mailbox.last(EMAIL)
    html = mailbox.html(message)
    assert "&lt;b&gt;Marie&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "<b>Marie</b>" not in html and "<script>" not in html
    assert mailbox.text(message).startswith("Bonjour <b>Marie</b> & <script>x()</script>,")


def test_text_emails_put_each_link_on_its_own_line(api, mailbox):
    api.post("/api/accounts", registration(EMAIL, notification_format="text"))
    lines = mailbox.text(mailbox.last(EMAIL)).splitlines()
    link = next(line for line in lines if "token=" in line)
    assert link.startswith("https://traces.test/fr/confirm.html?token=")
    assert "&#39;" not in mailbox.text(mailbox.last(EMAIL))


@pytest.mark.parametrize("first_name", ["Marie\r\nBcc: victim@example.org", "Marie\nSubject: hi", "Marie\rX"])
def test_a_first_name_with_a_line_break_is_rejected_at_registration(api, mailbox, first_name):
    response = api.post("/api/accounts", registration(EMAIL, first_name=first_name))
    assert response.status_code == 400 and "first_name" in error_fields(response)
    assert mailbox.messages() == []


def test_an_address_with_a_line_break_never_reaches_a_header(api, mailbox):
    for address in ("marie@bio-lyon.fr\r\nBcc: victim@example.org", "marie@bio-lyon.fr\nBcc:victim@example.org"):
        response = api.post("/api/accounts", registration(address))
        assert response.status_code == 400 and "email" in error_fields(response)
        api.post("/api/password/forgot", {"email": address})
        api.post("/api/accounts/confirm/resend", {"email": address})
    assert mailbox.messages() == []


def test_the_refusal_reason_is_escaped_in_the_html_part(api, mailbox, authority):
    from tests.conftest import account_id, register_and_confirm

    register_and_confirm(api, mailbox, EMAIL)
    authority.post(f"/api/authority/accounts/{account_id(authority, EMAIL)}/refuse",
                   {"reason": "<a href='https://evil.example'>Cliquez</a>"})
    message = mailbox.last(EMAIL)
    assert "<a href='https://evil.example'>" not in mailbox.html(message)
    assert "&lt;a href=" in mailbox.html(message)
    assert "<a href='https://evil.example'>Cliquez</a>" in mailbox.text(message)


def test_a_profile_change_of_language_and_format_applies_to_the_next_emails(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    assert person.patch("/api/me", {"language": "en", "notification_format": "text"}).status_code == 200
    api.post("/api/password/forgot", {"email": EMAIL})
    message = mailbox.last(EMAIL)
    assert message["Subject"] == "Password reset"
    assert message.get_content_type() == "text/plain"


@pytest.mark.parametrize("template", ["account_activated", "account_locked", "account_refused",
                                      "confirmation_request", "credential_changed", "password_reset",
                                      "registration_attempt", "user_creation_requests", "second_factor_reset",
                                      "sign_in_method_changed", "webhook_disabled"])
def test_every_account_email_is_translated_and_renders_in_both_formats(template):
    from chalicelib.mail.render import render

    context = dict(site_url="https://traces.test", name="Marie", email=EMAIL, token="T" * 43,
                   minutes=90, reason="failed_logins", temporary_password="TR012345678901", hours=24,
                   change="added", method="totp", method_name="Phone",
                   requests=[{"id": "a" * 32, "email": EMAIL, "name": "Marie Dupont",
                              "organisation": "Bio Import Lyon"}], count=1,
                   url="https://erp.example.com/traces")
    french, english = render(template, "fr", "html", **context), render(template, "en", "html", **context)
    assert french.subject and english.subject and french.subject != english.subject
    assert french.text != english.text
    for mail, language in ((french, "fr"), (english, "en")):
        assert f'<html lang="{language}">' in mail.html
        assert "{{" not in mail.text and "{%" not in mail.text and "{{" not in mail.html
        assert "https://traces.test/" in mail.text or template == "account_refused"
    assert render(template, "fr", "text", **context).html is None


def test_every_mail_has_a_date_and_a_message_id(api, mailbox):
    api.post("/api/accounts", registration("dated@bio-lyon.fr"))
    message = mailbox.last("dated@bio-lyon.fr")
    assert message["Date"] and message["Message-ID"].endswith("@traces.test>")


def ses_notification(kind: str, address: str, bounce_type: str = "Permanent") -> dict:
    """The SNS event of one SES bounce or complaint (a configuration set's event destination)."""
    import json

    detail = ({"bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": address}]}}
              if kind == "Bounce" else {"complaint": {"complainedRecipients": [{"emailAddress": address}]}})
    message = {"eventType": kind, "mail": {"destination": [address]}, **detail}
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(message)}}]}


def test_a_bounce_or_a_complaint_marks_the_account_and_its_owner_and_the_authority_see_why(
        api, mailbox, authority, new_api):
    from app import mail_feedback

    ident = make_valid(api, mailbox, authority, EMAIL)
    assert mail_feedback(ses_notification("Bounce", EMAIL, "Transient"), None) == {"marked": 0}
    assert logged_in(new_api, EMAIL).get("/api/me").json_body["mail_suppressed"] is None
    assert mail_feedback(ses_notification("Bounce", EMAIL.upper()), None) == {"marked": 1}
    shown = logged_in(new_api, EMAIL).get("/api/me").json_body["mail_suppressed"]
    assert shown["reason"] == "bounce" and shown["since"]
    assert mail_feedback(ses_notification("Complaint", EMAIL), None) == {"marked": 1}
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert details["mail_suppressed"]["reason"] == "complaint"
    assert mail_feedback(ses_notification("Complaint", "nobody@example.org"), None) == {"marked": 0}
