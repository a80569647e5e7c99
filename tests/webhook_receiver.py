"""A webhook receiver for the tests: an HTTP server on 127.0.0.1 that checks each request's
Traces-Signature as docs/machines.md tells an integrator to, records what it got, and answers
with the status it is told to."""
import hashlib
import hmac
import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verified(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check (docs/machines.md): t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    expected = hmac.new(secret.encode(), fields.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


class Receiver:
    def __init__(self):
        self.secret, self.answer, self.received = None, 200, []
        self.headers = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                signature = self.headers.get("Traces-Signature", "")
                receiver.received.append({"at": datetime.now(timezone.utc), "path": self.path,
                                          "body": json.loads(body),
                                          "signature": signature,
                                          "verified": bool(receiver.secret)
                                          and verified(receiver.secret, signature, body)})
                self.send_response(receiver.answer)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/traces/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
