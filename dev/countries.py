"""Writes chalicelib/reference/data/countries.json: the ISO 3166-1 countries named in the 24
official languages of the Union (the site speaks French and English; the COI's PDF all 24),
extracted from pycountry (the Debian iso-codes data and translations), so that the
Lambda package carries these names instead of pycountry's 22 MB of locales.

    python -m dev.countries            # after upgrading pycountry in requirements-dev.txt

tests/unit/test_reference_countries.py fails when the file and pycountry disagree.
"""
import gettext
import json
from pathlib import Path

import pycountry

from chalicelib.domain.languages import EU_LANGUAGES

TARGET = Path(__file__).resolve().parent.parent / "chalicelib" / "reference" / "data" / "countries.json"
LANGUAGES = EU_LANGUAGES


def extract() -> dict:
    names = {language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language],
                                           fallback=True).gettext for language in LANGUAGES}
    version = getattr(pycountry, "__version__", None)
    if version is None:
        from importlib.metadata import version as installed

        version = installed("pycountry")
    return {"source": f"ISO 3166-1 from pycountry {version} (Debian iso-codes and its "
                      "translations); regenerate with python -m dev.countries",
            "items": [{"code": c.alpha_2, **{language: names[language](c.name) for language in LANGUAGES}}
                      for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)]}


def main() -> None:
    TARGET.write_text(json.dumps(extract(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
