"""The language of a COI's document (SPEC 3.2; Regulation (EU) 2021/2306, Art. 5(4)): an official
language of the member state of clearance (box 9), chosen by the caller where it has several.

The 24 official languages of the Union (Regulation No 1/1958, as amended), and for each member
state those of them that are official there, the first being the default: the language its
customs and control authorities work in first (Ireland's Revenue in English, Luxembourg's
administration in French). Languages official in a member state but not in the Union
(Luxembourgish, Turkish in Cyprus...) are not among them: the document is in a Union language.
"""
from .errors import N_, Invalid

EU_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
                "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")

# ISO 3166-1 code of the member state (GR for Greece, as in box 9) -> its official Union languages.
OFFICIAL_LANGUAGES = {
    "AT": ("de",), "BE": ("nl", "fr", "de"), "BG": ("bg",), "CY": ("el",), "CZ": ("cs",),
    "DE": ("de",), "DK": ("da",), "EE": ("et",), "ES": ("es",), "FI": ("fi", "sv"), "FR": ("fr",),
    "GR": ("el",), "HR": ("hr",), "HU": ("hu",), "IE": ("en", "ga"), "IT": ("it",), "LT": ("lt",),
    "LU": ("fr", "de"), "LV": ("lv",), "MT": ("mt", "en"), "NL": ("nl",), "PL": ("pl",),
    "PT": ("pt",), "RO": ("ro",), "SE": ("sv",), "SI": ("sl",), "SK": ("sk",),
}

NOT_EU_LANGUAGE = N_("Choose one of the 24 official languages of the European Union (a code such as de).")
NOT_OFFICIAL_THERE = N_("Choose an official language of the member state of clearance (box 9).")


def official_languages(member_state) -> tuple[str, ...]:
    """The official Union languages of `member_state`, the default first; () for anything else."""
    return OFFICIAL_LANGUAGES.get(member_state, ()) if isinstance(member_state, str) else ()


def document_language(member_state, asked: str | None, caller: str) -> str:
    """The language of the document: `asked` (the `lang` parameter) when it is an official
    language of `member_state`, else that state's default; before box 9 is filled, `asked` when
    it is a Union language, else the caller's. A `lang` that does not fit is refused, field by
    field (Invalid on `lang`), not silently replaced."""
    if asked is not None and asked not in EU_LANGUAGES:
        raise Invalid({"lang": NOT_EU_LANGUAGE})
    languages = official_languages(member_state)
    if not languages:
        return asked or caller
    if asked is None:
        return languages[0]
    if asked not in languages:
        raise Invalid({"lang": NOT_OFFICIAL_THERE})
    return asked
