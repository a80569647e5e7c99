"""The electronic seal of the COI's PDF and its verification (SPEC 3.2, issue 19).

- Sealing: a PAdES signature (baseline B-B; B-T when TRACES_SEAL_TSA_URL names a timestamp
  authority) over the whole document, made by pyHanko with a signer whose raw signature is
  AWS KMS `Sign` on an asymmetric ECC_NIST_P256 key: the private key never leaves KMS, and
  moto's KMS plays it locally and in tests, so the code path is the deployed one.
- The certificate chain (seal certificate first, root last, PEM) is the SSM parameter
  `settings.seal_chain_parameter`, written by `python -m dev.admin init` (local CA) or
  `python -m dev.admin seal-certificate FILE` (a qualified trust service provider's chain);
  the signature embeds it whole, root included.
- Verification: the signature of a PDF checked by pyHanko's validator against the configured
  root; `valid` only when the document is intact and sealed with the configured seal
  certificate, nothing else.

pyHanko (and cryptography, asn1crypto) are imported inside the functions: only a request that
seals or verifies a PDF loads them, never the cold start of the API.
"""
import re
from dataclasses import dataclass
from io import BytesIO

from ..config import settings

FIELD = "Seal"
KMS_ALGORITHM = "ECDSA_SHA_256"        # the key: ECC_NIST_P256, SIGN_VERIFY
MAX_RAW = 4096                         # KMS Sign's largest RAW message
SIGNATURE_SIZE = 72                    # the largest DER ECDSA P-256 signature (pyHanko's dry run)
# The seal's reason, as sealed: it names the COI, its status and version (read back on
# verification, only from an intact signature).
REASON = "COI {number}, status {status}, version {version}"
_REASON = re.compile(r"^COI (?P<number>\S+), status (?P<status>\w+), version (?P<version>\d+)$")


class NotPdf(ValueError):
    """The bytes are not a PDF that can be read."""


class NotConfigured(RuntimeError):
    """No seal key or certificate chain in this environment (`python -m dev.admin init`)."""


@dataclass(frozen=True)
class Checked:
    """What a PDF's seal says: "valid" | "invalid" | "absent", and, read from an intact
    signature of the configured seal certificate, the COI and version it names."""

    seal: str
    signed_by: str | None = None
    signed_at: str | None = None
    number: str | None = None
    version: int | None = None
    modified_after_seal: bool = False


def _kms():
    import boto3

    return boto3.client("kms", region_name=settings.region)


def _ssm():
    import boto3

    return boto3.client("ssm", region_name=settings.region)


def chain_pem() -> str:
    """The configured chain, PEM, seal certificate first."""
    ssm = _ssm()
    try:
        return ssm.get_parameter(Name=settings.seal_chain_parameter)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        raise NotConfigured(f"no seal certificate chain at {settings.seal_chain_parameter}") from None


def load_chain(pem: str) -> list:
    """asn1crypto certificates of a PEM bundle, in its order."""
    from asn1crypto import pem as pem_files
    from asn1crypto import x509

    found = [x509.Certificate.load(der) for kind, _, der in pem_files.unarmor(pem.encode(), multiple=True)
             if kind == "CERTIFICATE"]
    if not found:
        raise ValueError("no certificate in the chain")
    return found


def kms_sign(key_id: str, message: bytes) -> bytes:
    """A DER ECDSA signature (SHA-256) of `message`, made in KMS. The message is sent whole
    (RAW, at most 4096 bytes: CMS signed attributes, a certificate request), which KMS hashes:
    moto's KMS does not implement MessageType DIGEST, and a message this small gains nothing."""
    if len(message) > MAX_RAW:
        raise ValueError(f"KMS signs at most {MAX_RAW} bytes")
    return _kms().sign(KeyId=key_id, Message=message, MessageType="RAW",
                       SigningAlgorithm=KMS_ALGORITHM)["Signature"]


def _signer(chain: list):
    from asn1crypto import algos
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_id = settings.seal_key

    class KmsSigner(signers.Signer):
        """pyHanko's signer whose raw signature is KMS `Sign` (SHA-256 digest, ECDSA)."""

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if dry_run:
                return bytes(SIGNATURE_SIZE)
            return kms_sign(key_id, data)

    return KmsSigner(signing_cert=chain[0], cert_registry=SimpleCertificateStore.from_certs(chain),
                     signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
                     embed_roots=True)


def seal(document: bytes, number: str, status: str, version: int) -> bytes:
    """`document` with the PAdES seal of this system over the whole of it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    chain = load_chain(chain_pem())
    timestamper = None
    if settings.seal_tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.seal_tsa_url)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=REASON.format(number=number, status=status, version=version),
        name=chain[0].subject.native.get("common_name"))
    writer = IncrementalPdfFileWriter(BytesIO(document))
    signer = signers.PdfSigner(metadata, _signer(chain), timestamper=timestamper)
    return _outside_an_event_loop(signer.sign_pdf, writer).getvalue()


def _outside_an_event_loop(function, *args):
    """`function(*args)` for pyHanko's synchronous calls, which run asyncio.run: a thread whose
    event loop is running (a caller built on asyncio, Playwright's in a test) refuses it, so
    there the call runs on a thread of its own."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def verify(document: bytes) -> Checked:
    """The seal of an uploaded PDF; NotPdf when the bytes are not a readable PDF."""
    if not document.lstrip()[:5] == b"%PDF-":
        raise NotPdf("not a PDF")
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(document), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
        raise NotPdf(str(error)) from None
    ours = [s for s in signatures if s.field_name == FIELD] or signatures
    if not ours:
        return Checked(seal="absent")
    return _checked(ours[-1])


def _checked(embedded) -> Checked:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    chain = load_chain(chain_pem())
    context = ValidationContext(trust_roots=[chain[-1]], allow_fetching=False)
    try:
        status = _outside_an_event_loop(validate_pdf_signature, embedded, context)
    except (ValueError, KeyError, TypeError):     # pyHanko's SignatureValidationError included
        return Checked(seal="invalid", modified_after_seal=True)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not status.intact or not whole
    ours = status.intact and status.valid and status.trusted and status.signing_cert.dump() == chain[0].dump()
    found = _REASON.match(str(embedded.sig_object.get("/Reason") or "")) if ours else None
    signed_at = status.signer_reported_dt
    return Checked(
        seal="valid" if ours and not modified else "invalid",
        signed_by=status.signing_cert.subject.native.get("common_name") if ours else None,
        signed_at=signed_at.isoformat() if ours and signed_at else None,
        number=found["number"] if found else None,
        version=int(found["version"]) if found else None,
        modified_after_seal=modified)
