"""The site build and the local runner's pieces that need no browser."""
import json

from babel.messages.pofile import read_po

from dev import build_site, run


def test_every_page_is_built_in_french_and_english_with_its_language(tmp_path):
    pages = build_site.build(tmp_path / "site")
    assert len(pages) == 2 * len(build_site.PAGES)
    for language in ("fr", "en"):
        for _template, path, _page_id, extra in build_site.PAGES:
            html = (tmp_path / "site" / language / path).read_text("utf-8")
            assert f'<html lang="{language}">' in html
            # the language switch points at the same page in the other language (the 404 page's
            # at the home page)
            shown = extra.get("page", path)
            assert f'href="/fr/{shown}"' in html and f'href="/en/{shown}"' in html
    assert 'url=/fr/' in (tmp_path / "site" / "index.html").read_text("utf-8")
    assert (tmp_path / "site" / "static" / "site.js").exists()


def test_french_pages_are_translated_and_english_ones_are_not_french(tmp_path):
    build_site.build(tmp_path / "site")
    french = (tmp_path / "site" / "fr" / "register.html").read_text("utf-8")
    english = (tmp_path / "site" / "en" / "register.html").read_text("utf-8")
    assert "Enregistrer un nouveau compte d'utilisateur" in french
    assert "Courrier électronique" in french and "Question secrète" in french
    assert "Register a new user account" in english and "Courrier" not in english


def test_the_french_catalog_translates_every_message():
    with (build_site.LOCALE / "fr" / "LC_MESSAGES" / "site.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not untranslated


def test_each_page_with_its_stylesheets_and_scripts_stays_within_the_budget(tmp_path):
    import gzip

    site = tmp_path / "site"
    build_site.build(site)
    for page in site.glob("*/**/*.html"):
        html = page.read_text("utf-8")
        scripts = build_site.ASSET.findall(html)
        plain = {build_site.unversioned(s) for s in scripts}
        assert "/static/site.js" in plain and "/static/site.css" in plain, page
        assert all(build_site.VERSIONED.search(s) for s in scripts), page   # named by content
        size = sum(len(gzip.compress(path.read_bytes(), 9))
                   for path in [page, *(site / s.lstrip("/") for s in set(scripts))])
        assert size == build_site.page_size(html, site) <= build_site.PAGE_BUDGET, page


def test_each_page_loads_the_script_of_its_page_id(tmp_path):
    site = tmp_path / "site"
    build_site.build(site)
    scripts = {p.name for p in (build_site.TEMPLATES / "static" / "js").glob("*.js")}
    for _template, path, page_id, _extra in build_site.PAGES:
        html = (site / "fr" / path).read_text("utf-8")
        loaded = {build_site.unversioned(s).rsplit("/", 1)[1] for s in build_site.ASSET.findall(html)
                  if "/js/" in s}
        assert loaded <= scripts, (path, loaded - scripts)
        mine = {name for name in loaded
                if f'pages["{page_id}"]' in (build_site.TEMPLATES / "static" / "js" / name).read_text()
                or f"pages.{page_id} =" in (build_site.TEMPLATES / "static" / "js" / name).read_text()}
        assert len(mine) <= 1, path
        if page_id not in ("index", "not-found"):
            assert mine, f"{path}: no script registers traces.pages[{page_id!r}]"


def test_replay_keeps_only_the_requests_that_change_data(tmp_path):
    recording = tmp_path / "moto-recording.jsonl"
    entries = [
        {"url": "http://127.0.0.1:5005/", "headers": {"X-Amz-Target": "DynamoDB_20120810.PutItem"}, "body": "{}"},
        {"url": "http://127.0.0.1:5005/", "headers": {"X-Amz-Target": "DynamoDB_20120810.Query"}, "body": "{}"},
        {"url": "http://127.0.0.1:5005/", "headers": {}, "body": "Action=SendRawEmail&Source=x"},
        {"url": "http://127.0.0.1:5005/", "headers": {}, "body": "Action=GetSendQuota"},
        {"url": "http://127.0.0.1:5005/moto-api/data.json", "headers": {}, "body": ""},
    ]
    recording.write_text("".join(json.dumps(e) + "\n" for e in entries))
    assert run.compact_recording(recording) == 2
    kept = [json.loads(line) for line in recording.read_text().splitlines()]
    assert [e["headers"].get("X-Amz-Target") or e["body"][:20] for e in kept] == [
        "DynamoDB_20120810.PutItem", "Action=SendRawEmail&"]


def test_a_second_run_sees_the_first_one_through_its_state_file(tmp_path):
    import os

    assert run.already_running(tmp_path) is None
    (tmp_path / run.STATE_FILE).write_text(json.dumps({"pid": os.getpid(), "url": "http://127.0.0.1:8080"}))
    assert run.already_running(tmp_path)["url"] == "http://127.0.0.1:8080"
    (tmp_path / run.STATE_FILE).write_text(json.dumps({"pid": 2 ** 22 + 12345, "url": "x"}))
    assert run.already_running(tmp_path) is None  # a stale file from a killed run


def test_mailbox_lists_newest_first_with_clickable_escaped_links():
    from dev import site_server

    messages = [
        {"id": "1", "from": "a", "to": "p@x.fr", "subject": "Old", "date": None, "text": "x", "html": None},
        {"id": "2", "from": "a", "to": "p@x.fr", "subject": "New <b>", "date": None,
         "text": "Open http://127.0.0.1:8080/fr/confirm.html?token=abc <script>", "html": "<p>hi</p>"},
    ]
    page = site_server.render_mailbox(list(reversed(messages)), "p@x")
    assert page.index("New &lt;b&gt;") < page.index("Old")
    assert '<a href="http://127.0.0.1:8080/fr/confirm.html?token=abc">' in page
    assert "<script>" not in page


def test_a_taken_port_is_explained_with_the_commands_that_work(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run.main(["--port", str(port), "--var", str(tmp_path)]) == run.NOT_STARTED
    message = capsys.readouterr().err
    assert f"Port {port} is already taken" in message
    assert f'make run ARGS="--port {port + 1}"' in message
    assert f"-m dev.run --port {port + 1}" in message and "\n    python -m" not in message


def test_make_run_passes_its_args_and_adds_no_error_when_nothing_was_started(tmp_path):
    import shutil
    import socket
    import subprocess

    if not shutil.which("make") or not (build_site.ROOT / ".venv" / ".installed").exists():
        import pytest

        pytest.skip("needs make and the .venv that `make` creates")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(["make", "--no-print-directory", "run", f"ARGS=--port {port} --var {tmp_path}"],
                              cwd=build_site.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Port {port} is already taken" in done.stderr
    assert "make: ***" not in done.stdout + done.stderr and "Error" not in done.stderr
