"""The signed POST to an endpoint: the host resolved and checked again (domain/webhooks.py
`public`), the connection made to the address checked (no second resolution for a rebinding
DNS to answer differently), certificate checked against the host name, no redirect followed."""
import http.client
import socket
import ssl
import time
from urllib.parse import urlsplit

from ..domain import webhooks as rules
from ..domain.errors import Invalid

TIMEOUT = 10        # seconds for the whole exchange


def resolve(host: str, port: int) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError):
        return []


class _Pinned(http.client.HTTPSConnection):
    """HTTPS to `address`, checking the certificate of `host` (SNI and name)."""

    def __init__(self, host: str, port: int, address: str):
        super().__init__(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def send(url: str, body: bytes, headers: dict, allow_loopback: bool) -> tuple[int | None, str | None, int]:
    """(HTTP status or None, what went wrong or None, milliseconds)."""
    started = time.monotonic()
    try:
        scheme, host, port = rules.url_parts(url, allow_loopback)
        address = rules.public(resolve(host, port), allow_loopback)
    except Invalid as refused:
        return None, next(iter(refused.fields.values())), 0
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = _Pinned(host, port, address)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers={
            **headers, "Host": host if port in (80, 443) else f"{host}:{port}",
            "Content-Type": "application/json", "User-Agent": "traces-webhooks/1"})
        status = connection.getresponse().status
        return status, None, int((time.monotonic() - started) * 1000)
    except (OSError, http.client.HTTPException) as error:
        return None, type(error).__name__, int((time.monotonic() - started) * 1000)
    finally:
        connection.close()
