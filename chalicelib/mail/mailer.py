"""The one place that talks to SES."""
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache

from ..config import settings
from .render import render


def _ses():
    return _ses_in(settings.region)


@lru_cache(maxsize=2)
def _ses_in(region: str):
    import boto3

    return boto3.client("ses", region_name=region)


def reset_client():
    """Tests start a fresh AWS mock per test; they drop the cached client with this."""
    _ses_in.cache_clear()


def build(to: str, template: str, language: str, notification_format: str, **context) -> EmailMessage:
    """The MIME message: plain text, plus an HTML alternative for people who chose HTML. Header
    values go through EmailMessage, which refuses CR/LF (no header injection)."""
    mail = render(template, language, notification_format, **context)
    message = EmailMessage()
    message["From"] = formataddr(("TRACES", settings.mail_sender))
    message["To"] = to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    # After the content: set_content and add_alternative move or drop the Content-* headers.
    message["Content-Language"] = language
    return message


def send(to: str, template: str, language: str, notification_format: str, **context) -> None:
    message = build(to, template, language, notification_format,
                    site_url=settings.site_url, **context)
    feedback = {"ConfigurationSetName": settings.mail_configuration_set} if settings.mail_configuration_set else {}
    _ses().send_raw_email(Source=settings.mail_sender, Destinations=[to],
                          RawMessage={"Data": message.as_bytes()}, **feedback)
