"""Builds the static web site: templates/site/ -> site/, one folder per language.

    python -m dev.build_site            # compile the catalogs and render every page
    python -m dev.build_site extract    # refresh locale/site/site.pot and update the .po files

The texts are English in the templates and translated through the Babel catalogs
locale/site/<lang>/LC_MESSAGES/site.po, compiled to .mo here with Babel's API. Static assets
(templates/site/static/: site.css, site.js, each page's own script in js/, the icon) are copied to
site/static/, with coi-boxes.json, the domain's box table as the COI pages' scripts read it
(chalicelib/domain/coi_table.py), each also under a name that carries its content's hash
(site.<hash>.js), which the pages use. Each page with every stylesheet and script it references must stay within
PAGE_BUDGET. site/ is build output: never edit it.
"""
import argparse
import gettext
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import rjsmin
from babel.messages import frontend, mofile, pofile
from jinja2 import Environment, FileSystemLoader, StrictUndefined

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates" / "site"
LOCALE = ROOT / "locale" / "site"
DOMAIN = "site"
LANGUAGES = (("fr", "Français"), ("en", "English"))

# template, output path inside the language folder, page id (<body data-page>), extra context
# (a callable value is called with the language)
PAGES = (
    ("index.html", "index.html", "index", {}),
    ("register.html", "register.html", "register", {}),
    ("confirm.html", "confirm.html", "confirm", {}),
    ("login.html", "login.html", "login", {"nav": "anonymous"}),
    ("forgot-password.html", "forgot-password.html", "forgot-password", {}),
    ("password.html", "password-forced.html", "password-forced",
     {"forced": True, "requires_login": True, "nav": "none"}),
    ("password.html", "password-change.html", "password-change", {"forced": False, "requires_login": True}),
    ("profile.html", "profile.html", "profile", {"requires_login": True}),
    ("second-factors.html", "second-factors.html", "second-factors", {"requires_login": True}),
    ("logout.html", "logout.html", "logout", {}),
    ("backoffice/index.html", "backoffice/index.html", "backoffice", {"requires_login": True}),
    ("backoffice/account.html", "backoffice/account.html", "backoffice-account", {"requires_login": True}),
    ("roles/request.html", "roles/request.html", "role-request", {"requires_login": True}),
    ("roles/new-operator.html", "roles/new-operator.html", "operator-new", {"requires_login": True}),
    ("roles/mine.html", "roles/mine.html", "roles-mine", {"requires_login": True}),
    ("roles/pending.html", "roles/pending.html", "roles-pending", {"requires_login": True}),
    ("roles/organisation.html", "roles/organisation.html", "organisation", {"requires_login": True}),
    ("cois/index.html", "cois/index.html", "coi-list", {"requires_login": True}),
    ("cois/new.html", "cois/new.html", "coi-new", {"requires_login": True}),
    ("cois/view.html", "cois/view.html", "coi-view", {"requires_login": True}),
    ("cois/history.html", "cois/history.html", "coi-history", {"requires_login": True}),
    ("cois/extract.html", "cois/extract.html", "coi-extract", {"requires_login": True}),
    ("customs/index.html", "customs/index.html", "customs", {"requires_login": True}),
    ("verify.html", "verify.html", "verify", {}),
    ("export-certificates.html", "export-certificates.html", "export-models",
     {"models": lambda language: export_models(language)}),
    # served for every unknown address (dev/site_server.py; CloudFront's error page on AWS); its
    # language links lead to the home page
    ("404.html", "404.html", "not-found", {"page": "index.html"}),
)

# HTML + CSS + JS (+ the box table) of one page as sent, gzip-compressed (CloudFront compresses
# them): the COI page, the largest, is 22.3 KB (65.8 KB uncompressed).
PAGE_BUDGET = 24 * 1024

ROOT_INDEX = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=/fr/">
<title>TRACES</title>
</head>
<body>
<p><a href="/fr/" lang="fr">TRACES en français</a> – <a href="/en/" lang="en">TRACES in English</a></p>
</body>
</html>
"""


def compile_catalog(language: str) -> gettext.GNUTranslations:
    """Compiles site.po to site.mo (next to it) and returns the translations."""
    folder = LOCALE / language / "LC_MESSAGES"
    po_path = folder / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog = pofile.read_po(handle, locale=language, domain=DOMAIN)
    missing = [m.id for m in catalog if m.id and not m.string and language != "en"]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if missing or fuzzy:
        print(f"warning: {language}: {len(missing)} untranslated, {len(fuzzy)} fuzzy messages "
              f"(e.g. {(missing or fuzzy)[0]!r})", file=sys.stderr)
    mo_path = folder / f"{DOMAIN}.mo"
    with mo_path.open("wb") as handle:
        mofile.write_mo(handle, catalog, use_fuzzy=False)
    with mo_path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def environment(translations: gettext.GNUTranslations) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=False, lstrip_blocks=False)
    env.install_gettext_translations(translations, newstyle=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # é, not \u00e9
    return env


def compact(source: str) -> str:
    """The lines of a stylesheet or script without their indentation, blank lines and one-line
    comments (nothing else changes: both files use no multi-line strings)."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not (
        (line.startswith("/*") and line.endswith("*/")) or line.startswith("//"))) + "\n"


def version(asset: Path) -> Path:
    """A copy of `asset` named by its content (site.<hash>.js), which the pages link to: it can
    be cached for a year, and a new build is seen at once (docs/deploying.md)."""
    digest = hashlib.sha256(asset.read_bytes()).hexdigest()[:12]
    copy = asset.with_name(f"{asset.stem}.{digest}{asset.suffix}")
    shutil.copyfile(asset, copy)
    return copy


def unversioned(path: str) -> str:
    """/static/site.js for /static/site.<hash>.js."""
    return VERSIONED.sub(r"\1", path)


VERSIONED = re.compile(r"\.[0-9a-f]{12}(\.(?:js|css|json))$")
BOX_TABLE = "coi-boxes.json"


def box_table() -> dict:
    """The COI's box table as the site's scripts read it (static/coi-boxes.json): the domain's."""
    from chalicelib.domain import coi, coi_table
    from chalicelib.domain.organisations import EU_MEMBER_STATES

    return coi_table.site_table(coi.CREATORS, EU_MEMBER_STATES, coi.SIGNATURES)


def export_models(language: str) -> list[tuple[str, str, list[str]]]:
    """The export certificate models of seed 000's annex 1, by country: (code, name, titles)."""
    from chalicelib import reference

    names = {c["code"]: c["name"] for c in reference.countries(language)}
    grouped: dict[str, list[str]] = {}
    for item in reference.items("export_certificate_models"):
        grouped.setdefault(item["country"], []).append(item.get(language) or item["fr"])
    return sorted(((code, names.get(code, code), titles) for code, titles in grouped.items()),
                  key=lambda group: reference.collation_key(group[1]))


ASSET = re.compile(r'(?:src|href|content)="(/static/[^"?#]+\.(?:js|css|json))"')


def page_size(html: str, output: Path) -> int:
    """The bytes a browser receives for one page, gzip-compressed as CloudFront sends them: its
    HTML and every stylesheet and script of /static/ that it references."""
    import gzip

    assets = sorted(set(ASSET.findall(html)))
    return sum(len(gzip.compress(data, 9)) for data in
               [html.encode("utf-8"), *((output / a.lstrip("/")).read_bytes() for a in assets)])


def build(output: Path = ROOT / "site") -> list[Path]:
    """Renders every page in every language into `output` (wiped first); returns the pages."""
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(TEMPLATES / "static", output / "static")
    (output / "static" / BOX_TABLE).write_text(
        json.dumps(box_table(), separators=(",", ":"), ensure_ascii=False), "utf-8")
    versioned = {}
    for asset in [*(output / "static").rglob("*.css"), *(output / "static").rglob("*.js"),
                  output / "static" / BOX_TABLE]:
        # served without indentation, blank and comment lines; scripts also without the spaces
        # that rjsmin finds useless
        if asset.suffix != ".json":
            served = compact(asset.read_text("utf-8"))
            asset.write_text(rjsmin.jsmin(served) + "\n" if asset.suffix == ".js" else served, "utf-8")
        versioned[f"/static/{asset.relative_to(output / 'static').as_posix()}"] = \
            f"/static/{version(asset).relative_to(output / 'static').as_posix()}"
    written = []
    for language, _name in LANGUAGES:
        env = environment(compile_catalog(language))
        for template, path, page_id, extra in PAGES:
            context = {"lang": language, "languages": LANGUAGES, "page": path, "page_id": page_id,
                       "forced": False, "requires_login": False, "nav": "",
                       **{k: v(language) if callable(v) else v for k, v in extra.items()}}
            html = "\n".join(line.strip() for line in env.get_template(template).render(**context)
                             .splitlines() if line.strip()) + "\n"  # no <pre> in the templates
            for plain, hashed in versioned.items():
                html = html.replace(f'"{plain}"', f'"{hashed}"')
            target = output / language / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, "utf-8")
            size = page_size(html, output)
            if size > PAGE_BUDGET:
                raise SystemExit(f"{target}: {size} bytes with its CSS and JS, compressed, over {PAGE_BUDGET}")
            written.append(target)
    (output / "index.html").write_text(ROOT_INDEX, "utf-8")
    shutil.copyfile(output / "static" / "favicon.ico", output / "favicon.ico")  # asked for by every browser
    return written


def extract() -> None:
    """Refreshes the template of messages and merges it into each language's catalog."""
    pot = LOCALE / f"{DOMAIN}.pot"
    cli = frontend.CommandLineInterface()
    cli.run(["pybabel", "extract", "-F", str(LOCALE / "babel.cfg"), "-o", str(pot),
             "--no-location", "--sort-output", "--project=traces", "-c", "TRANSLATORS:",
             str(TEMPLATES)])
    for language, _name in LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        args = ["pybabel", command, "-i", str(pot), "-d", str(LOCALE), "-D", DOMAIN, "-l", language]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        cli.run(args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="build", choices=("build", "extract"))
    parser.add_argument("--output", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
        return
    pages = build(args.output)
    print(f"built {len(pages)} pages into {args.output}")


if __name__ == "__main__":
    main()
