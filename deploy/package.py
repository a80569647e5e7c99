"""After `chalice package` (the last step of `make package`): slims the Lambda zip and checks the
package an operator would deploy.

    python -m deploy.package build/prod

Slimming: botocore and boto3 carry the API descriptions of some 400 AWS services (19 MB); the
code calls two (SERVICES), so only theirs are kept. The modules are added compiled (.pyc that
Python uses without checking the source's time): the Lambda's code folder is read-only, so
without them every cold start compiles every module it imports.

Checks, any failure exits non-zero: the zip is at most 15 MB and 45 MB unpacked; unpacked on its
own (nothing but the standard library besides it) the package imports app.py, answers a first
request and creates a client of each service; cfn-lint finds no error and no warning in
sam.json.
"""
import compileall
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("dynamodb", "ses")     # what pynamodb and chalicelib/mail/mailer.py call
MAX_ZIP = 15 * 1024 * 1024
MAX_UNZIPPED = 45 * 1024 * 1024
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
        compileall.compile_dir(unpacked, quiet=2, optimize=0, workers=1,
                               invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH)
        slimmed = zip_path.with_suffix(".slim")
        with zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(unpacked.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(unpacked).as_posix())
        slimmed.replace(zip_path)


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


# Runs in a fresh interpreter with only the standard library and the package on its path: the
# time to import app.py, then to answer one request, as a Lambda's first invocation does.
FIRST_REQUEST = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
request = json.loads(sys.argv[2])
start = time.perf_counter()
import app
imported = time.perf_counter()
path = request["path"]
event = {"resource": path, "path": path, "httpMethod": request["method"],
         "headers": request["headers"], "multiValueHeaders": {k: [v] for k, v in request["headers"].items()},
         "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
         "stageVariables": None, "body": request.get("body"), "isBase64Encoded": False,
         "requestContext": {"resourcePath": path, "httpMethod": request["method"], "path": "/api" + path,
                            "stage": "api", "identity": {"sourceIp": "192.0.2.1"}}}
response = app.app(event, None)
answered = time.perf_counter()
import boto3
for service in request["services"]:
    boto3.client(service, region_name="eu-west-1")
print(json.dumps({"status": response["statusCode"], "import": imported - start,
                  "request": answered - imported}))
"""


def first_request(task: Path, environment: dict, method: str = "GET",
                  path: str = "/api/reference/countries", body: str | None = None,
                  headers: dict | None = None) -> dict:
    """{"status", "import" (s), "request" (s)} of one cold start of the unpacked package."""
    request = {"method": method, "path": path, "body": body, "services": SERVICES,
               "headers": {"accept-language": "fr", "content-type": "application/json", **(headers or {})}}
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "eu-west-1", **environment}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", FIRST_REQUEST, str(task), json.dumps(request)],
                          capture_output=True, text=True, env=env, timeout=120, cwd=task)
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
            started = first_request(task, {**stage_of(build), "TRACES_ORIGIN_SECRET": "x" * 32},
                                    headers={"x-origin-verify": "x" * 32})
            print(f"cold start: import {started['import'] * 1000:.0f} ms, first request "
                  f"{started['request'] * 1000:.0f} ms")
            if started["status"] != 200:
                problems.append(f"the first request answered {started['status']}")
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
