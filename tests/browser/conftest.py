"""Browser tests: the stack dev.run starts (fresh data folder, free ports), driven by Debian's
Chromium through Playwright. Every page visited is screenshotted and checked by axe-core.

The anti-automation code is on, as `make run` has it. The tests read each code through the
test-only hook of the local and test stages (TRACES_CAPTCHA_TEST_HOOK: the challenge keeps its
code in the tokens table, which the tests read from the stack's moto server; prod refuses it).

    .venv/bin/python -m pytest tests/browser        # needs /usr/bin/chromium and `npm ci`
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).with_name("screenshots")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("TRACES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clean_environment() -> dict:
    """The environment without the `test` stage values tests/conftest.py put there: the stack
    runs the `local` stage."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("TRACES_", "AWS_", "MOTO_"))}


class Stack:
    """The running local system: its URLs and a way to run admin commands against it."""

    def __init__(self, state: dict, env: dict):
        self.url = state["url"]
        self.mailbox = state["mailbox"]
        self.state = state
        self.env = env

    def admin(self, *argv: str) -> str:
        done = subprocess.run([sys.executable, "-m", "dev.admin", *argv], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        """A call to the API through the one origin, without a session (registration etc.)."""
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/api{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def captcha_code(self, captcha_id: str) -> str:
        """The code of an anti-automation challenge, through the test-only hook."""
        import boto3

        from chalicelib.services.credentials import token_hash

        client = boto3.client("dynamodb", endpoint_url=self.state["moto"], region_name="eu-west-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        item = client.get_item(TableName=self.env["TRACES_TABLE_PREFIX"] + "tokens",
                               Key={"token_hash": {"S": token_hash(captcha_id)}}).get("Item") or {}
        assert "test_code" in item, "no code kept for this challenge: is TRACES_CAPTCHA_TEST_HOOK on?"
        return item["test_code"]["S"]

    def captcha(self) -> dict:
        """A fresh challenge's fields for POST /api/accounts, with its code."""
        status, challenge = self.api("GET", "/captcha")
        assert status == 200, challenge
        return {"captcha_id": challenge["captcha_id"],
                "captcha_answer": self.captcha_code(challenge["captcha_id"])}

    def register_and_confirm(self, email: str, password: str, answer: str, first: str, last: str,
                             postal_code: str = "69003", organisation: dict | None = None) -> None:
        """A person with a confirmed request (status confirmed), through the API."""
        organisation = organisation or {"name": f"{last} SARL", "address": "5 quai Rambaud",
                                        "postal_code": postal_code, "city": "Lyon", "country": "FR"}
        status, _ = self.api("POST", "/accounts", {**self.captcha(),
            "email": email, "email_confirmation": email, "password": password,
            "password_confirmation": password, "secret_question_id": 3, "secret_answer": answer,
            "first_name": first, "last_name": last, "language": "en", "notification_format": "html",
            "organisation": organisation})
        assert status == 202
        link = next(link for m in self.mails(email) for link in m["links"] if "token=" in link)
        token = link.split("token=", 1)[1]
        status, body = self.api("POST", "/accounts/confirm", {"token": token})
        assert status == 200, body

    def totp(self, email: str) -> str:
        """A code of the person's authenticator app that the login accepts (SPEC 1.9: the local
        system gives one to the authorities and control bodies that `dev.admin` creates)."""
        return self.admin("totp", email).strip()

    def session(self, request, email: str, password: str) -> dict:
        """Logs a Playwright request context in through the API, with the second step when the
        person has a second factor; returns the session (its csrf_token)."""
        response = request.post(f"{self.url}/api/session", data={"email": email, "password": password})
        assert response.ok, response.text()
        if "second_factor" in response.json():
            response = request.post(f"{self.url}/api/session/second-factor",
                                    data={"method": "totp", "code": self.totp(email)})
            assert response.ok, response.text()
        return response.json()

    def mails(self, to: str) -> list[dict]:
        import urllib.parse
        import urllib.request

        query = urllib.parse.urlencode({"to": to})
        with urllib.request.urlopen(f"{self.url}/dev/mailbox.json?{query}", timeout=30) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    assert AXE.exists(), "axe-core is missing: run `npm ci` at the repository root"
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    log = open(var / "run.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "dev.run", "--port", str(port), "--moto-port", str(_free_port()),
         "--var", str(var), "--no-jobs", "--quiet"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**_clean_environment(), "PYTHONUNBUFFERED": "1", "TRACES_CAPTCHA_TEST_HOOK": "true",
             "TRACES_WEBHOOK_LOOPBACK": "true"})
    state_file = var / "run.json"
    deadline = time.monotonic() + 240
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            pytest.fail("dev.run did not start:\n" + (var / "run.log").read_text())
        time.sleep(0.5)
    time.sleep(0.5)
    state = json.loads(state_file.read_text())
    from dev.run import stage_environment

    env = {**_clean_environment(), **stage_environment("local"), "TRACES_SITE_URL": state["url"],
           "TRACES_CAPTCHA_TEST_HOOK": "true", "AWS_ENDPOINT_URL": state["moto"],
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}
    try:
        yield Stack(state, env)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def press_enter(page: Page, field: str) -> None:
    """Enter in `field`, as a person does, once the page's script is there: before it, a form
    with a password does not leave (its submit button comes disabled)."""
    expect(page.locator(f"form:has({field}) button[type=submit]").first).to_be_enabled()
    page.locator(field).press("Enter")


def finish_login(page: Page, stack: Stack, email: str) -> None:
    """After the password on the login page: the second step with a code of the person's
    authenticator app when the page asks for one (SPEC 1.9), as a person would type it; then the
    page the login leads to."""
    page.locator("body:not([data-page='login']), #second-step-form:not([hidden])").first.wait_for()
    if page.locator("#second-step-form").is_visible():
        page.locator("#f-code").fill(stack.totp(email))
        page.locator("#f-code").press("Enter")
    page.locator("body:not([data-page='login'])").wait_for()


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """A fresh browser (own cookies and sessionStorage) per person; several may be open."""
    contexts = []

    def make(locale: str = "fr-FR", width: int = 1280) -> Page:
        # bypass_csp: axe-core is injected as an inline script, which the site's CSP forbids.
        context = browser.new_context(locale=locale, bypass_csp=True, viewport={"width": width, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


_shots = {"n": 0}


def check_page(page: Page, name: str) -> None:
    """Screenshots the page and asserts axe-core finds no serious or critical WCAG 2.1 AA issue."""
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(exist_ok=True)
    _shots["n"] += 1
    page.screenshot(path=str(SCREENSHOTS / f"{_shots['n']:02d}-{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
             .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""",
        WCAG_TAGS)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"accessibility problems on {name} ({page.url}): {json.dumps(serious, indent=1)}"


@pytest.fixture
def check():
    """check(page, name): screenshot + axe-core assertion."""
    return check_page
