"""Fixtures and helpers of the API tests (the shared ones live in tests/conftest.py).

Every journey follows the real path: register, read the e-mail SES received, use its token, let
the authority activate, log in. The store is read directly only to check what the API may not
show (counters, hashes, the audit trail)."""
import threading
from datetime import datetime, timezone

import pytest

from tests.conftest import PASSWORD, activate, register_and_confirm

# A Monday morning: tests that control the clock start here.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NEW_PASSWORD = "Vercors-Plateau-2027?"
OTHER_PASSWORD = "Chartreuse-Massif-2028+"
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


_LOCAL = threading.local()


def _botocore_session():
    """One botocore session per thread (as pynamodb keeps one per connection and thread), made
    after moto is imported so that moto's stub sees its clients. A new session re-reads
    botocore's endpoint and service files: about 0.1 s for each client of each test."""
    import botocore.session
    import moto.core.models  # noqa: F401 - registers moto's stub with botocore

    if getattr(_LOCAL, "session", None) is None:
        _LOCAL.session = botocore.session.get_session()
    return _LOCAL.session


_INITIALISED = {}


@pytest.fixture
def aws():
    """The `aws` of tests/conftest.py, with the same result for every API test: a fresh mock_aws
    in the state `dev.admin init` leaves. What differs is the cost (the suite must stay within
    a few minutes): `init` runs for real in the first test, and its DynamoDB tables (and the
    seal's KMS key and SSM certificate chain) are copied
    into each later test's fresh mock (writing 7 tables and the 215 reference organisations through
    moto costs about half a second a test, the copy about 10 ms); the boto3 and pynamodb clients
    come from one botocore session per thread instead of a new session each."""
    import copy

    import boto3
    import pynamodb.connection.base as pynamodb_base
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.kms.models import kms_backends
    from moto.ses.models import ses_backends

    from chalicelib import keys
    from chalicelib.config import settings
    from chalicelib.delivery import queue
    from chalicelib.documents import seal
    from chalicelib.mail import mailer
    from chalicelib.store.tables import MODELS
    from dev import admin
    from dev import seal as seal_admin

    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(pynamodb_base, "get_session", _botocore_session)
        # moto empties boto3's default session for each mock (and restores it afterwards).
        boto3.DEFAULT_SESSION = boto3.Session(botocore_session=_botocore_session())
        for model in MODELS:
            model._connection = None
        mailer.reset_client()
        keys.reset_client()
        queue.reset_client()
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
        kms = kms_backends[DEFAULT_ACCOUNT_ID][settings.region]
        if "tables" in _INITIALISED:
            backend.tables = copy.deepcopy(_INITIALISED["tables"])
            ses_backends[DEFAULT_ACCOUNT_ID][settings.region].verify_email_identity(settings.mail_sender)
            kms.keys = dict(_INITIALISED["keys"])   # the seal's key: never changed by a test
            seal_admin.store_chain(_INITIALISED["chain"])
            keys.ensure_key()
        else:
            assert admin.main(["init"]) == 0
            _INITIALISED["tables"] = copy.deepcopy(backend.tables)
            _INITIALISED["keys"] = dict(kms.keys)
            _INITIALISED["chain"] = seal.chain_pem()
        yield


@pytest.fixture
def atomic_dynamodb(aws):
    """DynamoDB applies each write (and each transaction) atomically; moto's in-memory backend
    does not serialise concurrent threads. This lock gives moto the guarantee the real service
    has, so that concurrency tests exercise the application's conditions, not moto's races."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("put_item", "update_item", "delete_item", "get_item", "query",
                     "transact_write_items", "transact_get_items", "batch_get_item"):
            original = getattr(DynamoDBBackend, name)

            def serialised(self, *args, _original=original, **kwargs):
                with lock:
                    return _original(self, *args, **kwargs)

            patch.setattr(DynamoDBBackend, name, serialised)
        yield


def stored(email_address: str):
    """The account as stored (for what the API does not show)."""
    from chalicelib.domain.normalise import email, email_key
    from chalicelib.store.accounts import find_by_email

    return find_by_email(email_key(email(email_address)))


def audit_actions(ident: str) -> list[str]:
    from chalicelib.store import audit

    return [record.action for record in audit.trail(f"account#{ident}")]


def make_valid(api, mailbox, authority, email_address="marie.dupont@bio-lyon.fr", **overrides) -> str:
    """Registers, confirms and has the authority activate; returns the account id."""
    register_and_confirm(api, mailbox, email_address, **overrides)
    return activate(authority, email_address)


def logged_in(new_api, email_address: str, password: str = PASSWORD, language: str = "fr"):
    person = new_api(language)
    response = person.log_in(email_address, password)
    assert response.status_code == 200, response.json_body
    return person


def error_code(response) -> str:
    return response.json_body["error"]["code"]


def error_fields(response) -> dict:
    return response.json_body["error"].get("fields", {})


def subjects(mailbox, to: str) -> list[str]:
    return [message["Subject"] for message in mailbox.messages(to)]


def session_cookie(api) -> str:
    """The value of the session cookie of a browser (for calling services directly)."""
    return api.cookie.split("=", 1)[1]



def operator_without_administrator(name: str = "Bio Négoce Rhône", postal_code: str = "69007") -> str:
    """A valid operator of the directory that nobody administers yet (as after an import of the
    directory); returns its id."""
    import uuid

    from chalicelib.services.organisations import index_fields
    from chalicelib.store.organisations import Organisation

    organisation = Organisation(uuid.uuid4().hex, kind="operator", status="valid", name=name,
                                country="FR", city="Lyon", postal_code=postal_code,
                                address="3 rue de Gerland", contacts={"phone": "+33 4 78 00 00 00"})
    index_fields(organisation)
    organisation.save()
    return organisation.id


# --- every AWS call of the API and of the jobs is granted by their IAM policy ----------------

_ACTING = threading.local()
_POLICIES = {}
_WRITES = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
           "ConditionCheck": "ConditionCheckItem"}


def _resources(operation: str, params: dict):
    """(IAM action, table, index) of each item of one DynamoDB call."""
    if operation == "TransactWriteItems":
        for item in params["TransactItems"]:
            (kind, detail), = item.items()
            yield _WRITES[kind], detail["TableName"], None
    elif operation == "TransactGetItems":
        for item in params["TransactItems"]:
            yield "GetItem", item["Get"]["TableName"], None
    elif operation in ("BatchGetItem", "BatchWriteItem"):
        for table_name in params["RequestItems"]:
            yield operation, table_name, None
    else:
        yield operation, params.get("TableName"), params.get("IndexName")


def _refused(function: str, service: str, operation: str, params: dict) -> list[str]:
    """What the function's policy (deploy/template.py, for the test stage) does not grant."""
    from chalicelib.store.tables import MODELS
    from deploy import template

    if function not in _POLICIES:
        _POLICIES[function] = template.policy("test", function)["Statement"]
    statements = _POLICIES[function]
    from chalicelib.config import settings

    if service == "kms" and params.get("KeyId") == settings.seal_key:
        # granted by the seal key's own policy, to the API's role only
        from chalice.utils import to_cfn_resource_name

        role = {"AWS": {"Fn::GetAtt": [to_cfn_resource_name(f"{function}_role"), "Arn"]}}
        key_policy = template.seal("test")["SealKey"]["Properties"]["KeyPolicy"]["Statement"]
        return [] if any(s.get("Principal") == role and f"kms:{operation}" in s["Action"]
                         for s in key_policy) else [f"kms:{operation}"]
    if service == "kms":       # the second factor's key (its ciphertexts name it: no KeyId to decrypt)
        return [] if params.get("KeyId", settings.factor_key) == settings.factor_key and any(
            f"kms:{operation}" in s["Action"] and {"Fn::GetAtt": ["SecondFactorKey", "Arn"]} in s["Resource"]
            for s in statements) else [f"kms:{operation}"]
    if service == "ssm":
        parameter = {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
                                + params.get("Name", "")}
        return [] if any(f"ssm:{operation}" in s["Action"] and parameter in s["Resource"]
                         for s in statements) else [f"ssm:{operation}"]
    if service == "ses":   # from the sender the deployment chooses (the MailSender parameter)
        return [] if any(f"ses:{operation}" in s["Action"] and s["Condition"]["StringEquals"][
            "ses:FromAddress"] == {"Ref": "MailSender"} for s in statements) \
            and params.get("Source") == settings.mail_sender else [f"ses:{operation}"]
    logical = {model.Meta.table_name: f"Table{model.__name__}" for model in MODELS}
    missing = []
    for action, table_name, index in _resources(operation, params):
        resource = ({"Fn::Sub": f"${{{logical[table_name]}.Arn}}/index/{index}"} if index
                    else {"Fn::GetAtt": [logical[table_name], "Arn"]})
        if not any(f"dynamodb:{action}" in s["Action"] and resource in s["Resource"] for s in statements):
            missing.append(f"dynamodb:{action} on {table_name}" + (f" index {index}" if index else ""))
    return missing


@pytest.fixture(autouse=True)
def granted_calls(monkeypatch):
    """Each call the API (a request through the Chalice app) or a scheduled job makes must be
    granted by that function's IAM policy: ACCESS in deploy/template.py, one line per table."""
    from botocore.client import BaseClient
    from chalice import Chalice

    from app import app

    def acting(function, call):
        def wrapper(*args, **kwargs):
            outer = getattr(_ACTING, "function", None)
            _ACTING.function = outer or function
            try:
                return call(*args, **kwargs)
            finally:
                _ACTING.function = outer
        return wrapper

    monkeypatch.setattr(Chalice, "__call__", acting("api_handler", Chalice.__call__))
    for source in app.event_sources:
        module = __import__(f"chalicelib.jobs.{source.name}", fromlist=["run"])
        monkeypatch.setattr(module, "run", acting(source.name, module.run))
    from chalicelib.services import mail_feedback
    monkeypatch.setattr(mail_feedback, "handle", acting("mail_feedback", mail_feedback.handle))
    original = BaseClient._make_api_call
    problems = set()

    def checked(self, operation, params):
        function = getattr(_ACTING, "function", None)
        service = self.meta.service_model.service_name
        if function and service in ("dynamodb", "ses", "kms", "ssm"):
            problems.update(f"{function}: {refused}" for refused in
                            _refused(function, service, operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", checked)
    yield
    # Checked after the test: inside a request, an exception would become a 500 response.
    assert not problems, ("not granted (add it to ACCESS in deploy/template.py): "
                          + "; ".join(sorted(problems)))
