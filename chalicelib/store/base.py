"""What every table shares: region, endpoint (moto_server locally), names from the stage prefix,
and the transaction helpers."""
import os
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactGet, TransactWrite

from ..config import settings


def meta(name: str):
    """A pynamodb Meta for table `name` of this stage."""

    class Meta:
        table_name = settings.table(name)
        region = settings.region
        # AWS_ENDPOINT_URL points boto3 at moto_server locally; pynamodb takes it as `host`.
        host = os.environ.get("AWS_ENDPOINT_URL") or None
        billing_mode = "PAY_PER_REQUEST"

    return Meta


def connection() -> Connection:
    return Connection(region=settings.region, host=os.environ.get("AWS_ENDPOINT_URL") or None)


@contextmanager
def transaction():
    """One TransactWriteItems call: every write in it happens, or none does."""
    with TransactWrite(connection=connection()) as writes:
        yield writes


@contextmanager
def read_together():
    """One TransactGetItems call across tables, strongly consistent."""
    with TransactGet(connection=connection()) as reads:
        yield reads


def cancelled_at(error: TransactWriteError) -> set[int]:
    """Indexes of the writes whose condition failed in a cancelled transaction."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return {i for i, reason in enumerate(reasons)
            if reason is not None and reason.code == "ConditionalCheckFailed"}
