"""The webhook queue: SQS (with a dead-letter queue on AWS, deploy/template.py). On AWS its URL
comes from the stage (TRACES_WEBHOOK_QUEUE_URL); locally and in tests the queue of the stage's
prefix is made on first use (moto's SQS, or the local moto server of `make run`)."""
import json

from ..config import settings

BATCH = 10          # SQS gives at most ten messages a call


def _client():
    import boto3

    return boto3.client("sqs", region_name=settings.region)


def _url(client) -> str:
    if settings.webhook_queue_url:
        return settings.webhook_queue_url
    return client.create_queue(QueueName=f"{settings.table_prefix}webhooks")["QueueUrl"]   # idempotent


def send(message: dict, delay_seconds: int = 0) -> None:
    client = _client()
    client.send_message(QueueUrl=_url(client), MessageBody=json.dumps(message, sort_keys=True),
                        DelaySeconds=delay_seconds)


def receive() -> list[tuple[dict, str]]:
    """Up to ten messages due now: (message, receipt to delete it with)."""
    client = _client()
    found = client.receive_message(QueueUrl=_url(client), MaxNumberOfMessages=BATCH,
                                   WaitTimeSeconds=0, VisibilityTimeout=120).get("Messages", [])
    return [(json.loads(m["Body"]), m["ReceiptHandle"]) for m in found]


def done(receipt: str) -> None:
    client = _client()
    client.delete_message(QueueUrl=_url(client), ReceiptHandle=receipt)
