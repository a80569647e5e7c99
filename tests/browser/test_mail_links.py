"""Every link of every e-mail leads to a page of the site: each template of templates/mail is
rendered in each language with the running stack's URL, and each link is opened."""
import re
import urllib.error
import urllib.request
from pathlib import Path

import jinja2
import jinja2.meta
import pytest

from chalicelib.mail import render

TEMPLATES = Path(render.SEARCH_PATH[0])
NAMES = sorted(p.stem for p in TEMPLATES.glob("*.jinja") if not p.name.startswith("_"))
LINK = re.compile(r"""https?://[^\s<>"')]+""")


def _context(site_url: str) -> dict:
    request = {"id": "0123456789abcdef0123456789abcdef", "email": "marie@bio-lyon.fr",
               "name": "Marie Dupont", "organisation": "Bio Import Lyon"}
    return {"site_url": site_url, "name": "Marie", "email": "marie@bio-lyon.fr", "reason": "failed_logins",
            "organisation": "Bio Import Lyon", "administrator": True, "minutes": 90, "hours": 24,
            "token": "T" * 43, "temporary_password": "TR123456789012", "count": 1, "requests": [request]}


def _uses_site_url(name: str) -> bool:
    source = (TEMPLATES / f"{name}.jinja").read_text("utf-8")
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    return "site_url" in jinja2.meta.find_undeclared_variables(env.parse(source))


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _links(mail) -> set[str]:
    return set(LINK.findall(mail.text)) | set(LINK.findall(mail.html or ""))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_every_link_of_the_email_leads_to_a_page(stack, name, language):
    mail = render.render(name, language, "html", **_context(stack.url))
    links = _links(mail)
    if _uses_site_url(name):
        assert links, f"{name}: no link found, yet the template builds some"
    for link in links:
        assert link.startswith(f"{stack.url}/{language}/"), f"{name}: {link} is not a page of the site"
        assert _status(link) == 200, f"{name} ({language}): {link} leads nowhere"


def test_the_check_fails_on_a_page_that_does_not_exist(stack):
    assert _status(f"{stack.url}/fr/forgot.html") == 404


def test_every_link_of_every_email_sent_during_the_tests_leads_to_a_page(stack):
    # At least a confirmation request and, for a second registration of the same address, the
    # notice sent to its owner.
    email = "claude.deux-fois@bio-lyon.fr"
    stack.register_and_confirm(email, "Tomates-de-Lyon-2026!", "Médor", "Claude", "Deux-Fois")
    status, _ = stack.api("POST", "/accounts", {
        **stack.captcha(), "email": email, "email_confirmation": email, "password": "Tomates-de-Lyon-2027!",
        "password_confirmation": "Tomates-de-Lyon-2027!", "secret_question_id": 3, "secret_answer": "Médor",
        "first_name": "Claude", "last_name": "Deux-Fois", "language": "fr", "notification_format": "html",
        "organisation": {"name": "Deux-Fois SARL", "address": "5 quai Rambaud", "postal_code": "69002",
                         "city": "Lyon", "country": "FR"}})
    assert status == 202
    assert len(stack.mails(email)) == 2
    mails = stack.mails("")
    links = {link for m in mails for link in LINK.findall(m["text"] or "") + LINK.findall(m["html"] or "")
             if link.startswith(stack.url)}
    assert mails and links
    broken = sorted(link for link in links if _status(link) != 200)
    assert not broken, broken
