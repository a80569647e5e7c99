"""After `chalice package` (the last step of `make package`): slims the Lambda zip and checks the
package an operator would deploy.

    python -m deploy.package build/prod

Slimming: botocore and boto3 carry the API descriptions of some 400 AWS services (19 MB); the
code calls two (SERVICES), so only theirs are kept. The modules a cold start imports are added
compiled (.pyc that Python uses without checking the source's time): the Lambda's code folder is
read-only, so without them every cold start compiles them again.

Checks, any failure exits non-zero: the zip is at most 20 MB and 65 MB unpacked (passkeys' WebAuthn
library brings cryptography, whose compiled core alone is about 15 MB unpacked); unpacked on its
own (nothing but the standard library besides it) the package imports app.py, answers a request
that carries the origin secret and refuses one that does not, and creates a client of each
service; cfn-lint finds no error and no warning in sam.json.
"""
import importlib.util
import json
import os
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("dynamodb", "ses", "kms")   # what pynamodb, chalicelib/mail/mailer.py and chalicelib/keys call
MAX_ZIP = 20 * 1024 * 1024
MAX_UNZIPPED = 65 * 1024 * 1024
_DATA = ("botocore/data/", "boto3/data/")


def sizes(zip_path: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes."""
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(item.file_size for item in archive.infolist())


def _unused(name: str) -> bool:
    """A service description that no code of the package uses."""
    for data in _DATA:
        if name.startswith(data):
            rest = name[len(data):]
            return "/" in rest and rest.split("/", 1)[0] not in SERVICES
    return False


def slim(zip_path: Path) -> None:
    """Rewrites the zip without unused service descriptions, with compiled modules."""
    with tempfile.TemporaryDirectory() as folder:
        unpacked = Path(folder) / "package"
        with zipfile.ZipFile(zip_path) as archive:
            for item in archive.infolist():
                if not _unused(item.filename) and "__pycache__/" not in item.filename:
                    archive.extract(item, unpacked)
                    mode = item.external_attr >> 16
                    if mode:
                        os.chmod(unpacked / item.filename, mode)
        for module in _cold_start_modules(unpacked):
            py_compile.compile(str(module), cfile=importlib.util.cache_from_source(str(module)),
                               doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        slimmed = zip_path.with_suffix(".slim")
        with zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(unpacked.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(unpacked).as_posix())
        slimmed.replace(zip_path)


# What a cold start imports: app.py, the modules its routes import on first use (the services,
# through chalicelib.api.http.lazy) and the clients of the services (a first request).
IMPORTED = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
import app, boto3
from chalicelib.api.http import lazy
for name in sorted(lazy.declared):
    importlib.import_module(name)
for service in json.loads(sys.argv[2]):
    boto3.client(service, region_name="eu-west-1")
print(json.dumps(sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())})))
"""


def _cold_start_modules(task: Path) -> list[Path]:
    """The package's modules that a cold start imports: those worth shipping compiled. The rest
    (what a PDF or a captcha needs, say) compiles on first use in a container, which keeps the
    package small."""
    done = subprocess.run([sys.executable, "-B", "-I", "-S", "-c", IMPORTED, str(task), json.dumps(SERVICES)],
                          capture_output=True, text=True, cwd=task, timeout=300,
                          env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
    if done.returncode != 0:
        raise RuntimeError(f"the package does not start: {done.stderr.strip()[-2000:]}")
    files = (Path(f) for f in json.loads(done.stdout.strip().splitlines()[-1]) if f.endswith(".py"))
    return [f for f in files if f.is_relative_to(task)]


@contextmanager
def unpacked(zip_path: Path):
    """The package unpacked into a temporary, read-only folder (as /var/task is on Lambda)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "task"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(target)
        for path in [target, *target.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield target
        finally:
            for path in [target, *target.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)


# Runs in a fresh interpreter with only the standard library and the package on its path (as a
# Lambda's first invocation): imports app.py, then answers each request, timing each; optionally
# within an address-space limit (MB). Prints the times, CPU times and the peak memory.
REQUESTS = r"""
import json, resource, sys, time
task, requests, memory = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
if memory:
    resource.setrlimit(resource.RLIMIT_AS, (memory * 2**20, memory * 2**20))
sys.path.insert(0, task)
start = time.perf_counter()
import app
found = {"import": time.perf_counter() - start, "responses": []}
for request in requests:
    path = request["path"]
    event = {"resource": path, "path": path, "httpMethod": request["method"],
             "headers": request["headers"], "multiValueHeaders": {k: [v] for k, v in request["headers"].items()},
             "queryStringParameters": None, "multiValueQueryStringParameters": None,
             "pathParameters": None, "stageVariables": None, "body": request.get("body"),
             "isBase64Encoded": False,
             "requestContext": {"resourcePath": path, "httpMethod": request["method"], "path": "/api" + path,
                                "stage": "api", "identity": {"sourceIp": "192.0.2.1"}}}
    cpu, wall = time.process_time(), time.perf_counter()
    response = app.app(event, None)
    found["responses"].append({"status": response["statusCode"], "seconds": time.perf_counter() - wall,
                               "cpu": time.process_time() - cpu})
import boto3
for service in json.loads(sys.argv[4]):
    boto3.client(service, region_name="eu-west-1")
# VmHWM: this process's own peak. ru_maxrss keeps the parent's across fork and exec, so a large
# benchmark process would be counted as the package's.
with open("/proc/self/status") as status:
    found["peak"] = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
print(json.dumps(found))
"""


def request(method: str, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
    return {"method": method, "path": path, "body": json.dumps(body) if body is not None else None,
            "headers": {"accept-language": "fr", "content-type": "application/json", **(headers or {})}}


def run_requests(task: Path, environment: dict, requests: list[dict], memory_mb: int = 0,
                 alone: bool = True) -> dict:
    """{"import" (s), "responses": [{"status", "seconds", "cpu"}], "peak" (bytes)} of one cold
    start of the code in `task` (alone: nothing but the standard library besides it)."""
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "eu-west-1", **environment}
    flags = ["-B", "-I", "-S"] if alone else ["-B", "-I"]   # -B: /var/task is read-only
    done = subprocess.run([sys.executable, *flags, "-c", REQUESTS, str(task), json.dumps(requests),
                           str(memory_mb), json.dumps(SERVICES)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=task)
    if done.returncode != 0:
        raise RuntimeError(f"the package does not start: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sam_template(stage: str, out: Path) -> Path:
    """out/sam.json as `make package` writes it, through chalice's own packager, but with an
    empty deployment.zip: building the zip's dependencies takes minutes, the template seconds
    (what the unit tests read and lint)."""
    from unittest import mock

    from chalice.cli.factory import CLIFactory
    from chalice.deploy.packager import LambdaDeploymentPackager

    from deploy import template

    template.write_policies(stage)
    merge = out / "resources.json"
    out.mkdir(parents=True, exist_ok=True)
    merge.write_text(json.dumps(template.resources(stage)))
    empty = out / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    factory = CLIFactory(project_dir=str(ROOT))
    config = factory.create_config_obj(stage)
    packager = factory.create_app_packager(config, factory.create_package_options(), "cloudformation",
                                           "json", str(merge))
    with mock.patch.object(LambdaDeploymentPackager, "create_deployment_package",
                           lambda self, project_dir, python_version: str(empty)):
        packager.package_app(config, str(out / stage), stage)
    return out / stage / "sam.json"


def stage_of(build: Path) -> dict:
    from deploy import template

    return template.stage_environment(build.name)


def lint(template_path: Path) -> str:
    """cfn-lint's findings (errors and warnings), empty when there are none."""
    command = Path(sys.executable).with_name("cfn-lint")
    done = subprocess.run([str(command), "--format", "parseable", str(template_path)],
                          capture_output=True, text=True)
    return (done.stdout + done.stderr).strip() if done.returncode else ""


def check(build: Path) -> list[str]:
    zip_path, problems = build / "deployment.zip", []
    zipped, unzipped = sizes(zip_path)
    print(f"deployment.zip: {zipped / 1e6:.1f} MB, {unzipped / 1e6:.1f} MB unpacked")
    if zipped > MAX_ZIP or unzipped > MAX_UNZIPPED:
        problems.append(f"the zip is over budget ({MAX_ZIP / 2**20:.0f} MiB zipped, "
                        f"{MAX_UNZIPPED / 2**20:.0f} MiB unpacked)")
    with unpacked(zip_path) as task:
        try:
            started = run_requests(task, {**stage_of(build), "TRACES_ORIGIN_SECRET": "x" * 32}, [
                request("GET", "/api/reference/countries", headers={"x-origin-verify": "x" * 32}),
                request("GET", "/api/reference/countries")])
            statuses = [r["status"] for r in started["responses"]]
            print(f"starts alone: import {started['import'] * 1000:.0f} ms, answers {statuses}")
            if statuses != [200, 403]:
                problems.append(f"the package answered {statuses}, not 200 with the origin secret "
                                "and 403 without")
        except RuntimeError as error:
            problems.append(str(error))
    findings = lint(build / "sam.json")
    print("cfn-lint: " + (findings or "no error, no warning"))
    if findings:
        problems.append("cfn-lint reports findings")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    build = Path(argv[0])
    before = sizes(build / "deployment.zip")
    slim(build / "deployment.zip")
    print(f"slimmed from {before[0] / 1e6:.1f} MB ({before[1] / 1e6:.1f} MB unpacked)")
    problems = check(build)
    for problem in problems:
        print("PROBLEM: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
