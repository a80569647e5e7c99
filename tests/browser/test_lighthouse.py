"""Lighthouse (the npm package pinned in package.json) audits the main pages of the local stack in
its default mobile profile (a mid-range phone on a slow 4G link, simulated), on the installed
Chromium, and each page must reach the targets of issue 15: performance at least 95,
accessibility 100, best practices at least 95 (docs/benchmarks.md records the scores).

The COI list and the COI page need a session: Lighthouse sends the session cookie of a demo
importer (logged in through the API) as an extra header, and the page asks /api/me for the rest,
as a new tab of a logged-in person does."""
import json
import statistics
import subprocess

import pytest

from dev.admin import DEMO_PEOPLE
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
IMPORTER = next((email, password) for email, password, *_rest in DEMO_PEOPLE if email.startswith("importer@"))
# name, logged in, address (filled from `demo`)
PAGES = [("home", False, "/fr/index.html"), ("login", False, "/fr/login.html"),
         ("coi-list", True, "/fr/cois/index.html"), ("coi", True, "/fr/cois/view.html?id={coi}"),
         ("verify", False, "/fr/verify.html?number={number}")]


@pytest.fixture(scope="module")
def demo(stack) -> dict:
    """The demo importer's session cookie and its issued demo COI, DEMO-ISSUED (dev/demo_cois.py)."""
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = urllib.request.Request(f"{stack.url}/api/session", method="POST",
                                   headers={"Content-Type": "application/json"},
                                   data=json.dumps({"email": IMPORTER[0], "password": IMPORTER[1]}).encode())
    opener.open(login, timeout=30).close()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    with opener.open(f"{stack.url}/api/cois?status=issued", timeout=30) as response:
        issued = json.load(response)["items"]
    for item in issued:
        with opener.open(f"{stack.url}/api/cois/{item['id']}", timeout=30) as response:
            if (json.load(response)["boxes"].get("box3") or {}).get("national_reference") == "DEMO-ISSUED":
                return {"cookie": cookie, "coi": item["id"], "number": item["number"]}
    raise AssertionError("the demo COI DEMO-ISSUED is missing")


def audit(url: str, headers: dict) -> dict:
    """Lighthouse's report of one page: {category: score out of 100} and the audits it failed."""
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         "--only-categories=performance,accessibility,best-practices", f"--chrome-path={CHROMIUM}",
         f"--chrome-flags={' '.join(CHROMIUM_ARGS)}", f"--extra-headers={json.dumps(headers)}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    scores = {name: round(100 * category["score"]) for name, category in report["categories"].items()}
    audits = report["audits"]
    failed = sorted(f"{name}: {ref['id']} ({audits[ref['id']].get('displayValue') or audits[ref['id']]['score']})"
                    for name, category in report["categories"].items() for ref in category["auditRefs"]
                    if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
                    and report["audits"][ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings"))
    return {"scores": scores, "failed": failed}


def missed(scores: dict) -> dict:
    return {category: score for category, score in scores.items() if score < TARGETS[category]}


@pytest.mark.parametrize("name, logged_in, address", PAGES, ids=[p[0] for p in PAGES])
def test_lighthouse_targets_on_the_main_pages(stack, demo, name, logged_in, address):
    """One run; if it misses a target, two more and the median of the three, as Lighthouse's
    documentation advises against the variance of a machine shared with other work."""
    assert LIGHTHOUSE.exists(), "Lighthouse is missing: run `npm ci` at the repository root"
    url, headers = stack.url + address.format(**demo), {"Cookie": demo["cookie"]} if logged_in else {}
    runs = [audit(url, headers)]
    if missed(runs[0]["scores"]):
        runs += [audit(url, headers), audit(url, headers)]
    scores = {category: statistics.median(run["scores"][category] for run in runs) for category in TARGETS}
    print(f"lighthouse {name}: {scores} ({len(runs)} runs)")
    assert not missed(scores), \
        f"{name} misses its targets {TARGETS}: {scores}; failed audits: {[run['failed'] for run in runs]}"
