"""The tables of the stage being run: a model's Meta reads its table name, region and endpoint
(moto_server locally) from the settings of the request or job, each time pynamodb asks."""
import os

from ..config import settings


class _StageMeta(type):
    """The type of the models' Meta: table name, region and endpoint are read from the settings
    of the request or job being run, each time pynamodb asks (it connects again when the table
    name changes)."""

    @property
    def table_name(cls) -> str:
        return settings.table(cls.table)

    @property
    def region(cls) -> str:
        return settings.region

    @property
    def host(cls) -> str | None:
        # AWS_ENDPOINT_URL points boto3 at moto_server locally; pynamodb takes it as `host`.
        return os.environ.get("AWS_ENDPOINT_URL") or None


def meta(name: str):
    """A pynamodb Meta for table `name` of the current stage."""
    return _StageMeta("Meta", (), {"table": name, "billing_mode": "PAY_PER_REQUEST"})
