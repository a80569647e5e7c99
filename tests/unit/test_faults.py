"""What counts as a backend fault (SPEC 5, store/faults.py): a throttle, an internal error, a
timeout, or a transaction cancelled only for such reasons; never a refused condition."""
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from pynamodb.exceptions import GetError, TransactWriteError, UpdateError, VerboseClientError

from chalicelib.store import faults


def client_error(code: str, reasons=()):
    response = {"Error": {"Code": code, "Message": "x"}}
    if reasons:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "Op")


def pynamodb(kind, code: str, reasons=()):
    from pynamodb.exceptions import CancellationReason

    verbose = VerboseClientError({"Error": {"Code": code, "Message": "x"}}, "Op", {},
                                 cancellation_reasons=[CancellationReason(code=r) if r != "None" else None
                                                       for r in reasons])
    return kind("failed", cause=verbose)


@pytest.mark.parametrize("error", [
    client_error("ProvisionedThroughputExceededException"), client_error("ThrottlingException"),
    client_error("RequestLimitExceeded"), client_error("InternalServerError"),
    pynamodb(GetError, "ThrottlingException"),
    pynamodb(TransactWriteError, "TransactionCanceledException", ["None", "ThrottlingError"]),
    pynamodb(TransactWriteError, "TransactionCanceledException", ["TransactionConflict", "None"]),
    GetError("failed", cause=ReadTimeoutError(endpoint_url="http://x")),
    faults.BackendFault("cancelled"),
])
def test_backend_faults_are_transient(error):
    assert faults.transient(error)


@pytest.mark.parametrize("error", [
    client_error("ConditionalCheckFailedException"), client_error("ValidationException"),
    pynamodb(TransactWriteError, "TransactionCanceledException", ["ConditionalCheckFailed", "None"]),
    pynamodb(TransactWriteError, "TransactionCanceledException",
             ["ThrottlingError", "ConditionalCheckFailed"]),       # one refused condition: a conflict
    ValueError("not a call at all"),
])
def test_answers_about_the_data_are_not(error):
    assert not faults.transient(error)


def test_a_refused_condition_is_swallowed_by_only_condition_and_a_fault_is_not():
    faults.only_condition(pynamodb(UpdateError, "ConditionalCheckFailedException"))
    with pytest.raises(UpdateError):
        faults.only_condition(pynamodb(UpdateError, "ProvisionedThroughputExceededException"))
