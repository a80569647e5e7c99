"""The local origin (dev/site_server.py) without a browser: what it answers itself is in the API's
error format."""
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dev import site_server


class FakeApi(BaseHTTPRequestHandler):
    """What Chalice's local gateway answers: a 403 for a path no route has."""

    def do_GET(self):
        body = site_server.MISSING_ROUTE if self.path == "/api/nowhere" else b'{"ok": true}'
        self.send_response(403 if self.path == "/api/nowhere" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def origin(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    api = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    site = site_server.make_server("127.0.0.1", 0, tmp_path, f"http://127.0.0.1:{api.server_port}",
                                   None, quiet=True)
    for server in (api, site):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site.server_port
    for server in (api, site):
        server.shutdown()
        server.server_close()


def ask(port: int, method: str, path: str, language: str = "en"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers={"Accept-Language": language})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, json.loads(body) if body else None


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND", "BREW"])
@pytest.mark.parametrize("path", ["/api/me", "/index.html"])
def test_an_unknown_method_gets_a_405_in_the_json_error_format(origin, method, path):
    response, body = ask(origin, method, path)
    assert response.status == 405
    assert response.getheader("Content-Type") == "application/json"
    assert body == {"error": {"code": "method_not_allowed", "message": "This method is not allowed here."}}
    assert response.getheader("Allow") and response.getheader("X-Content-Type-Options") == "nosniff"


def test_a_known_method_the_site_does_not_take_is_a_405_in_french_by_default(origin):
    response, body = ask(origin, "DELETE", "/index.html", language="")
    assert (response.status, response.getheader("Allow")) == (405, "GET, HEAD")
    assert body["error"] == {"code": "method_not_allowed", "message": "Cette méthode n'est pas autorisée ici."}


def test_an_api_path_without_a_route_is_a_404_not_the_gateways_403(origin):
    response, body = ask(origin, "GET", "/api/nowhere")
    assert (response.status, body["error"]["code"]) == (404, "not_found")
    assert ask(origin, "GET", "/api/elsewhere")[1] == {"ok": True}
