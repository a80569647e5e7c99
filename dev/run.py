"""`make run`: the whole product on one machine.

    python -m dev.run [--port 8080] [--var var] [--no-captcha]      (or: make run ARGS="...")

1. starts moto server (DynamoDB and SES, each DynamoDB call atomic: dev/moto_server.py) on
   127.0.0.1, replaying the requests recorded in
   var/moto-recording.jsonl so that accounts and e-mails survive a restart (`make reset`
   deletes var/);
2. runs `python -m dev.admin init` and `python -m dev.admin demo` against it;
3. builds the site (python -m dev.build_site);
4. starts the API (Chalice's local server, stage `local`, see dev/api_server.py);
5. serves the site, /api and the development mailbox on one origin (dev/site_server.py);
6. runs the scheduled jobs on their schedule: authority_digest hourly, lock_inactive daily at
   02:15 UTC, deliver_outbox every minute (as app.py declares them);
7. delivers webhooks: the queue (moto's SQS) read every two seconds (`dev.admin
   deliver-webhooks`), also with --no-jobs. A receiver on this machine (http://127.0.0.1:...)
   is allowed only with TRACES_WEBHOOK_LOOPBACK=1 in the environment.

Ctrl-C stops everything it started. Any TRACES_* variable set in your environment overrides the
stage's value (e.g. TRACES_CAPTCHA=false); --no-captcha does the same for the captcha.
"""
import argparse
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from chalicelib.config import load as load_settings

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STATE_FILE = "run.json"
# The exit status when nothing was started because of something already there (a running copy,
# a taken port): `make run` reports the message without a make error on top.
NOT_STARTED = 2
RECORDING = "moto-recording.jsonl"

# DynamoDB and SES calls that change nothing: dropped from the recording before it is replayed.
READ_ONLY = ("GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable", "ListTables",
             "DescribeTimeToLive", "TransactGetItems", "DescribeContinuousBackups",
             "ListTagsOfResource", "GetSendQuota", "GetIdentityVerificationAttributes",
             "ListIdentities", "GetSendStatistics")


def log(message: str) -> None:
    print(f"[run] {message}", flush=True)


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None) -> int:
    if preferred and port_free(preferred):
        return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{process.args[:4]} stopped with code {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def post(url: str) -> None:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=600):
        pass


def stage_environment(stage: str) -> dict:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text("utf-8"))
    values = dict(config.get("environment_variables", {}))
    values.update(config["stages"][stage].get("environment_variables", {}))
    return values


def already_running(var: Path) -> dict | None:
    state_path = var / STATE_FILE
    try:
        state = json.loads(state_path.read_text("utf-8"))
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state


def compact_recording(path: Path) -> int:
    """Drops read-only calls (and moto's own API) from the recording; returns the kept count."""
    if not path.exists():
        return 0
    kept = []
    for line in path.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        url = entry.get("url", "")
        if "/moto-api/" in url:
            continue
        target = (entry.get("headers") or {}).get("X-Amz-Target", "")
        if target.rsplit(".", 1)[-1] in READ_ONLY:
            continue
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            try:
                body = base64.b64decode(body).decode("utf-8", "replace")
            except ValueError:
                body = ""
        if any(f"Action={action}&" in body + "&" for action in READ_ONLY):
            continue
        kept.append(line)
    path.write_text("".join(line + "\n" for line in kept), "utf-8")
    return len(kept)


class Stack:
    """The processes and threads of one local run; stop() ends them all."""

    def __init__(self, args):
        self.args = args
        self.var = args.var.resolve()
        self.logs = self.var / "logs"
        self.processes: list[subprocess.Popen] = []
        self.stopping = threading.Event()
        self.site_server = None
        self.env = {}

    # -- processes
    def spawn(self, name: str, command: list[str], to_terminal: bool) -> subprocess.Popen:
        output = None
        if not to_terminal:
            output = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=output,
                                   stderr=subprocess.STDOUT if output else None,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def admin(self, *argv: str) -> str:
        done = subprocess.run([PYTHON, "-m", "dev.admin", *argv], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"python -m dev.admin {' '.join(argv)} failed ({done.returncode})")
        return done.stdout

    def stop(self) -> None:
        self.stopping.set()
        if self.site_server is not None:
            self.site_server.shutdown()
            self.site_server.server_close()
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        state = self.var / STATE_FILE
        try:
            if json.loads(state.read_text("utf-8")).get("pid") == os.getpid():
                state.unlink()
        except (OSError, ValueError):
            pass

    # -- the steps
    def start(self) -> dict:
        args = self.args
        self.logs.mkdir(parents=True, exist_ok=True)
        moto_port = free_port(args.moto_port)
        api_port = free_port(args.api_port)
        site_url = f"http://127.0.0.1:{args.port}"
        moto_url = f"http://127.0.0.1:{moto_port}"
        recording = self.var / RECORDING

        overrides = {key: value for key, value in os.environ.items() if key.startswith("TRACES_")}
        if args.no_captcha:
            overrides["TRACES_CAPTCHA"] = "false"
        stage_values = {**stage_environment(args.stage), "TRACES_SITE_URL": site_url, **overrides}
        try:
            load_settings(stage_values)
        except ValueError as error:
            raise SystemExit(error) from None          # before anything starts
        self.env = {**os.environ, **stage_values,
                    "AWS_ENDPOINT_URL": moto_url, "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                    "AWS_DEFAULT_REGION": stage_values.get("AWS_DEFAULT_REGION", "eu-west-1"),
                    "MOTO_RECORDER_FILEPATH": str(recording), "PYTHONUNBUFFERED": "1"}
        self.env.pop("MOTO_ENABLE_RECORDING", None)

        log(f"moto server (DynamoDB, SES) on {moto_url}; data in {recording}")
        moto = self.spawn("moto", [PYTHON, "-m", "dev.moto_server", "-H", "127.0.0.1",
                                   "-p", str(moto_port)], to_terminal=False)
        wait_for(f"{moto_url}/moto-api/", 30, moto)
        kept = compact_recording(recording)
        if kept:
            log(f"replaying {kept} recorded requests")
            post(f"{moto_url}/moto-api/recorder/replay-recording")
        post(f"{moto_url}/moto-api/recorder/start-recording")

        log("python -m dev.admin init")
        print(self.admin("init").rstrip(), flush=True)
        demo = self.admin("demo")

        log("building the site")
        from dev import build_site
        build_site.build(ROOT / "site")

        log(f"API (stage {args.stage}) on http://127.0.0.1:{api_port}/api")
        api = self.spawn("api", [PYTHON, "-m", "dev.api_server", "--stage", args.stage,
                                 "--port", str(api_port)]
                         + [f"--env={key}={value}" for key, value in stage_values.items()],
                         to_terminal=not args.quiet)
        wait_for(f"http://127.0.0.1:{api_port}/api/reference/secret-questions", 60, api)

        from dev import site_server
        mailbox = moto_url if args.stage == "local" else None
        self.site_server = site_server.make_server("127.0.0.1", args.port, ROOT / "site",
                                                   f"http://127.0.0.1:{api_port}", mailbox,
                                                   quiet=args.quiet)
        threading.Thread(target=self.site_server.serve_forever, name="site", daemon=True).start()

        if not args.no_jobs:
            threading.Thread(target=self.run_jobs, name="jobs", daemon=True).start()
        self.spawn("webhooks", [PYTHON, "-m", "dev.admin", "deliver-webhooks"], to_terminal=False)

        state = {"pid": os.getpid(), "url": site_url, "mailbox": f"{site_url}/dev/mailbox",
                 "api": f"http://127.0.0.1:{api_port}", "moto": moto_url, "stage": args.stage,
                 "captcha": stage_values.get("TRACES_CAPTCHA")}
        (self.var / STATE_FILE).write_text(json.dumps(state, indent=2), "utf-8")
        self.banner(state, demo)
        return state

    def banner(self, state: dict, demo: str) -> None:
        lines = ["", "traces is running.",
                 f"  site      {state['url']}/",
                 f"  mailbox   {state['mailbox']}" if self.args.stage == "local" else "",
                 f"  API       {state['url']}/api/ (proxied to {state['api']})",
                 f"  data      {self.var} (make reset deletes it)",
                 "", demo.rstrip(), *self.second_factor_lines(state),
                 "", f"Customs (SPEC 3.3): douane@demo.example.org, at {state['url']}/fr/customs/index.html,",
                 "checks a COI by number and writes it off (docs/customs.md).",
                 "", "Press Ctrl-C to stop.", ""]
        print("\n".join(line for line in lines if line is not None), flush=True)

    def second_factor_lines(self, state: dict) -> list[str]:
        """SPEC 1.9 on the local system: how to get the second factor's code, and where passkeys
        work (a browser refuses an IP address as their site)."""
        from chalicelib.config import load
        from chalicelib.domain.second_factor import relying_party

        required = load(self.env).second_factor_required
        if not required:
            return ["", "Second factor: not required (TRACES_SECOND_FACTOR_REQUIRED=none)."]
        return ["", f"Second factor required of: {', '.join(sorted(required))}. The demo people who need one",
                "have an authenticator app; its current code: .venv/bin/python -m dev.admin totp EMAIL",
                f"Passkeys work at {relying_party(state['url'])[1]}/ (a browser refuses them on an IP address)."]

    # -- the scheduled jobs, on the schedule app.py declares
    def run_jobs(self) -> None:
        now = datetime.now(timezone.utc)
        due = {name: following(now) for name, following in JOBS.items()}
        while not self.stopping.is_set():
            name = min(due, key=due.get)
            wait = (due[name] - datetime.now(timezone.utc)).total_seconds()
            if wait > 0 and self.stopping.wait(min(wait, 60)):
                return
            if datetime.now(timezone.utc) < due[name]:
                continue
            try:
                log(f"job {name}: {self.admin('job', name).strip()}")
            except (SystemExit, subprocess.SubprocessError) as error:
                log(f"job {name} failed: {error}")
            due[name] = JOBS[name](datetime.now(timezone.utc))


def next_daily(now: datetime, hour: int, minute: int) -> datetime:
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


# job -> when it next runs after `now` (app.py's schedules)
JOBS = {"authority_digest": lambda now: now + timedelta(hours=1),
        "lock_inactive": lambda now: next_daily(now, 2, 15),
        "deliver_outbox": lambda now: now + timedelta(minutes=1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="the one origin (site, /api, mailbox)")
    parser.add_argument("--moto-port", type=int, default=5005, help="preferred; another free port if taken")
    parser.add_argument("--api-port", type=int, default=0, help="default: any free port")
    parser.add_argument("--var", type=Path, default=ROOT / "var", help="where the data and logs live")
    parser.add_argument("--stage", default="local")
    parser.add_argument("--no-captcha", action="store_true", help="turn the anti-automation check off")
    parser.add_argument("--no-jobs", action="store_true", help="do not run the scheduled jobs")
    parser.add_argument("--quiet", action="store_true", help="API and site request logs to var/logs")
    args = parser.parse_args(argv)

    args.var.mkdir(parents=True, exist_ok=True)
    running = already_running(args.var)
    if running:
        print(f"traces is already running (pid {running['pid']}) at {running['url']}/ with the data in "
              f"{args.var}. Stop it with Ctrl-C in its terminal first.", file=sys.stderr)
        return NOT_STARTED
    if not port_free(args.port):
        other = args.port + 1 if args.port < 65535 else 8081
        python = os.path.relpath(PYTHON, Path.cwd()) if PYTHON.startswith(str(ROOT)) else PYTHON
        print(f"Port {args.port} is already taken by another program. Stop it, or choose another "
              f"port:\n    make run ARGS=\"--port {other}\"\nor\n    {python} -m dev.run --port {other}",
              file=sys.stderr)
        return NOT_STARTED

    stack = Stack(args)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
        while not stop.wait(1):
            for process in stack.processes:
                if process.poll() is not None:
                    log(f"{' '.join(map(str, process.args[:3]))} stopped (code {process.returncode}); "
                        f"stopping everything. Logs: {stack.logs}")
                    stop.set()
    except SystemExit as error:
        if error.code not in (None, 0):
            print(f"[run] {error.code}", file=sys.stderr)
        stack.stop()
        return 1
    except BaseException:
        stack.stop()  # never leave moto or the API running behind an unexpected error
        raise
    log("stopping")
    stack.stop()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
