"""The one place that talks to KMS: the authenticator apps' secrets (SPEC 1.9) are encrypted with
a key held outside the table (settings.factor_key: AWS KMS when deployed, moto's KMS in the local
system and the tests). Each ciphertext is bound to its account (encryption context), so a secret
copied onto another account does not decrypt."""
import base64
from functools import lru_cache

from ..config import settings


@lru_cache(maxsize=2)
def _kms_in(region: str):
    import boto3

    return boto3.client("kms", region_name=region)


def reset_client():
    """Tests start a fresh AWS mock per test; they drop the cached client with this."""
    _kms_in.cache_clear()


def encrypt(secret: str, account_id: str) -> str:
    found = _kms_in(settings.region).encrypt(KeyId=settings.factor_key, Plaintext=secret.encode("utf-8"),
                                             EncryptionContext={"account": account_id})
    return base64.b64encode(found["CiphertextBlob"]).decode("ascii")


def decrypt(ciphertext: str, account_id: str) -> str:
    found = _kms_in(settings.region).decrypt(CiphertextBlob=base64.b64decode(ciphertext),
                                             KeyId=settings.factor_key,
                                             EncryptionContext={"account": account_id})
    return found["Plaintext"].decode("utf-8")


def ensure_key() -> str:
    """The local system's and the tests' key (`dev.admin init`): created with its alias when
    missing. On AWS, CloudFormation declares it (deploy/template.py)."""
    client = _kms_in(settings.region)
    alias = settings.factor_key
    try:
        return client.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
    except client.exceptions.NotFoundException:
        key_id = client.create_key(Description="traces: second-factor secrets")["KeyMetadata"]["KeyId"]
        client.create_alias(AliasName=alias, TargetKeyId=key_id)
        return key_id
