"""One local origin for the whole product: the static site, /api/* proxied to the local API,
and (local stage only) a development mailbox at /dev/mailbox listing every e-mail SES received.

    python -m dev.site_server --port 8080 --site site --api http://127.0.0.1:8001 \
        --mailbox http://127.0.0.1:5005

Standard library only. Not for production: on AWS, CloudFront serves the site and the API on one
origin instead.
"""
import argparse
import email
import email.policy
import html
import http.client
import json
import mimetypes
import re
import sys
import urllib.request
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# Connections the local servers keep waiting to be accepted. socketserver's default, 5, let a
# burst of 16 logins at once overflow the API's queue: one got 502 api_unavailable here.
LISTEN_BACKLOG = 128


def listen_for_bursts(server):
    """Lets a socketserver server (already listening) queue LISTEN_BACKLOG connections."""
    server.request_queue_size = LISTEN_BACKLOG
    server.socket.listen(LISTEN_BACKLOG)
    return server


HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}

SITE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self' data:; "
                               "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
}

# Chalice's local gateway, as API Gateway, answers a path no route has with this 403.
MISSING_ROUTE = b'{"message": "Missing Authentication Token"}'

MAILBOX_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; "
               "base-uri 'none'; frame-ancestors 'self'")


# ---------------------------------------------------------------- the development mailbox

def read_messages(moto_url: str) -> list[dict]:
    """Every e-mail the local SES (moto server) accepted, newest first, parsed. moto dumps every
    service's data (the DynamoDB tables too) and serialises it with the writes: on a busy machine
    that takes more than 10 s, so the mailbox waits as long as an API call may."""
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=60) as response:
        data = json.load(response)
    ses = data.get("ses", {})
    found = []
    for number, raw in enumerate(ses.get("RawMessage", [])):
        found.append(_parse_raw(number, raw))
    for number, plain in enumerate(ses.get("Message", [])):
        found.append({"id": plain.get("id"), "from": plain.get("source", ""),
                      "to": ", ".join(plain.get("destinations", {}).get("ToAddresses", []) or []),
                      "subject": plain.get("subject", ""), "date": None,
                      "text": plain.get("body", ""), "html": None, "order": number})
    found.sort(key=lambda m: m["order"], reverse=True)
    for message in found:
        message["links"] = re.findall(r"https?://[^\s<>\"')]+", message["text"] or "")
    return found


def _parse_raw(number: int, raw: dict) -> dict:
    message = email.message_from_string(raw.get("raw_data", ""), policy=email.policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    try:
        sent = parsedate_to_datetime(message["Date"]).isoformat() if message["Date"] else None
    except (TypeError, ValueError):
        sent = None
    return {"id": raw.get("id"), "from": str(message["From"] or raw.get("source", "")),
            "to": str(message["To"] or ", ".join(raw.get("destinations") or [])),
            "subject": str(message["Subject"] or ""), "date": sent,
            "text": text_part.get_content() if text_part else "",
            "html": html_part.get_content() if html_part else None, "order": number}


def _linkify(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"https?://[^\s<>\"')]+",
                  lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


MAILBOX_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development mailbox – TRACES</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; line-height: 1.5; }}
header {{ background: #5a2d82; color: #fff; padding: .75rem 1rem; }}
header a {{ color: #fff; }}
main {{ max-width: 62rem; margin: 0 auto; padding: 1rem; }}
article {{ border: 1px solid #6b6b6b; margin: 0 0 1.5rem; padding: 0 1rem 1rem; }}
h2 {{ font-size: 1.2rem; margin: .75rem 0 .25rem; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: 0 0 .5rem; }}
dt {{ font-weight: 600; }} dd {{ margin: 0; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; background: #f2f4f7; padding: .75rem;
      border-left: 4px solid #5a2d82; }}
dd {{ overflow-wrap: anywhere; }}
a {{ color: #0a4fa3; }}
:focus-visible {{ outline: 3px solid #ffbf47; box-shadow: 0 0 0 5px #1b1b1b; }}
iframe {{ width: 100%; min-height: 22rem; border: 1px solid #6b6b6b; background: #fff; }}
form {{ margin: 0 0 1rem; }} label {{ font-weight: 600; margin-right: .5rem; }}
input, button {{ font: inherit; padding: .3rem .5rem; }}
</style>
</head>
<body>
<header><p><strong>TRACES – development mailbox</strong> (local stage only): every e-mail sent
through the local SES, newest first. <a href="/fr/index.html">Back to the site</a></p></header>
<main id="main">
<h1>Mailbox</h1>
<form method="get" action="/dev/mailbox" role="search">
<label for="to">Recipient contains</label><input id="to" name="to" type="text" value="{to}">
<button type="submit">Filter</button> <a href="/dev/mailbox">Show all</a>
</form>
<p role="status">{count}</p>
{articles}
</main>
</body>
</html>
"""


def render_mailbox(messages: list[dict], to: str) -> str:
    shown = [m for m in messages if to.casefold() in m["to"].casefold()] if to else messages
    articles = []
    for index, m in enumerate(shown):
        html_version = ""
        if m["html"]:
            document = '<base target="_top">' + m["html"]
            html_version = (f'<details><summary>HTML version</summary><iframe title="HTML version of '
                            f'{html.escape(m["subject"])}" sandbox="allow-top-navigation-by-user-activation '
                            f'allow-popups" srcdoc="{html.escape(document)}"></iframe></details>')
        articles.append(f"""<article class="message" aria-labelledby="m{index}" data-to="{html.escape(m['to'])}">
<h2 id="m{index}">{html.escape(m['subject']) or '(no subject)'}</h2>
<dl><dt>To</dt><dd class="to">{html.escape(m['to'])}</dd><dt>From</dt><dd>{html.escape(m['from'])}</dd>
{f"<dt>Date</dt><dd>{html.escape(m['date'])}</dd>" if m['date'] else ''}</dl>
<pre class="text">{_linkify(m['text'] or '')}</pre>
{html_version}
</article>""")
    count = f"{len(shown)} e-mail(s)" + (f" to addresses containing “{html.escape(to)}”" if to else "")
    return MAILBOX_PAGE.format(to=html.escape(to), count=count,
                               articles="\n".join(articles) or "<p>No e-mail yet.</p>")


# ---------------------------------------------------------------- the server

class Handler(BaseHTTPRequestHandler):
    server_version = "traces-dev"
    protocol_version = "HTTP/1.1"

    # set by serve()
    site: Path = ROOT / "site"
    api: str = "http://127.0.0.1:8000"
    moto: str | None = None

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        if getattr(self.server, "quiet", False):
            return
        sys.stderr.write("[site] %s %s\n" % (self.address_string(), format % args))

    def _path(self) -> str:
        return urlsplit(self.path).path

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_OPTIONS(self):
        self._dispatch()

    def __getattr__(self, name: str):
        # The standard library answers a method it has no do_X for (TRACE, QUERY, PROPFIND...)
        # with an HTML 501: here it is a 405 in the API's JSON error format.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self):
        self.close_connection = True          # any body it carried is not read
        api = self._path() == "/api" or self._path().startswith("/api/")
        self._error(405, {"Allow": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" if api else "GET, HEAD",
                          "Connection": "close"})

    def _error(self, status: int, headers: dict | None = None):
        """An answer in the API's error format, in the language the request asks for."""
        from chalicelib import i18n
        from chalicelib.api.http import SECURITY_HEADERS, error_body

        language = i18n.negotiate(self.headers.get("Accept-Language"))
        body = json.dumps(error_body(status, language)).encode()
        self._send(status, body, "application/json",
                   {**SECURITY_HEADERS, "Content-Language": language, **(headers or {})})

    def _dispatch(self):
        path = self._path()
        try:
            if path == "/api" or path.startswith("/api/"):
                self._proxy()
            elif path in ("/dev/mailbox", "/dev/mailbox.json") and self.moto:
                self._mailbox(path.endswith(".json"))
            elif self.command in ("GET", "HEAD"):
                self._static(path)
            else:
                self._error(405, {"Allow": "GET, HEAD"})
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _static(self, path: str):
        relative = unquote(path).lstrip("/")
        target = (self.site / relative).resolve()
        site = self.site.resolve()
        if not target.is_relative_to(site):
            self._send(404, b"Not found\n", "text/plain; charset=utf-8", SITE_HEADERS)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._send(301, b"", "text/plain", {"Location": path + "/"})
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(relative)
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript",):
            content_type += "; charset=utf-8"
        self._send(200, target.read_bytes(), content_type, SITE_HEADERS)

    def _not_found(self, relative: str):
        """The site's own 404 page, in the language of the address (French by default)."""
        language = "en" if relative.startswith("en/") else "fr"
        page = self.site / language / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found\n"
        self._send(404, body, "text/html; charset=utf-8" if page.is_file() else "text/plain; charset=utf-8",
                   SITE_HEADERS)

    def _proxy(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        target = urlsplit(self.api)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except OSError as error:
            message = json.dumps({"error": {"code": "api_unavailable",
                                            "message": f"The local API does not answer: {error}"}})
            self._send(502, message.encode(), "application/json")
            return
        finally:
            connection.close()
        if response.status == 403 and payload == MISSING_ROUTE:
            self._error(404)     # what API Gateway (and Chalice's local one) says of an unknown path
            return
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _mailbox(self, as_json: bool):
        if self.command not in ("GET", "HEAD"):
            self._error(405, {"Allow": "GET, HEAD"})
            return
        to = (parse_qs(urlsplit(self.path).query).get("to") or [""])[0]
        try:
            messages = read_messages(self.moto)
        except OSError as error:
            self._send(502, f"The local SES does not answer: {error}\n".encode(), "text/plain; charset=utf-8")
            return
        if as_json:
            shown = [m for m in messages if to.casefold() in m["to"].casefold()]
            self._send(200, json.dumps(shown).encode(), "application/json", {"Cache-Control": "no-store"})
        else:
            self._send(200, render_mailbox(messages, to).encode(), "text/html; charset=utf-8",
                       {"Cache-Control": "no-store", "Content-Security-Policy": MAILBOX_CSP})


def make_server(host: str, port: int, site: Path, api: str, moto: str | None,
                quiet: bool = False) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"site": Path(site), "api": api.rstrip("/"),
                                                "moto": moto.rstrip("/") if moto else None})
    server = listen_for_bursts(ThreadingHTTPServer((host, port), handler))
    server.daemon_threads = True
    server.quiet = quiet
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--mailbox", metavar="MOTO_URL", help="serve /dev/mailbox from this moto server")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.site, args.api, args.mailbox)
    print(f"site on http://{args.host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
