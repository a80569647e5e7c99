"""The admin command line beside a running local system."""
import os

from dev import admin, run


def test_totp_beside_make_run_reads_the_running_systems_data(monkeypatch):
    """`python -m dev.admin totp EMAIL` typed in another terminal, as the docs show it, has no
    AWS endpoint: it takes that of the system `make run` started."""
    environ = {key: value for key, value in os.environ.items() if key != "AWS_ENDPOINT_URL"}
    monkeypatch.setattr(os, "environ", environ)
    monkeypatch.setattr(run, "already_running", lambda var: {"stage": "local", "moto": "http://127.0.0.1:5123"})
    admin._beside_the_local_system()
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5123"
    assert environ["TRACES_STAGE"] == "local" and environ["AWS_ACCESS_KEY_ID"] == "testing"


def test_an_endpoint_of_its_own_is_kept(monkeypatch):
    environ = {**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    monkeypatch.setattr(os, "environ", environ)
    monkeypatch.setattr(run, "already_running", lambda var: {"stage": "local", "moto": "http://127.0.0.1:5123"})
    admin._beside_the_local_system()
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
