"""Languages: the catalogs compiled by Babel (chalicelib/locale/<lang>/LC_MESSAGES/messages.mo),
and the choice of language from Accept-Language. Message ids are English."""
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALE_DIR = Path(__file__).with_name("locale")


@lru_cache(maxsize=None)
def translations(language: str):
    import gettext  # on first use: the cold start does not need it

    return gettext.translation("messages", LOCALE_DIR, languages=[language], fallback=True)


def translate(message: str, language: str, **params) -> str:
    text = translations(language).gettext(message) if message else ""
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
