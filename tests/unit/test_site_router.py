"""The CloudFront Function of the site (deploy/site_router.js, as the template embeds it), run
with Node: directory URLs serve their index.html, / goes to a language, unknown paths get the
site's 404 page with status 404."""
import json
import shutil
import subprocess

import pytest

from deploy import template

HARNESS = """
const events = JSON.parse(process.argv[1]);
console.log(JSON.stringify(events.map(handler)));
"""


def run(*events) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the browser tests need it too)")
    done = subprocess.run([node, "-e", template.router_code() + HARNESS, json.dumps(events)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def request(uri: str, language: str | None = None) -> dict:
    headers = {"accept-language": {"value": language}} if language else {}
    return {"context": {"eventType": "viewer-request"},
            "request": {"method": "GET", "uri": uri, "headers": headers, "querystring": {}}}


def response(uri: str) -> dict:
    return {"context": {"eventType": "viewer-response"}, "request": {"uri": uri, "headers": {}},
            "response": {"statusCode": 200, "statusDescription": "OK", "headers": {}}}


def test_directory_urls_serve_their_index_and_pages_pass_unchanged():
    found = run(request("/fr/"), request("/en/"), request("/fr/backoffice/"),
                request("/fr/login.html"), request("/static/site.0123456789ab.js"))
    assert [r["uri"] for r in found] == ["/fr/index.html", "/en/index.html", "/fr/backoffice/index.html",
                                         "/fr/login.html", "/static/site.0123456789ab.js"]


def test_the_root_and_folders_without_their_slash_are_redirected():
    root, english, folder = run(request("/"), request("/", "en-GB,en;q=0.8"), request("/fr/backoffice"))
    assert (root["statusCode"], root["headers"]["location"]["value"]) == (302, "/fr/")
    assert english["headers"]["location"]["value"] == "/en/"
    assert (folder["statusCode"], folder["headers"]["location"]["value"]) == (301, "/fr/backoffice/")


def test_unknown_paths_get_the_404_page_of_their_language_with_status_404():
    missing, english, elsewhere = run(request("/fr/nothing.html"), request("/en/roles/x.html"),
                                      request("/wp-login.php"))
    assert [r["uri"] for r in (missing, english, elsewhere)] == ["/fr/404.html", "/en/404.html", "/fr/404.html"]
    statuses = run(response("/fr/404.html"), response("/fr/nothing.html"), response("/fr/index.html"),
                   response("/fr/"), response("/static/site.css"))
    assert [r["statusCode"] for r in statuses] == [404, 404, 200, 200, 200]


def test_every_built_page_is_known_to_the_function():
    pages = set(template.site_pages())
    assert {"/index.html", "/fr/index.html", "/en/roles/pending.html", "/fr/backoffice/account.html"} <= pages
    assert "/fr/404.html" not in pages
    assert len(template.router_code().encode()) < 10 * 1024   # CloudFront Functions' size limit
