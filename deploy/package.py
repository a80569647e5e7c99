"""`make package`: builds the Lambda package for Lambda's platform and checks the package an
operator would deploy.

    python -m deploy.package STAGE            # build/STAGE: sam.json, deployment.zip

The platform is chosen, not inherited from this machine: RUNTIME on ARCHITECTURE (deploy/template.py).
The dependencies of requirements.txt are installed for it from wheels only (pip --platform
--only-binary: nothing is compiled here, so nothing links to this machine's libraries); their
resolved versions are the lock (build/STAGE/lock.txt). The same lock is installed a second time
for this machine's architecture: that twin (deployment-x86_64.zip) is the one that runs here.

Slimming: botocore and boto3 carry the API descriptions of some 400 AWS services (19 MB); the
code calls two (SERVICES), so only theirs are kept. fontTools' optional compiled speed-ups and
their C sources are dropped (the PDF is byte-identical without them). The modules a cold start
imports are added compiled by the runtime's Python (.pyc that Python uses without checking the
source's time): the Lambda's code folder is read-only, so without them every cold start compiles
them again.

Checks (`problems`), any failure exits non-zero: every wheel in the zip is pure Python or built
for the runtime's Python, architecture and glibc, and every shared library is for its
architecture; the zip is at most MAX_ZIP (18 MB: 9.8 before cryptography, which passkeys and
the seal need, and pyHanko) and MAX_UNZIPPED; unpacked on its own (nothing but
the standard library besides it) the twin imports app.py under the runtime's Python, answers a
request that carries the origin secret and refuses one that does not, creates a client of each
service, draws a captcha, renders a COI's PDF and hashes and verifies a password; the template
passes the deployment checks of deploy/template.py and cfn-lint finds no error and no warning.
"""
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from deploy import template
from deploy.template import ARCHITECTURE, RUNTIME

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("dynamodb", "ses", "kms", "ssm")  # pynamodb, chalicelib/mail/mailer.py, chalicelib/keys, documents/seal.py
MAX_ZIP = 18 * 1000 * 1000           # measured 17.4 MB: cryptography 4.8 (passkeys, seal), Pillow 4.0
MAX_UNZIPPED = 60 * 1024 * 1024
_DATA = ("botocore/data/", "boto3/data/")
PYTHON = RUNTIME.removeprefix("python")          # "3.13"
GLIBC = (2, 34)                                  # Amazon Linux 2023, the runtime's system
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
ELF_MACHINES = {"aarch64": 0xB7, "x86_64": 0x3E}
HERE = platform.machine()                        # what can run here: the twin's architecture


def sizes(zip_path: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes."""
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(item.file_size for item in archive.infolist())


def _unused(name: str) -> bool:
    """A file that no code of the package uses: another service's description, the compiled
    speed-ups of SPEED_UPS (each runs its Python source without them) and their C sources,
    Pillow's UNUSED parts, the installers' file lists."""
    for data in _DATA:
        if name.startswith(data):
            rest = name[len(data):]
            return "/" in rest and rest.split("/", 1)[0] not in SERVICES
    if name.startswith(SPEED_UPS) and (name.endswith((".c", ".pyx", ".pxd", ".h")) or ".cpython-" in name):
        return True
    return name.startswith(UNUSED) or name.endswith(".dist-info/RECORD") or "__pycache__/" in name


# Packages whose compiled modules are optional speed-ups: fontTools (the PDF is byte-identical
# without them), and aiohttp with what it loads, which pyHanko imports but the seal calls only for
# a timestamp authority's one small request.
SPEED_UPS = ("fontTools/", "aiohttp/", "multidict/", "frozenlist/", "propcache/", "yarl/")
# Pillow's optional formats and modules (AVIF, WebP, colour management, Tk, ImageMath and
# ImageMorph) and the libraries only they load: the captcha writes a PNG with a TrueType font.
# lxml, which pyHanko imports only for XMP metadata and XML (the seal and its check use neither);
# fontTools' font-authoring tools that neither fpdf2 nor what it imports use; dnspython, which
# email-validator imports only to check deliverability (chalicelib/domain/normalise.py does not);
# dateutil's copy of the time zones, which only its gettz reads (botocore uses tzutc and tzlocal).
UNUSED = ("lxml/", "fontTools/voltLib/", "fontTools/mtiLib/", "fontTools/merge/", "fontTools/diff/", "dns/",
          "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz",
          "PIL/_avif.", "PIL/_webp.", "PIL/_imagingcms.", "PIL/_imagingtk.", "PIL/_imagingmath.",
          "PIL/_imagingmorph.", "pillow.libs/libavif-", "pillow.libs/libwebp", "pillow.libs/libsharpyuv-",
          "pillow.libs/liblcms2-")


def target_python() -> str:
    """This machine's interpreter of the runtime's Python version: on PATH, pyenv's, else uv's
    (installed by uv, from requirements-dev.txt, the first time: a fresh CI machine)."""
    candidates = [shutil.which(f"python{PYTHON}"),
                  *map(str, sorted(Path.home().glob(f".pyenv/versions/{PYTHON}.*/bin/python{PYTHON}")))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:  # not a pyenv shim
            return candidate
    uv = Path(sys.executable).with_name("uv")
    if uv.exists() and subprocess.run([str(uv), "python", "install", PYTHON], capture_output=True).returncode == 0:
        found = subprocess.run([str(uv), "python", "find", PYTHON], capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.strip()
    raise RuntimeError(f"building the package needs Python {PYTHON} (Lambda's {RUNTIME}) on this "
                       f"machine, to compile and try it: pyenv install {PYTHON}, or uv python install {PYTHON}")


def _pip(target: Path, machine: str, *requirements: str) -> None:
    """Installs wheels for RUNTIME on `machine` (pip does not widen a manylinux tag to older glibcs)."""
    platforms = [option for minor in range(GLIBC[1], 16, -1)
                 for option in ("--platform", f"manylinux_{GLIBC[0]}_{minor}_{machine}")]
    platforms += ["--platform", f"manylinux2014_{machine}"]
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-compile",
                           "--target", str(target), "--implementation", "cp", "--python-version", PYTHON,
                           "--only-binary=:all:", *platforms, *requirements], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install the dependencies for {machine}: {done.stderr[-2000:]}")


def _lock(deps: Path) -> str:
    """name==version of every distribution installed in `deps`."""
    found = []
    for info in sorted(deps.glob("*.dist-info")):
        fields = dict(line.split(": ", 1) for line in (info / "METADATA").read_text("utf-8").splitlines()
                      if line.startswith(("Name: ", "Version: ")))
        found.append(f"{fields['Name']}=={fields['Version']}")
    return "\n".join(found) + "\n"


def _app_files() -> list[tuple[Path, str]]:
    """(file, path in the zip) of the code: app.py, chalicelib with the e-mail templates, and
    chalice's runtime (what `chalice package` itself adds)."""
    import chalice
    import chalice.app

    found = [(Path(chalice.app.__file__), "chalice/app.py"), (Path(chalice.__file__), "chalice/__init__.py"),
             (ROOT / "app.py", "app.py")]
    for folder, prefix in ((ROOT / "chalicelib", "chalicelib"), (ROOT / "templates" / "mail",
                                                                  "chalicelib/mail/templates")):
        found += [(f, f"{prefix}/{f.relative_to(folder).as_posix()}") for f in sorted(folder.rglob("*"))
                  if f.is_file() and "__pycache__" not in f.parts]
    return found


def _assemble(deps: Path, task: Path) -> None:
    """The package's files in `task`: the dependencies of `deps` but the unused ones, the code."""
    for path in sorted(deps.rglob("*")):
        name = path.relative_to(deps).as_posix()
        if path.is_file() and not _unused(name) and not name.startswith(("bin/", "chalice/")):
            (task / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, task / name)
    for source, name in _app_files():
        (task / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, task / name)


def _zip(task: Path, zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(task.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(task).as_posix())


def twin(build: Path) -> Path:
    """The package of the same lock for this machine's architecture: what runs here."""
    return build / f"deployment-{HERE}.zip"


def build_zips(build: Path) -> None:
    """build/deployment.zip for RUNTIME on ARCHITECTURE, its twin for this machine, lock.txt."""
    build.mkdir(parents=True, exist_ok=True)
    python = target_python()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        machine = MACHINES[ARCHITECTURE]
        _pip(work / "deps-target", machine, "-r", str(ROOT / "requirements.txt"))
        (build / "lock.txt").write_text(_lock(work / "deps-target"))
        trees = {build / "deployment.zip": work / "deps-target"}
        if HERE != machine:
            _pip(work / "deps-here", HERE, "--no-deps", "-r", str(build / "lock.txt"))
            trees[twin(build)] = work / "deps-here"
        tasks = {}
        for zip_path, deps in trees.items():
            tasks[zip_path] = work / zip_path.stem
            _assemble(deps, tasks[zip_path])
        runnable = tasks.get(twin(build), tasks[build / "deployment.zip"])
        modules = [m.relative_to(runnable).as_posix() for m in _cold_start_modules(runnable, python)]
        for zip_path, task in tasks.items():
            _compile(python, task, modules)
            _zip(task, zip_path)
        if twin(build) not in tasks:
            shutil.copy2(build / "deployment.zip", twin(build))


def _compile(python: str, task: Path, modules: list[str]) -> None:
    done = subprocess.run([python, "-I", "-c", COMPILE, str(task), json.dumps(modules)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the modules do not compile: {done.stderr[-2000:]}")


COMPILE = r"""
import importlib.util, json, py_compile, sys
for module in json.loads(sys.argv[2]):
    path = sys.argv[1] + "/" + module
    py_compile.compile(path, cfile=importlib.util.cache_from_source(path), doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


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


def _cold_start_modules(task: Path, python: str) -> list[Path]:
    """The package's modules that a cold start imports: those worth shipping compiled. The rest
    (what a PDF or a captcha needs, say) compiles on first use in a container, which keeps the
    package small."""
    done = subprocess.run([python, "-B", "-I", "-S", "-c", IMPORTED, str(task), json.dumps(SERVICES)],
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


def _environment(environment: dict) -> dict:
    return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1", **environment}


def run_requests(task: Path, environment: dict, requests: list[dict], memory_mb: int = 0,
                 alone: bool = True) -> dict:
    """{"import" (s), "responses": [{"status", "seconds", "cpu"}], "peak" (bytes)} of one cold
    start of the code in `task` (alone: the package under the runtime's Python with nothing but
    its standard library besides it; else the source tree under this virtualenv's)."""
    python, flags = (target_python(), ["-B", "-I", "-S"]) if alone else (sys.executable, ["-B", "-I"])
    done = subprocess.run([python, *flags, "-c", REQUESTS, str(task), json.dumps(requests),
                           str(memory_mb), json.dumps(SERVICES)], capture_output=True, text=True,
                          env=_environment(environment), timeout=300, cwd=task)   # -B: /var/task is read-only
    if done.returncode != 0:
        raise RuntimeError(f"the package does not start: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# What would fail on Lambda if a native library were missing or built for another system, or a
# module dropped from the package were needed: the captcha (Pillow and FreeType), the COI's PDF
# (fpdf2, fontTools, Pillow, segno), its seal and the seal's verification (pyHanko, cryptography;
# KMS and the configured chain played by a key made here) and the password hash (argon2-cffi's
# bindings). Prints what each produced.
EXERCISE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
sample = json.loads(sys.stdin.read())
from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from chalicelib.documents import coi_pdf
from chalicelib.services import credentials
image = ImageCaptcha(width=240, height=80).generate("123456").getvalue()
audio = bytes(AudioCaptcha().generate("123456"))
pdf = coi_pdf.render(sample["coi"], sample["names"], "fr", sample["url"])
stored = credentials.hash_password("Correct horse 42")
import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from chalicelib.documents import seal
key, now = ec.generate_private_key(ec.SECP256R1()), datetime.datetime.now(datetime.timezone.utc)
name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "package check")])
certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .sign(key, hashes.SHA256()))
seal.chain_pem = lambda: certificate.public_bytes(serialization.Encoding.PEM).decode()
seal.kms_sign = lambda key_id, message: key.sign(message, ec.ECDSA(hashes.SHA256()))
checked = seal.verify(seal.seal(pdf, "COI.EU.FR.2026.0000001", "issued", 3))
print(json.dumps({"captcha image": image[:8] == b"\x89PNG\r\n\x1a\n", "captcha audio": audio[:4] == b"RIFF",
                  "PDF": pdf[:5] == b"%PDF-" and len(pdf) > 10000,
                  "seal": (checked.seal, checked.version, seal.verify(pdf).seal) == ("valid", 3, "absent"),
                  "password hash": stored.startswith("$argon2id$")
                                   and credentials.verify_password(stored, "Correct horse 42")
                                   and not credentials.verify_password(stored, "Correct horse 43")}))
"""


def exercise(task: Path, environment: dict) -> dict:
    """{what: it worked} for EXERCISE run by the runtime's Python in the package alone."""
    from tests import coi_sample

    sample = {"coi": coi_sample.coi(), "names": coi_sample.names(), "url": coi_sample.VERIFY_URL}
    done = subprocess.run([target_python(), "-B", "-I", "-S", "-c", EXERCISE, str(task)], input=json.dumps(sample),
                          capture_output=True, text=True, env=_environment(environment), timeout=300, cwd=task)
    if done.returncode != 0:
        return {f"captcha, PDF, seal and password hash ({done.stderr.strip()[-1500:]})": False}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _glibc(platform_tag: str, machine: str) -> tuple[int, int] | None:
    """The glibc a manylinux platform tag needs on `machine`, None for another platform."""
    legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
    found = re.fullmatch(rf"(manylinux1|manylinux2010|manylinux2014|manylinux_(\d+)_(\d+))_{machine}",
                         platform_tag)
    if not found:
        return None
    return legacy.get(found[1]) or (int(found[2]), int(found[3]))


def loads_on_runtime(tag: str, machine: str) -> bool:
    """A wheel tag ("cp313-cp313-manylinux_2_17_aarch64") that RUNTIME on `machine` loads."""
    interpreter, abi, platform_tag = tag.split("-")
    version = int(PYTHON.replace(".", ""))
    if platform_tag == "any":
        return abi == "none" and interpreter.startswith(("py3", "py2.py3"))
    glibc = _glibc(platform_tag, machine)
    if glibc is None or glibc > GLIBC:
        return False
    return (interpreter == abi == f"cp{version}"
            or abi == "abi3" and re.fullmatch(r"cp3\d+", interpreter) and int(interpreter[2:]) <= version)


def wheel_problems(zip_path: Path, machine: str) -> list[str]:
    """Each distribution in the zip whose wheel RUNTIME on `machine` would not load, and each
    shared library built for another architecture."""
    problems = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if name.endswith(".dist-info/WHEEL"):
                tags = [line.split(": ", 1)[1].strip() for line in archive.read(name).decode().splitlines()
                        if line.startswith("Tag: ")]
                if not any(loads_on_runtime(tag, machine) for tag in tags):
                    problems.append(f"{name.split('/')[0]} is built for {', '.join(tags)}, "
                                    f"not for {RUNTIME} on {machine} (glibc {GLIBC[0]}.{GLIBC[1]})")
            with archive.open(name) as opened:
                header = opened.read(20)
            if header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") != ELF_MACHINES[machine]:
                problems.append(f"{name} is a shared library for another architecture than {machine}")
    return problems


def sam_template(stage: str, out: Path, zip_path: Path | None = None) -> Path:
    """out/STAGE/sam.json through chalice's own packager, with `zip_path` as its deployment.zip
    (chalice's packager would build the dependencies for this machine); without one, an empty
    zip: the template in seconds (what the unit tests read and lint)."""
    from unittest import mock

    from chalice.cli.factory import CLIFactory
    from chalice.deploy.packager import LambdaDeploymentPackager

    template.write_policies(stage)
    merge = out / "resources.json"
    out.mkdir(parents=True, exist_ok=True)
    merge.write_text(json.dumps(template.resources(stage)))
    if zip_path is None:
        zip_path = out / "empty.zip"
        zipfile.ZipFile(zip_path, "w").close()
    factory = CLIFactory(project_dir=str(ROOT))
    config = factory.create_config_obj(stage)
    packager = factory.create_app_packager(config, factory.create_package_options(), "cloudformation",
                                           "json", str(merge))
    with mock.patch.object(LambdaDeploymentPackager, "create_deployment_package",
                           lambda self, project_dir, python_version: str(zip_path)):
        packager.package_app(config, str(out / stage), stage)
    return out / stage / "sam.json"


def build(stage: str, out: Path) -> Path:
    """out/STAGE: sam.json and deployment.zip as deployed, the twin that runs here, lock.txt."""
    zips = out / f"{stage}-zips"
    build_zips(zips)
    folder = sam_template(stage, out, zips / "deployment.zip").parent
    for name in ("lock.txt", twin(zips).name):
        shutil.copy2(zips / name, folder / name)
    shutil.rmtree(zips)
    return folder


def stage_of(build: Path) -> dict:
    return template.stage_environment(build.name)


def lint(template_path: Path) -> str:
    """cfn-lint's findings (errors and warnings), empty when there are none."""
    command = Path(sys.executable).with_name("cfn-lint")
    done = subprocess.run([str(command), "--format", "parseable", str(template_path)],
                          capture_output=True, text=True)
    return (done.stdout + done.stderr).strip() if done.returncode else ""


def problems(build: Path) -> list[str]:
    zip_path, found = build / "deployment.zip", []
    zipped, unzipped = sizes(zip_path)
    print(f"deployment.zip for {RUNTIME} on {ARCHITECTURE}: {zipped / 1e6:.1f} MB, "
          f"{unzipped / 1e6:.1f} MB unpacked")
    if zipped > MAX_ZIP or unzipped > MAX_UNZIPPED:
        found.append(f"the zip is over budget ({MAX_ZIP / 1e6:.0f} MB zipped, "
                     f"{MAX_UNZIPPED / 2**20:.0f} MiB unpacked)")
    found += wheel_problems(zip_path, MACHINES[ARCHITECTURE])
    environment = {**stage_of(build), "TRACES_ORIGIN_SECRET": "x" * 32}
    with unpacked(twin(build)) as task:
        try:
            started = run_requests(task, environment, [
                request("GET", "/api/reference/countries", headers={"x-origin-verify": "x" * 32}),
                request("GET", "/api/reference/countries")])
            statuses = [r["status"] for r in started["responses"]]
            print(f"{twin(build).name} starts alone under Python {PYTHON}: "
                  f"import {started['import'] * 1000:.0f} ms, answers {statuses}")
            if statuses != [200, 403]:
                found.append(f"the package answered {statuses}, not 200 with the origin secret "
                             "and 403 without")
        except RuntimeError as error:
            found.append(str(error))
        worked = exercise(task, environment)
        print("in the package: " + ", ".join(f"{what} {'works' if ok else 'FAILS'}" for what, ok in worked.items()))
        found += [f"{what} fails in the package" for what, ok in worked.items() if not ok]
    found += template.deployment_problems(json.loads((build / "sam.json").read_text()))
    findings = lint(build / "sam.json")
    print("cfn-lint: " + (findings or "no error, no warning"))
    if findings:
        found.append("cfn-lint reports findings")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = build(argv[0], ROOT / "build")
    found = problems(folder)
    for problem in found:
        print("PROBLEM: " + problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
