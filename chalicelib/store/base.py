"""Writes and reads across tables: one transaction, conditional writes, consistent reads (each
table's stage-dependent names and endpoint are in stage.py)."""
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactGetError, TransactWriteError
from pynamodb.transactions import TransactGet, TransactWrite

from .accounts import Account
from .faults import BackendFault, transient


def connection() -> Connection:
    """The connection transactions go through: the accounts table's own, so that a transaction
    reuses its botocore client instead of opening a new session and client (about 0.1 s of
    endpoint and service-model loading) on every call."""
    return Account._get_connection().connection


class _Writes(TransactWrite):
    """A TransactWrite that remembers the order of its calls. pynamodb sends condition checks,
    then deletes, then puts, then updates, whatever order they were asked in, and DynamoDB's
    cancellation reasons follow the order sent: `cancelled_at` maps them back to the calls."""

    SENT_ORDER = ("condition_check", "delete", "save", "update")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []

    def condition_check(self, *args, **kwargs):
        self.calls.append("condition_check")
        return super().condition_check(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.calls.append("delete")
        return super().delete(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.calls.append("save")
        return super().save(*args, **kwargs)

    def update(self, *args, **kwargs):
        self.calls.append("update")
        return super().update(*args, **kwargs)

    def sent_positions(self) -> list[int]:
        """For each call, in the order of the calls, its position in the request sent."""
        sent = sorted(range(len(self.calls)), key=lambda i: (self.SENT_ORDER.index(self.calls[i]), i))
        positions = [0] * len(self.calls)
        for position, call in enumerate(sent):
            positions[call] = position
        return positions


@contextmanager
def transaction():
    """One TransactWriteItems call: every write in it happens, or none does. A transaction that
    a backend fault cancelled (no condition refused) raises BackendFault, not TransactWriteError:
    it is no conflict."""
    writes = _Writes(connection=connection())
    try:
        with writes:
            yield writes
    except TransactWriteError as error:
        if transient(error):
            raise BackendFault("transaction cancelled by a backend fault") from error
        error.sent_positions = writes.sent_positions()
        raise


@contextmanager
def read_together():
    """One TransactGetItems call across tables, strongly consistent (BackendFault when a backend
    fault stopped it)."""
    try:
        with TransactGet(connection=connection()) as reads:
            yield reads
    except TransactGetError as error:
        if transient(error):
            raise BackendFault("read cancelled by a backend fault") from error
        raise


def cancelled_at(error: TransactWriteError) -> set[int]:
    """Indexes of the writes whose condition failed in a cancelled transaction, counted in the
    order the writes were asked for in `transaction()` (0 is the first call)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    failed = {i for i, reason in enumerate(reasons)
              if reason is not None and reason.code == "ConditionalCheckFailed"}
    positions = getattr(error, "sent_positions", None)
    if positions is None:
        return failed
    return {call for call, sent in enumerate(positions) if sent in failed}
