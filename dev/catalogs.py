"""Message catalogs of the API, e-mails and COI PDF (chalicelib/locale): extract the English
msgids from the code and templates, merge them into each language's .po, compile the .mo files.
Two gettext domains: `messages` (API and e-mails, in fr and en) and `coi_pdf` (the words of the
COI's PDF, documents/coi_pdf.py, in the 24 official languages of the Union, English being the
msgids: SPEC 3.2), so that 22 languages carry the PDF's words and not the whole product's.
`python -m dev.catalogs` (run by `make catalogs`); unit tests check that the .mo match the .po
and that every catalogue is complete."""
import subprocess
import sys
from pathlib import Path

from chalicelib.documents import coi_pdf
from chalicelib.domain.languages import EU_LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "chalicelib" / "locale"
LANGUAGES = ("fr", "en")
# gettext domain -> what to extract its msgids from (babel extract's arguments), its languages.
DOMAINS = {
    "messages": (["-F", "babel.cfg", "."], LANGUAGES),   # babel.cfg leaves the PDF's words out
    coi_pdf.DOMAIN: (["chalicelib/documents/coi_pdf.py", "chalicelib/domain/coi_table.py"],
                     tuple(language for language in EU_LANGUAGES if language != coi_pdf.ENGLISH)),
}


def main() -> None:
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    for domain, (sources, languages) in DOMAINS.items():
        pot = LOCALE / f"{domain}.pot"
        subprocess.run([*babel, "extract", "-k", "N_", "--no-location", "--sort-output", "-o", str(pot),
                        *sources], cwd=ROOT, check=True)
        for language in languages:
            po = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
            action = "update" if po.exists() else "init"
            subprocess.run([*babel, action, "-i", str(pot), "-d", str(LOCALE), "-D", domain, "-l", language,
                            *(["--no-fuzzy-matching"] if action == "update" else [])],
                           cwd=ROOT, check=True)
        subprocess.run([*babel, "compile", "-d", str(LOCALE), "-D", domain, "--statistics"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
