"""The seal's key and certificates (dev/seal.py, `dev.admin seal-csr|seal-certificate`) and the
cold start: the API never loads pyHanko before a PDF is sealed or checked."""
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_the_cold_start_does_not_load_the_signing_library():
    code = ("import sys, app; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pyhanko', 'pyhanko_certvalidator', 'cryptography', 'asn1crypto', 'aiohttp', 'lxml'}))")
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
