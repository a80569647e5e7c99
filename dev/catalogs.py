"""Message catalogs of the API and e-mails (chalicelib/locale): extract the English msgids from
the code and templates, merge them into each language's .po, compile the .mo files.
`python -m dev.catalogs` (run by `make catalogs`); a unit test checks that the .mo match the .po."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "chalicelib" / "locale"
LANGUAGES = ("fr", "en")


def main() -> None:
    pot = LOCALE / "messages.pot"
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run([*babel, "extract", "-F", "babel.cfg", "-k", "N_", "--no-location",
                    "--sort-output", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    for language in LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        subprocess.run([*babel, action, "-i", str(pot), "-d", str(LOCALE), "-l", language,
                        *(["--no-fuzzy-matching"] if action == "update" else [])],
                       cwd=ROOT, check=True)
    subprocess.run([*babel, "compile", "-d", str(LOCALE), "--statistics"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
