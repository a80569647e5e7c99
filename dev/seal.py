"""The seal's key and certificates (SPEC 3.2), for `python -m dev.admin`:

- `init` (local and test stages): the KMS key of the seal (ECC_NIST_P256, SIGN_VERIFY, under the
  alias settings.seal_key) when missing, and a "traces local seal" CA that certifies it; the
  chain goes to the SSM parameter settings.seal_chain_parameter.
- `seal-csr`: a PKCS#10 request for the deployed KMS key, signed by KMS (proof of possession),
  to be certified by a qualified trust service provider.
- `seal-certificate FILE`: installs the provider's chain (PEM, seal certificate first, root
  last) after checking that it certifies the KMS key and is a chain.
The CA's private key of `init` lives only in this process: the local chain is made again from
scratch when the key is new, and kept otherwise."""
from datetime import datetime, timedelta

from chalicelib.config import settings
from chalicelib.documents import seal

LOCAL_ROOT = "traces local seal CA"
LOCAL_SEAL = "traces local seal"
ORGANISATION = "TRACES"


def _kms():
    import boto3

    return boto3.client("kms", region_name=settings.region)


def ensure_key() -> tuple[str, bool]:
    """The seal's KMS key id, and whether it was made now."""
    kms = _kms()
    try:
        return kms.describe_key(KeyId=settings.seal_key)["KeyMetadata"]["KeyId"], False
    except kms.exceptions.NotFoundException:
        pass
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                         Description="traces: the electronic seal of the COI's PDF")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=settings.seal_key, TargetKeyId=key)
    return key, True


def public_key():
    """The KMS key's public key (cryptography)."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    return load_der_public_key(_kms().get_public_key(KeyId=settings.seal_key)["PublicKey"])


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION)])


def local_chain(now: datetime) -> str:
    """A new local CA and its certificate of the KMS key, PEM (seal certificate, then root)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key = ec.generate_private_key(ec.SECP256R1())
    root_name, start = _name(LOCAL_ROOT), now - timedelta(days=1)
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    sealed = public_key()
    certificate = (x509.CertificateBuilder().subject_name(_name(LOCAL_SEAL)).issuer_name(root_name)
                   .public_key(sealed).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(now + timedelta(days=1825))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                  critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                  critical=False)
                   .sign(ca_key, hashes.SHA256()))
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in (certificate, root))


def store_chain(pem: str) -> None:
    import boto3

    boto3.client("ssm", region_name=settings.region).put_parameter(
        Name=settings.seal_chain_parameter, Value=pem, Type="String", Overwrite=True,
        Tier="Advanced" if len(pem) > 4096 else "Standard")


def init(now: datetime) -> str:
    """`dev.admin init`: the key, and the local chain when the key is new or has none."""
    _, made = ensure_key()
    if not made:
        try:
            seal.chain_pem()
            return "seal: key and certificate kept"
        except seal.NotConfigured:
            pass
    store_chain(local_chain(now))
    return f"seal: key {settings.seal_key} certified by the local CA {LOCAL_ROOT!r}"


def csr(organisation: str, common_name: str, country: str) -> str:
    """A PKCS#10 request (PEM) for the KMS key, signed in KMS."""
    from asn1crypto import csr as requests
    from asn1crypto import keys, pem, x509

    subject = x509.Name.build({"country_name": country, "organization_name": organisation,
                               "common_name": common_name})
    key = keys.PublicKeyInfo.load(_kms().get_public_key(KeyId=settings.seal_key)["PublicKey"])
    info = requests.CertificationRequestInfo({"version": "v1", "subject": subject,
                                              "subject_pk_info": key, "attributes": []})
    signature = seal.kms_sign(settings.seal_key, info.dump())
    request = requests.CertificationRequest({
        "certification_request_info": info,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"}, "signature": signature})
    return pem.armor("CERTIFICATE REQUEST", request.dump()).decode()


def install(pem_text: str) -> str:
    """Checks a provider's chain against the KMS key and installs it."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    chain = x509.load_pem_x509_certificates(pem_text.encode())
    der = PublicFormat.SubjectPublicKeyInfo
    if chain[0].public_key().public_bytes(Encoding.DER, der) != public_key().public_bytes(Encoding.DER, der):
        raise ValueError("the first certificate is not the seal key's: put the seal certificate first")
    for n, (child, parent) in enumerate(zip(chain, chain[1:]), start=1):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature):
            raise ValueError(f"certificate {n} is not issued by certificate {n + 1}: give the chain "
                             "in order, seal certificate first, root last") from None
    if chain[-1].issuer != chain[-1].subject:
        raise ValueError("the last certificate is not a root: give the whole chain, root included")
    store_chain(pem_text)
    return f"seal certificate installed: {chain[0].subject.rfc4514_string()}, {len(chain)} certificates"
