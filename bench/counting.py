"""Counts DynamoDB calls and items read by wrapping botocore's one API entry point."""
from collections import Counter
from contextlib import contextmanager

from botocore.client import BaseClient


class DynamoCounter:
    def __init__(self):
        self.calls = Counter()
        self.items_read = 0

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def record(self, operation: str, response: dict) -> None:
        self.calls[operation] += 1
        if operation in ("Query", "Scan"):
            self.items_read += response.get("ScannedCount", response.get("Count", 0))
        elif operation == "GetItem":
            self.items_read += 1 if "Item" in response else 0
        elif operation == "BatchGetItem":
            self.items_read += sum(len(v) for v in response.get("Responses", {}).values())
        elif operation == "TransactGetItems":
            self.items_read += sum(1 for r in response.get("Responses", []) if r.get("Item"))


@contextmanager
def counting():
    """Every DynamoDB call made inside the block, by operation."""
    counter = DynamoCounter()
    original = BaseClient._make_api_call

    def wrapped(self, operation, params):
        dynamodb = self.meta.service_model.service_name == "dynamodb"
        try:
            response = original(self, operation, params)
        except Exception:
            if dynamodb:   # a refused condition is a call too
                counter.record(operation, {})
            raise
        if dynamodb:
            counter.record(operation, response)
        return response

    BaseClient._make_api_call = wrapped
    try:
        yield counter
    finally:
        BaseClient._make_api_call = original
