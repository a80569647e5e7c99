"""`make test` on a fresh clone sets up what it needs (issue 10): the venv, the npm test tools
(again only when the lock file changes), and Chromium; dev/need.sh installs Debian's package as
root, or says in one line how to."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEED = ROOT / "dev" / "need.sh"


def test_make_test_prepares_the_venv_the_npm_tools_and_chromium_first(tmp_path):
    for name in ("Makefile", "package.json", "package-lock.json", "requirements.txt",
                 "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    plan = subprocess.run(["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout
    steps = ["-m venv .venv", "pip install --quiet -r requirements-dev.txt", "npm ci",
             "dev/need.sh chromium", "-m pytest"]
    positions = [plan.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), plan
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / ".installed").touch()
    os.utime(tmp_path / "node_modules" / ".installed", (2e9, 2e9))
    assert "npm ci" not in subprocess.run(["make", "-n", "test"], cwd=tmp_path, capture_output=True,
                                          text=True, check=True).stdout


def test_a_present_tool_is_left_alone():
    done = subprocess.run(["sh", str(NEED), "coreutils", "true"], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.skipif(os.getuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to another user")
def test_someone_who_is_not_root_is_told_in_one_line_how_to_install_it():
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "sh", str(NEED), "chromium", "false"], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "apt-get install -y chromium" in done.stderr
