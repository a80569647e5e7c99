"""Every table of the product, for creation by `dev.admin init` and by tests."""
from .accounts import Account, EmailClaim
from .audit import AuditRecord
from .cois import Coi, CoiNumber, CoiParty, RateCounter
from .machines import ApiKey, IdempotencyRecord
from .webhooks import Delivery, Webhook
from .authorisations import Authorisation
from .organisations import IdentifierClaim, Organisation
from .outbox import OutboxItem
from .sessions import Session
from .tokens import Token

MODELS = (Account, EmailClaim, Session, Token, Organisation, IdentifierClaim, Authorisation,
          AuditRecord, Coi, CoiParty, CoiNumber, RateCounter, OutboxItem, ApiKey,
          IdempotencyRecord, Webhook, Delivery)


def create_all() -> list[str]:
    """Create the missing tables (with their indexes and TTL), and the indexes a table created by
    an older release lacks. Idempotent. On AWS, CloudFormation does this (deploy/template.py)."""
    created = []
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            created.append(model.Meta.table_name)
        else:
            created += [f"{model.Meta.table_name}.{name}" for name in add_missing_indexes(model)]
    return created


def add_missing_indexes(model) -> list[str]:
    """Creates the model's global secondary indexes that its table does not have (one UpdateTable
    each: DynamoDB adds one index at a time); returns their names."""
    import boto3

    existing = {index["IndexName"] for index in
                model.describe_table().get("GlobalSecondaryIndexes", [])}
    schema = model._get_schema()
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    added = []
    for index in schema["global_secondary_indexes"]:
        if index["index_name"] in existing:
            continue
        keys = sorted(index["key_schema"], key=lambda k: k["KeyType"])   # HASH first
        boto3.client("dynamodb", region_name=model.Meta.region).update_table(
            TableName=model.Meta.table_name,
            AttributeDefinitions=[{"AttributeName": k["AttributeName"],
                                   "AttributeType": types[k["AttributeName"]]} for k in keys],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": index["index_name"], "KeySchema": keys,
                "Projection": index["projection"]}}])
        added.append(index["index_name"])
    return added
