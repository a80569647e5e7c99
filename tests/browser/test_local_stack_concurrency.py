"""Concurrent requests against the running local system (`make run`'s stack, on 127.0.0.1): moto
and the local API server answer in threads, and a user of `make run` must not lose data when two
requests race. Each race is released at once through a barrier; every trial checks that exactly
one request won and that what it committed stayed."""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.api.test_concurrency import at_once

TRIALS = 20
AT_ONCE = 3            # requests for the same thing in each race
AUTHORITY = ("ddpp69@demo.example.org", "Rhone-Valley-2026!")   # `dev.admin demo`
PASSWORD, ANSWER = "Grenoble-Alpes-2026!", "Mont Blanc"


class Client:
    """One browser's worth of state: the session cookie and the CSRF token."""

    def __init__(self, url: str):
        self.url, self.cookie, self.csrf = url, None, None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/api{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, cookie = response.status, response.read(), response.headers.get("Set-Cookie")
        except urllib.error.HTTPError as error:
            status, raw, cookie = error.code, error.read(), None
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return status, json.loads(raw) if raw else None

    def log_in(self, email: str, password: str, stack=None) -> int:
        """With `stack`, the second step too (SPEC 1.9), with a code of the person's app."""
        status, body = self.call("POST", "/session", {"email": email, "password": password})
        if status == 200 and "second_factor" in body:
            status, body = self.call("POST", "/session/second-factor", {"method": "totp", "code": stack.totp(email)})
        if status == 200:
            self.csrf = body["csrf_token"]
        return status


def registration(email: str) -> dict:
    return {"email": email, "email_confirmation": email, "password": PASSWORD,
            "password_confirmation": PASSWORD, "secret_question_id": 3, "secret_answer": ANSWER,
            "first_name": "Race", "last_name": "Condition", "language": "en",
            "notification_format": "text",
            "organisation": {"name": "Course SARL", "address": "5 quai Rambaud",
                             "postal_code": "69002", "city": "Lyon", "country": "FR"}}


def test_racing_confirmations_and_activations_lose_nothing_on_the_local_stack(stack):
    """Each trial races AT_ONCE uses of one confirmation link, then AT_ONCE activations of the
    account by its authority: each wins exactly once and what it wrote stays."""
    people = [f"race-{trial}@course.example.fr" for trial in range(TRIALS)]
    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda email: Client(stack.url).call(
            "POST", "/accounts", {**registration(email), **stack.captcha()})[0], people)) == {202}
    tokens = {m["to"]: link.split("token=", 1)[1] for m in stack.mails("@course.example.fr")
              for link in m["links"] if "token=" in link}
    authority = Client(stack.url)
    assert authority.log_in(*AUTHORITY, stack=stack) == 200
    for trial, email in enumerate(people):
        confirmations = at_once(*[lambda email=email: Client(stack.url).call("POST", "/accounts/confirm",
                                                              {"token": tokens[email]})] * AT_ONCE)
        assert sorted(s for s, _ in confirmations) == [200] + [404] * (AT_ONCE - 1), (trial, confirmations)
        status, found = authority.call("GET", f"/authority/accounts?email=race-{trial}@")
        assert status == 200 and [a["status"] for a in found] == ["confirmed"], (trial, found)

        ident = found[0]["id"]
        activations = at_once(*[lambda ident=ident: authority.call("POST", f"/authority/accounts/{ident}/activate")]
                              * AT_ONCE)
        assert sorted(s for s, _ in activations) == [200] + [409] * (AT_ONCE - 1), (trial, activations)
        status, account = authority.call("GET", f"/authority/accounts/{ident}")
        assert (status, account["status"]) == (200, "valid"), (trial, account)


def test_the_local_api_server_keeps_each_threads_request_apart():
    """Chalice keeps the request on the app object; the local server answers in threads, so each
    thread must see its own (dev/api_server.py), or one request could read another's body."""
    from chalice import Chalice

    from dev.api_server import per_thread_requests

    app = Chalice(app_name="threads")
    per_thread_requests(app)
    seen = at_once(*[lambda n=n: (setattr(app, "current_request", n), threading.Event().wait(0.05),
                               app.current_request)[-1] for n in range(8)])
    assert seen == list(range(8))


BURST = 16              # clients that log in at the same moment (issue 15: one got a 502)


def test_a_burst_of_logins_on_the_local_stack_gets_no_server_error(stack):
    # The password step of 16 logins at once (each answers 200 with its pending second step: a
    # code of the authenticator app serves once, so the burst is on the password).
    email, password = AUTHORITY[0], AUTHORITY[1]
    statuses = at_once(*[lambda: Client(stack.url).call("POST", "/session", {"email": email, "password": password})[0]]
                       * BURST)
    assert statuses == [200] * BURST, statuses


def _connections_queued(server_socket) -> int:
    """How many connections a listening socket that accepts none takes before one waits."""
    import socket

    host, port = server_socket.getsockname()[:2]
    opened = []
    try:
        for _ in range(BURST):
            client = socket.socket()
            client.settimeout(2)
            opened.append(client)
            try:
                client.connect((host, port))
            except OSError:
                return len(opened) - 1
        return len(opened)
    finally:
        for client in opened:
            client.close()


def test_the_local_api_and_site_servers_queue_a_burst_of_connections(tmp_path):
    """While their threads are busy, both local servers keep a burst of new connections waiting
    instead of refusing them (socketserver's default queue holds 5)."""
    from chalice import Chalice
    from chalice.cli.factory import CLIFactory

    from dev import api_server, site_server

    site = site_server.make_server("127.0.0.1", 0, tmp_path, "http://127.0.0.1:9", None, quiet=True)
    config = CLIFactory(str(api_server.ROOT)).create_config_obj(chalice_stage_name="test")
    api = api_server.make_server(Chalice(app_name="burst"), config, "127.0.0.1", 0)
    try:
        assert _connections_queued(site.socket) == BURST
        assert _connections_queued(api.server.socket) == BURST
    finally:
        site.server_close()
        api.server.server_close()
