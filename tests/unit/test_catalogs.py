"""The compiled catalogs shipped in chalicelib/locale match their .po sources."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "chalicelib" / "locale"


def test_compiled_catalogs_match_their_sources():
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po, po_path.with_suffix(".mo").open("rb") as mo:
            source, compiled = read_po(po), read_mo(mo)
        expected = {_key(m.id): _key(m.string) for m in source if m.id and _translated(m) and not m.fuzzy}
        shipped = {_key(m.id): _key(m.string) for m in compiled if m.id}
        assert {k: shipped.get(k) for k in expected} == expected, f"run `make catalogs`: {po_path}"


def _translated(message) -> bool:
    return all(message.string) if isinstance(message.string, (list, tuple)) else bool(message.string)


def _key(value):
    """Plural messages have tuples (or lists) of forms."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_every_french_message_is_translated():
    with (LOCALE / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    missing = [m.id for m in catalog if m.id and (not _translated(m) or m.fuzzy)]  # a fuzzy guess is not shipped
    assert missing == []
