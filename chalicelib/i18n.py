"""Languages: the catalogs compiled by Babel (chalicelib/locale/<lang>/LC_MESSAGES/<domain>.mo:
`messages` for the API and e-mails in fr and en, `coi_pdf` for the COI's PDF in the 24 languages
of the Union), and the choice of language from Accept-Language. Message ids are English."""
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALE_DIR = Path(__file__).with_name("locale")


@lru_cache(maxsize=None)
def translations(language: str, domain: str = "messages"):
    import gettext  # on first use: the cold start does not need it

    return gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)


def translate(message: str, language: str, *, domain: str = "messages", **params) -> str:
    text = translations(language, domain).gettext(message) if message else ""
    return text.format(**params) if params else text


def negotiate(accept_language: str | None) -> str:
    """The first supported language of an Accept-Language header, by quality; French by default."""
    if not accept_language:
        return DEFAULT
    ranked = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, quality = part.strip().partition(";q=")
        try:
            q = float(quality) if quality else 1.0
        except ValueError:
            q = 0.0
        ranked.append((-q, position, tag.split("-")[0].strip().lower()))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return DEFAULT
