"""The seal's key and certificates (dev/seal.py, `dev.admin seal-csr|seal-certificate`) and the
cold start: the API never loads pyHanko before a PDF is sealed or checked."""
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_the_cold_start_does_not_load_the_signing_library():
    """(cryptography is not in the list: botocore loads it through pyOpenSSL, which passkeys bring.)"""
    code = ("import sys, app; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pyhanko', 'pyhanko_certvalidator', 'asn1crypto', 'aiohttp', 'lxml'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_certificate_request_is_signed_by_the_kms_key(aws, capsys):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from dev import admin
    from dev import seal as seal_admin

    assert admin.main(["seal-csr", "--organisation", "Commission européenne", "--country", "be"]) == 0
    request = x509.load_pem_x509_csr(capsys.readouterr().out.encode())
    assert request.is_signature_valid
    spki = PublicFormat.SubjectPublicKeyInfo
    assert request.public_key().public_bytes(Encoding.DER, spki) == seal_admin.public_key().public_bytes(
        Encoding.DER, spki)
    assert request.subject.rfc4514_string() == "CN=TRACES electronic seal,O=Commission européenne,C=BE"


def test_a_providers_chain_is_installed_only_if_it_certifies_the_key(aws, tmp_path, capsys):
    from chalicelib.documents import seal
    from dev import admin
    from dev import seal as seal_admin

    chain = seal_admin.local_chain(NOW)          # as a provider would answer: seal cert, root
    given = tmp_path / "chain.pem"
    given.write_text(chain)
    assert admin.main(["seal-certificate", str(given)]) == 0
    assert seal.chain_pem() == chain and "2 certificates" in capsys.readouterr().out
    seal_cert, root = chain.split("-----END CERTIFICATE-----\n")[:2]
    for wrong, why in ((f"{root}-----END CERTIFICATE-----\n", "not the seal key's"),
                       (f"{seal_cert}-----END CERTIFICATE-----\n", "not a root"),
                       (f"{seal_cert}-----END CERTIFICATE-----\n" + seal_admin.local_chain(NOW).split(
                           "-----END CERTIFICATE-----\n")[1] + "-----END CERTIFICATE-----\n", "not issued by")):
        given.write_text(wrong)
        assert admin.main(["seal-certificate", str(given)]) == 2
        assert why in capsys.readouterr().err
        assert seal.chain_pem() == chain               # unchanged


def test_init_keeps_the_key_and_its_chain(aws, capsys):
    from chalicelib.documents import seal
    from dev import admin

    chain = seal.chain_pem()
    assert admin.main(["init"]) == 0
    assert "seal: key and certificate kept" in capsys.readouterr().out and seal.chain_pem() == chain


def _timestamp_authority():
    """A CA and a timestamping certificate it issued (asn1crypto), and the TSA's key."""
    from datetime import timedelta

    from asn1crypto import keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = rsa.generate_private_key(65537, 2048)      # pyHanko's DummyTimeStamper signs with RSA only
    root = (x509.CertificateBuilder().subject_name(name("test TSA root")).issuer_name(name("test TSA root"))
            .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    tsa = (x509.CertificateBuilder().subject_name(name("test TSA")).issuer_name(name("test TSA root"))
           .public_key(tsa_key.public_key()).serial_number(2).not_valid_before(now - timedelta(days=1))
           .not_valid_after(now + timedelta(days=30))
           .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
           .sign(ca_key, hashes.SHA256()))
    der = serialization.Encoding.DER
    key = keys.PrivateKeyInfo.load(tsa_key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    return asn1_x509.Certificate.load(root.public_bytes(der)), asn1_x509.Certificate.load(tsa.public_bytes(der)), key


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(aws, monkeypatch):
    """TRACES_SEAL_TSA_URL set: the seal carries an RFC 3161 timestamp of its signature, from
    that authority (a local one here, answering over HTTP as a real one does)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from io import BytesIO

    from asn1crypto import tsp
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from chalicelib.documents import coi_pdf, seal
    from tests import coi_sample

    tsa_root, tsa_cert, tsa_key = _timestamp_authority()
    stamper = DummyTimeStamper(tsa_cert, tsa_key)
    asked = []

    class Authority(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            asked.append(self.headers["Content-Type"])
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Authority)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("TRACES_SEAL_TSA_URL", f"http://127.0.0.1:{server.server_port}/tsa")
        document = seal.seal(coi_pdf.render(coi_sample.coi(), coi_sample.names(), "en", coi_sample.VERIFY_URL),
                             coi_sample.NUMBER, "issued", 4)
    finally:
        server.shutdown()
    assert asked and set(asked) == {"application/timestamp-query"}   # pyHanko also asks once to size it
    embedded, = PdfFileReader(BytesIO(document)).embedded_signatures
    root = seal.load_chain(seal.chain_pem())[-1]
    status = seal._outside_an_event_loop(validate_pdf_signature, embedded,
                                         ValidationContext(trust_roots=[root, tsa_root]))
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.timestamp_validity.trusted
    assert seal.verify(document).seal == "valid"


def test_sealing_and_checking_work_inside_a_running_event_loop(aws):
    """pyHanko's synchronous calls run asyncio.run, which a running event loop refuses."""
    import asyncio

    from chalicelib.documents import coi_pdf, seal
    from dev import seal as seal_admin
    from tests import coi_sample

    seal_admin.init(NOW)
    document = coi_pdf.render(coi_sample.coi(), coi_sample.names(), "en", coi_sample.VERIFY_URL)

    async def inside() -> str:
        return seal.verify(seal.seal(document, coi_sample.NUMBER, "issued", 4)).seal

    # In a thread of its own: the test's own thread may already run a loop (Playwright's).
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == "valid"
