"""Backend faults (SPEC 5): DynamoDB throttling, an internal error or a timeout that outlasted the
SDK's retries. Such a fault is no answer about the data: not a refused condition (409), not a
missing session (401). The API answers it 503 `unavailable` with Retry-After (api/errors.py).

`transient` reads what pynamodb and botocore raise (no import of either: the API's cold start
pays nothing for it); `base.transaction` and `base.read_together` raise `BackendFault` in place
of a TransactWriteError or TransactGetError that is one, so that no `except TransactWriteError`
of a service can take it for a conflict."""

# Error codes of a DynamoDB call that failed for the service's sake, not the request's.
TRANSIENT_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
})
# Cancellation reasons of a transaction that say the same of one of its items.
TRANSIENT_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded",
                               "TransactionConflict", "RequestLimitExceeded", "InternalServerError"})
# botocore's errors of the connection itself (timeouts, refused or reset connections).
TRANSIENT_CONNECTION = frozenset({"ConnectTimeoutError", "ReadTimeoutError", "EndpointConnectionError",
                                  "ConnectionClosedError"})
CONDITION_FAILED = "ConditionalCheckFailed"


class BackendFault(Exception):
    """A DynamoDB call that failed for a transient reason; nothing was written by it."""


def _code(error) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return (response.get("Error") or {}).get("Code")
    return None


def _reasons(error) -> list[str]:
    """The codes of a cancelled transaction's reasons (pynamodb's or botocore's)."""
    reasons = getattr(error, "cancellation_reasons", None)
    if reasons is not None:
        return [reason.code for reason in reasons if reason is not None]
    response = getattr(error, "response", None) or {}
    return [r.get("Code") for r in response.get("CancellationReasons") or () if r.get("Code") != "None"]


def _chain(error):
    """The error and what caused it (pynamodb keeps the botocore error as `cause`)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = getattr(error, "cause", None) or error.__cause__


def transient(error: BaseException) -> bool:
    """Whether `error` is a backend fault: a throttle, an internal error or a timeout, or a
    transaction cancelled only for such reasons (one refused condition makes it a real conflict)."""
    for found in _chain(error):
        if isinstance(found, BackendFault) or type(found).__name__ in TRANSIENT_CONNECTION:
            return True
        reasons = _reasons(found)
        if CONDITION_FAILED in reasons:
            return False
        if _code(found) in TRANSIENT_CODES or TRANSIENT_REASONS.intersection(reasons):
            return True
    return False


def only_condition(error: BaseException) -> None:
    """Re-raises `error`, the failure of a single conditional write, unless its condition refused
    it: a backend fault (or anything else) is not the answer the caller expects."""
    if not any(_code(found) == "ConditionalCheckFailedException" for found in _chain(error)):
        raise error
