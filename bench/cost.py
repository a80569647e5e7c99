"""(i) What it costs on AWS, at eu-west-1 list prices: one COI's life cycle (draft to signed,
with its e-mails and its PDF downloaded once) and 1,000 registrations (register and confirm),
measured on the real code path under moto, then a month of 1,000 to 100,000 COIs.

Measured per request: DynamoDB read and write units from each call and the sizes of the items it
reads or writes (on demand: a write unit per KB written, twice in a transaction; a read unit per
4 KB read strongly, half eventually consistent), the e-mails sent, the bytes answered, and the
CPU time of the API function, with the deployed password hash profile. Lambda bills GB-seconds:
the CPU time over the vCPU share of the deployed memory (0.58 at 1,024 MB), at that memory; the
CPU time includes moto's emulation of DynamoDB and SES, so it is an upper bound."""
import math
import os
import time
from contextlib import contextmanager

from botocore.client import BaseClient

# eu-west-1 list prices in USD (AWS pricing pages, 2025): on demand, no free tier.
PRICES = {
    "write unit": 0.7068 / 1e6,          # DynamoDB on demand, per write request unit
    "read unit": 0.1413 / 1e6,           # per read request unit
    "GB-second": 0.0000133334,           # Lambda arm64
    "Lambda request": 0.20 / 1e6,
    "API request": 3.50 / 1e6,           # API Gateway REST, first 333 million
    "CloudFront request": 0.012 / 1e4,   # HTTPS, Europe
    "CloudFront GB": 0.085,              # data out, Europe, first 10 TB
    "WAF request": 0.60 / 1e6,
    "e-mail": 0.10 / 1e3,                # SES outbound
    "storage GB-month": 0.283,           # DynamoDB standard table class
}
# Per month whatever the traffic: WAF web ACL ($5) and its two rules ($1 each), the KMS key ($1),
# the CloudWatch alarms ($0.10 each).
FIXED_MONTHLY = 5 + 2 * 1 + 1 + 6 * 0.10


def _value_size(value: dict) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _value_size(v) for k, v in inner.items())
    return 1                              # BOOL, NULL


def item_size(item: dict | None) -> int:
    """DynamoDB's size of a low-level item: attribute names and values."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in (item or {}).items())


def _stored_size(table: str, key: dict) -> int:
    """The size of the item moto holds under `key` (0: none)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")]
    found = backend.get_item(table, key)
    return found.size() if found else 0


def _reads(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1 if consistent else 0.5)


def _writes(size: int) -> int:
    return max(1, math.ceil(size / 1024))


class Meter:
    """What the calls made inside `metering()` cost in units, e-mails and CPU."""

    def __init__(self):
        self.read_units = self.write_units = 0.0
        self.emails = self.requests = 0
        self.cpu = 0.0
        self.bytes_out = 0

    def before(self, operation: str, params: dict) -> dict:
        """Sizes of the items a write may replace, read before it runs."""
        if operation in ("UpdateItem", "DeleteItem", "PutItem"):
            return {0: _stored_size(params["TableName"], params.get("Key") or _key_of(params))}
        if operation == "TransactWriteItems":
            return {n: _stored_size(action["TableName"], action.get("Key") or _key_of(action))
                    for n, item in enumerate(params["TransactItems"]) for action in item.values()}
        return {}

    def record(self, operation: str, params: dict, response: dict, before: dict) -> None:
        consistent = bool(params.get("ConsistentRead"))
        if operation == "GetItem":
            self.read_units += _reads(item_size(response.get("Item")), consistent)
        elif operation == "Query":
            self.read_units += _reads(sum(item_size(i) for i in response.get("Items", [])), consistent)
        elif operation == "BatchGetItem":
            self.read_units += sum(_reads(item_size(i), consistent)
                                   for items in response.get("Responses", {}).values() for i in items)
        elif operation == "TransactGetItems":
            self.read_units += sum(2 * _reads(item_size(r.get("Item")), True) for r in response.get("Responses", []))
        elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
            after = item_size(params["Item"]) if operation == "PutItem" else \
                _stored_size(params["TableName"], params["Key"])
            self.write_units += _writes(max(before.get(0, 0), after))
        elif operation == "TransactWriteItems":
            for n, item in enumerate(params["TransactItems"]):
                (kind, action), = item.items()
                after = item_size(action["Item"]) if kind == "Put" else before.get(n, 0)
                self.write_units += 2 * _writes(max(before.get(n, 0), after))


def _key_of(action: dict) -> dict:
    """The key attributes of a Put's item (by the table's key schema, from moto)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")]
    table = backend.get_table(action["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: action["Item"][name] for name in names}


@contextmanager
def metering(meter: Meter):
    original = BaseClient._make_api_call

    def wrapped(self, operation, params):
        service = self.meta.service_model.service_name
        before = meter.before(operation, params) if service == "dynamodb" else {}
        try:
            response = original(self, operation, params)
        except Exception:
            if service == "dynamodb":      # a refused condition is charged too
                meter.record(operation, params, {}, before)
            raise
        if service == "dynamodb":
            meter.record(operation, params, response, before)
        elif service == "ses" and operation == "SendRawEmail":
            meter.emails += 1
        return response

    BaseClient._make_api_call = wrapped
    try:
        yield meter
    finally:
        BaseClient._make_api_call = original


def timed(meter: Meter, call):
    """One API request: its CPU time and the bytes it answers."""
    started = time.process_time()
    response = call()
    meter.cpu += time.process_time() - started
    meter.requests += 1
    meter.bytes_out += len(response.body or b"")
    return response


def dollars(meter: Meter, memory_mb: int) -> dict:
    share = min(memory_mb / 1769, 1)
    return {
        "DynamoDB": meter.write_units * PRICES["write unit"] + meter.read_units * PRICES["read unit"],
        "Lambda": (meter.cpu / share * memory_mb / 1024 * PRICES["GB-second"]
                   + meter.requests * PRICES["Lambda request"]),
        "API Gateway": meter.requests * PRICES["API request"],
        "CloudFront and WAF": meter.requests * (PRICES["CloudFront request"] + PRICES["WAF request"])
                              + meter.bytes_out / 1e9 * PRICES["CloudFront GB"],
        "SES": meter.emails * PRICES["e-mail"]}


def _measure():
    """(Meter of one COI life cycle, Meter of 1,000 registrations, bytes a COI stores)."""
    from bench.coi import _world
    from tests.conftest import Mailbox, registration

    from unittest import mock

    from chalicelib.services import credentials

    cycle, registrations = Meter(), Meter()
    # the deployed stages' hash profile (the test stage's, which the client sets per request, is
    # argon2's cheapest)
    deployed = credentials._hasher_of(_deployed("TRACES_PASSWORD_HASH_PROFILE"))
    with _world() as world, mock.patch.object(credentials, "_hasher", lambda: deployed):
        people = world.person

        def post(who, coi, action, **fields):
            return people[who].post(f"/api/cois/{coi['id']}/{action}", {"version": coi["version"], **fields})

        with metering(cycle):
            coi = timed(cycle, lambda: people["importer"].post("/api/cois", {"boxes": world.boxes()})).json_body
            coi = timed(cycle, lambda: post("importer", coi, "submit")).json_body
            coi = timed(cycle, lambda: post("issuer", coi, "issue")).json_body
            coi = timed(cycle, lambda: post("authority", coi, "verify", outcome="released")).json_body
            coi = timed(cycle, lambda: post("consignee", coi, "sign")).json_body
            timed(cycle, lambda: people["importer"].get(f"/api/cois/{coi['id']}/pdf",
                                                        headers={"Accept": "application/pdf"}))
        from chalicelib.store.cois import Coi

        stored = _stored_size(Coi.Meta.table_name, {"id": {"S": coi["id"]}})
        mailbox, api = Mailbox(), world.new_api()
        with metering(registrations):
            for n in range(20):
                address = f"person{n}@bio-cost.fr"
                timed(registrations, lambda address=address: api.post("/api/accounts", registration(address)))
                token = mailbox.token(address)
                timed(registrations, lambda token=token: api.post("/api/accounts/confirm", {"token": token}))
    for name in ("read_units", "write_units", "emails", "requests", "cpu", "bytes_out"):
        setattr(registrations, name, getattr(registrations, name) * 1000 / 20)
    return cycle, registrations, stored


def _deployed(name: str) -> str:
    from deploy import template

    return template.stage_environment("prod")[name]


def report() -> bool:
    from deploy import template

    memory = template.chalice_config()["lambda_functions"]["api_handler"]["lambda_memory_size"]
    cycle, registrations, stored = _measure()
    per_coi, per_thousand = dollars(cycle, memory), dollars(registrations, memory)
    print(f"\n(i) AWS cost at eu-west-1 list prices (Lambda arm64 at {memory} MB, DynamoDB on demand)")
    print(f"one COI life cycle: {cycle.requests} requests, {cycle.write_units:.0f} write units, "
          f"{cycle.read_units:.1f} read units, {cycle.emails} e-mails, {cycle.cpu * 1000:.0f} ms of CPU, "
          f"{stored} bytes stored: ${sum(per_coi.values()):.6f}")
    print("   " + ", ".join(f"{k} ${v:.6f}" for k, v in per_coi.items()))
    print(f"1,000 registrations: {registrations.write_units:.0f} write units, {registrations.read_units:.0f} "
          f"read units, {registrations.emails:.0f} e-mails, {registrations.cpu:.1f} s of CPU: "
          f"${sum(per_thousand.values()):.4f}")
    print("   " + ", ".join(f"{k} ${v:.4f}" for k, v in per_thousand.items()))
    print(f"a month ({FIXED_MONTHLY:.2f} $ fixed: web ACL and rules, key, alarms; storage of a year's COIs):")
    for cois in (1_000, 10_000, 100_000):
        storage = cois * 12 * stored / 1e9 * PRICES["storage GB-month"]
        total = FIXED_MONTHLY + cois * sum(per_coi.values()) + storage
        print(f"  {cois:>7,} COIs: ${total:,.2f}  (variable ${cois * sum(per_coi.values()):,.2f}, "
              f"storage ${storage:,.2f})")
    return cycle.requests == 6 and cycle.write_units > 0 and cycle.emails > 0

