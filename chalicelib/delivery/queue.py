"""The webhook queue: SQS (with a dead-letter queue on AWS, deploy/template.py). On AWS its URL
comes from the stage (TRACES_WEBHOOK_QUEUE_URL); locally and in tests the queue of the stage's
prefix is made on first use (moto's SQS, or the local moto server of `make run`)."""
import json
import os
from functools import lru_cache

from ..config import settings

BATCH = 10          # SQS gives at most ten messages a call


def _queue():
    """(client, queue URL) of the current stage."""
    return _queue_of(settings.region, os.environ.get("AWS_ENDPOINT_URL") or "",
                     settings.webhook_queue_url, settings.table_prefix)


@lru_cache(maxsize=4)
def _queue_of(region: str, endpoint: str, url: str, prefix: str):
    import boto3

    client = boto3.client("sqs", region_name=region)
    return client, url or client.create_queue(QueueName=f"{prefix}webhooks")["QueueUrl"]   # idempotent


def reset_client():
    """Tests start a fresh AWS mock per test; they drop the cached client with this."""
    _queue_of.cache_clear()


def send(message: dict, delay_seconds: int = 0) -> None:
    client, url = _queue()
    client.send_message(QueueUrl=url, MessageBody=json.dumps(message, sort_keys=True),
                        DelaySeconds=delay_seconds)


def receive() -> list[tuple[dict, str]]:
    """Up to ten messages due now: (message, receipt to delete it with)."""
    client, url = _queue()
    found = client.receive_message(QueueUrl=url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=0,
                                   VisibilityTimeout=120).get("Messages", [])
    return [(json.loads(m["Body"]), m["ReceiptHandle"]) for m in found]


def done(receipt: str) -> None:
    client, url = _queue()
    client.delete_message(QueueUrl=url, ReceiptHandle=receipt)
