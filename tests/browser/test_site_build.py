"""The site build and the local runner's pieces that need no browser."""
import json

from babel.messages.pofile import read_po

from dev import build_site, run


def test_every_page_is_built_in_french_and_english_with_its_language(tmp_path):
    pages = build_site.build(tmp_path / "site")
    assert len(pages) == 2 * len(build_site.PAGES)
    for language in ("fr", "en"):
        for _template, path, _page_id, _extra in build_site.PAGES:
            html = (tmp_path / "site" / language / path).read_text("utf-8")
            assert f'<html lang="{language}">' in html
            # the language switch points at the same page in the other language
            assert f'href="/fr/{path}"' in html and f'href="/en/{path}"' in html
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


def test_each_page_with_its_stylesheets_and_scripts_stays_under_60_kb(tmp_path):
    site = tmp_path / "site"
    build_site.build(site)
    sizes = build_site.asset_sizes(site / "static")
    for language in ("fr", "en"):
        for _template, path, _page_id, extra in build_site.PAGES:
            html = (site / language / path).read_text("utf-8")
            assets = build_site.page_assets(extra)
            for name in assets:  # the page loads exactly these
                assert f'"/static/{name}"' in html, (path, name)
            assert html.count('<script src="/static/') == len(extra.get("scripts", build_site.SCRIPTS))
            total = len(html.encode("utf-8")) + sum(sizes[name] for name in assets)
            assert total < 60 * 1024, (language, path, total)


def test_core_js_is_site_js_without_its_pages_and_site_js_does_not_export():
    source = (build_site.TEMPLATES / "static" / "site.js").read_text("utf-8")
    site, core = build_site.split_script(source)
    assert "pages.register = " in site and "pages.register = " not in core
    assert "window.traces" in core and "window.traces" not in site
    for shared in ("function api(", "function onSubmit(", 'addEventListener("DOMContentLoaded"'):
        assert shared in site and shared in core


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
