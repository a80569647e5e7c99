"""The COI e-mail (SPEC 4): every event in both languages and both formats, with the link to the
COI's page, the escaped description, and French text on French e-mails."""
import pytest

from chalicelib.mail.render import render
from chalicelib.services.coi_notices import EVENTS

CONTEXT = dict(site_url="https://traces.example.eu", name="Marie", number="COI.EU.FR.2026.0000042",
               status="issued", coi_id="0123456789abcdef0123456789abcdef",
               reason="<script>alert(1)</script>")


@pytest.mark.parametrize("event", sorted(set(EVENTS.values())))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_coi_event_renders_with_its_link(event, language):
    mail = render("coi_event", language, "html", event=event, **CONTEXT)
    link = f"https://traces.example.eu/{language}/cois/view.html?id={CONTEXT['coi_id']}"
    assert CONTEXT["number"] in mail.subject
    assert link in mail.text and link in mail.html
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    if language == "fr":
        assert "Certificate" not in mail.text and "Hi " not in mail.text


def test_events_have_distinct_subjects():
    subjects = {render("coi_event", "fr", "text", event=e, **CONTEXT).subject for e in set(EVENTS.values())}
    assert len(subjects) == len(set(EVENTS.values()))
    assert render("coi_event", "fr", "text", event="issued", **CONTEXT).html is None
