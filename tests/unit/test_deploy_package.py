"""The Lambda package as `make package` builds it (once for this module: it takes a minute):
wheels that load on Lambda's runtime and architecture, a lean zip, and, in its twin built from
the same lock for this machine, the captcha, the PDF and the password hash working under the
runtime's Python with nothing but the package."""
import json
import zipfile

import pytest

from deploy import package, template


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return package.build("prod", tmp_path_factory.mktemp("build"))


def test_the_built_package_has_no_problem(built):
    assert package.problems(built) == []


def test_the_zip_is_lean_and_for_the_chosen_platform(built):
    zipped, _unzipped = package.sizes(built / "deployment.zip")
    assert zipped <= package.MAX_ZIP     # 9.8 MB before cryptography (passkeys), 15.8 MB with it
    with zipfile.ZipFile(built / "deployment.zip") as archive:
        names = archive.namelist()
    assert not [n for n in names if n.startswith("fontTools/") and n.endswith((".so", ".c"))]
    assert any(n.startswith("PIL/_imaging.cpython-313-aarch64") for n in names)
    assert any(n.startswith("chalicelib/mail/templates/") for n in names)
    functions = [r["Properties"] for r in json.loads((built / "sam.json").read_text())["Resources"].values()
                 if r["Type"] == "AWS::Serverless::Function"]
    assert {(f["Runtime"], tuple(f["Architectures"])) for f in functions} == {
        (template.RUNTIME, (template.ARCHITECTURE,))}
    lock = (built / "lock.txt").read_text().split()
    assert any(line.startswith("pillow==") for line in lock)


@pytest.mark.parametrize("tag, loads", [
    ("py3-none-any", True), ("py2.py3-none-any", True),
    ("cp313-cp313-manylinux_2_17_aarch64", True), ("cp313-cp313-manylinux2014_aarch64", True),
    ("cp39-abi3-manylinux_2_26_aarch64", True), ("cp313-cp313-manylinux_2_34_aarch64", True),
    ("cp313-cp313-linux_x86_64", False), ("cp311-cp311-manylinux_2_17_aarch64", False),
    ("cp313-cp313-manylinux_2_17_x86_64", False), ("cp313-cp313-manylinux_2_35_aarch64", False),
    ("cp313-cp313-musllinux_1_2_aarch64", False), ("cp314-abi3-manylinux_2_17_aarch64", False)])
def test_only_wheels_that_load_on_the_runtime_pass(tag, loads):
    assert bool(package.loads_on_runtime(tag, "aarch64")) is loads


def test_a_wheel_built_here_fails_the_check(tmp_path):
    """What `chalice package` produced: Pillow compiled on the build machine."""
    zip_path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("pillow-11.3.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: cp311-cp311-linux_x86_64\n")
        archive.writestr("PIL/_imaging.so", b"\x7fELF\x02\x01\x01" + bytes(11) + (0x3E).to_bytes(2, "little"))
        archive.writestr("six-1.17.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: py2-none-any\nTag: py3-none-any\n")
    assert package.wheel_problems(zip_path, "aarch64") == [
        "pillow-11.3.0.dist-info is built for cp311-cp311-linux_x86_64, not for python3.13 on aarch64 (glibc 2.34)",
        "PIL/_imaging.so is a shared library for another architecture than aarch64"]
