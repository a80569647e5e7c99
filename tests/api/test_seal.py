"""The sealed COI (SPEC 3.2): the PDF of an issued COI carries this system's PAdES seal, made
through KMS (moto), which pyHanko's validator and poppler's pdfsig both accept against the
configured root; POST /api/public/verify-pdf says whether a PDF is sealed, unaltered and the
COI's latest state."""
import subprocess

import pytest

from tests.api.coi_world import act, advanced, created, world  # noqa: F401 - fixture

PDF = {"Content-Type": "application/pdf"}


def pdf_of(person, coi: dict) -> bytes:
    response = person.get(f"/api/cois/{coi['id']}/pdf", headers={"Accept-Language": "en", "Accept": "application/pdf"})
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "application/pdf"
    return response.body


def verify(api, document: bytes, content_type: str = "application/pdf"):
    return api.call("POST", "/api/public/verify-pdf", headers={"Content-Type": content_type}, raw=document)


def chain():
    from chalicelib.documents import seal

    return seal.load_chain(seal.chain_pem())


def pyhanko_status(document: bytes):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    embedded, = PdfFileReader(BytesIO(document)).embedded_signatures
    return embedded, validate_pdf_signature(embedded, ValidationContext(trust_roots=[chain()[-1]]))


def pdfsig(document: bytes, tmp_path, trusted: bool = True) -> str:
    """poppler's report of the PDF's signatures, with the configured root in an NSS database."""
    path = tmp_path / "coi.pdf"
    path.write_bytes(document)
    nss = tmp_path / "nss"
    nss.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    if trusted:
        root = tmp_path / "root.der"
        root.write_bytes(chain()[-1].dump())
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "traces root", "-t", "CT,C,C",
                        "-i", str(root)], check=True)
    # (no -no-ocsp: poppler 22.12 then reports any certificate as an "unknown issue"; the
    # local certificates name no OCSP responder, so nothing is fetched)
    found = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)],
                           capture_output=True, text=True)
    return found.stdout + found.stderr


def test_issued_pdf_is_sealed_and_valid_for_pyhanko_and_pdfsig(world, tmp_path):
    coi = advanced(world, "submit", "issue")
    document = pdf_of(world.person["importer"], coi)
    assert len(document) <= 100 * 1024
    embedded, status = pyhanko_status(document)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"          # PAdES
    assert str(embedded.sig_object["/Reason"]) == f"COI {coi['number']}, status issued, version {coi['version']}"
    embedded_certificates = {c.dump() for c in embedded.signed_data["certificates"].native and
                             [c.chosen for c in embedded.signed_data["certificates"]]}
    assert {c.dump() for c in chain()} <= embedded_certificates                 # root included
    report = pdfsig(document, tmp_path)
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    assert "Total document signed" in report and "ETSI.CAdES.detached" in report, report


def test_pdfsig_does_not_trust_a_seal_without_the_root(world, tmp_path):
    report = pdfsig(pdf_of(world.person["importer"], advanced(world, "submit", "issue")), tmp_path,
                    trusted=False)
    assert "Signature is Valid." in report and "Certificate is Trusted." not in report, report


@pytest.mark.parametrize("steps", [(), ("submit",)])
def test_draft_and_new_are_unsealed_and_without_legal_value(world, new_api, steps):
    from io import BytesIO

    from pypdf import PdfReader

    coi = advanced(world, *steps)
    document = pdf_of(world.person["importer"], coi)
    assert b"/ByteRange" not in document
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(document)).pages)
    assert "NO LEGAL VALUE" in " ".join(text.split())
    answer = verify(new_api("en"), document)
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body == {"seal": "absent", "signed_by": None, "signed_at": None, "number": None,
                                "version": None, "modified_after_seal": False, "current": None,
                                "latest": False}


def test_verify_a_sealed_pdf_then_its_replacement(world, new_api):
    issued = advanced(world, "submit", "issue")
    document = pdf_of(world.person["importer"], issued)
    public = new_api("en")
    answer = verify(public, document)
    assert answer.status_code == 200, answer.json_body
    found = answer.json_body
    assert found["seal"] == "valid" and found["latest"] is True and found["modified_after_seal"] is False
    assert (found["number"], found["version"]) == (issued["number"], issued["version"])
    assert found["current"] == {"status": "issued", "version": issued["version"]}
    assert found["signed_by"] == "traces local seal" and "T" in found["signed_at"]
    replacement = act(world.person["issuer"], issued, "replace")
    assert replacement.status_code == 201, replacement.json_body
    issued_replacement = act(world.person["issuer"], replacement.json_body, "issue")
    assert issued_replacement.status_code == 200, issued_replacement.json_body
    later = verify(public, document).json_body
    assert later["seal"] == "valid" and later["latest"] is False
    assert later["current"]["status"] == "replaced" and later["current"]["version"] > issued["version"]


def test_a_pdf_modified_after_its_seal_is_reported(world, new_api):
    coi = advanced(world, "submit", "issue")
    document = pdf_of(world.person["importer"], coi)
    public = new_api("en")
    appended = document + b"\n%%changed\n"                    # an update after the seal
    found = verify(public, appended).json_body
    assert found["modified_after_seal"] is True and found["seal"] == "invalid" and found["latest"] is False
    tampered = bytearray(document)                            # a byte inside the sealed range
    at = tampered.index(b"/Title")
    tampered[at + 8] = ord("X") if tampered[at + 8] != ord("X") else ord("Y")
    found = verify(public, bytes(tampered)).json_body
    assert found["modified_after_seal"] is True and found["seal"] == "invalid"
    assert found["number"] is None and found["latest"] is False


def test_a_pdf_sealed_by_another_certificate_is_invalid(world, new_api):
    """Only this system's configured seal certificate makes a seal valid."""
    from dev import seal as seal_admin

    document = pdf_of(world.person["importer"], advanced(world, "submit", "issue"))
    seal_admin.store_chain(seal_admin.local_chain(__import__("datetime").datetime.now()))  # a new CA
    found = verify(new_api("en"), document).json_body
    assert found["seal"] == "invalid" and found["number"] is None


@pytest.mark.parametrize("content, content_type", [
    (b"", "application/pdf"), (b"hello", "application/pdf"), (b"%PDF-1.7\n garbage \x00\xff", "application/pdf"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "application/pdf")])
def test_anything_not_a_pdf_is_a_400(aws, new_api, content, content_type):
    answer = verify(new_api("en"), content, content_type)
    assert answer.status_code in (200, 400), answer.json_body
    if answer.status_code == 400:
        assert answer.json_body["error"]["fields"] == {"file": "This file is not a PDF."}
    else:
        assert answer.json_body["seal"] == "absent"


def test_json_is_refused_and_a_large_body_is_a_413(aws, new_api):
    public = new_api("en")
    assert verify(public, b"{}", "application/json").status_code == 415
    from chalicelib.api.verification import MAX_PDF_BYTES

    assert verify(public, b"%PDF-" + bytes(MAX_PDF_BYTES)).status_code == 413


def test_verify_pdf_is_rate_limited_with_the_number_look_up(aws, new_api):
    from chalicelib.services.certificates import PUBLIC_PER_MINUTE

    public = new_api("en")
    for _ in range(PUBLIC_PER_MINUTE):
        assert public.get("/api/public/cois/COI.EU.FR.2026.0000001").status_code == 404
    answer = verify(public, b"%PDF-1.4")
    assert answer.status_code == 429
