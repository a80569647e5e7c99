"""The public verification of a COI's PDF (SPEC 3.2): no login, the PDF as the body."""
from chalice import Blueprint

from .http import lazy, now, route, upload
from .origin import client_address
from .shapes import OPTIONAL_TEXT

bp = Blueprint(__name__)
certificates = lazy("chalicelib.services.certificates")

# At most 5 MB says SPEC 3.2; 4 MiB here, because API Gateway hands a binary body to Lambda in
# base64 (4/3 larger) and a Lambda invocation takes at most 6 MB: a 5 MB PDF would fail in the
# gateway, not answer 413. The product's own PDFs weigh under 100 KB.
MAX_PDF_BYTES = 4 * 1024 * 1024
PDF = {"type": "string", "contentMediaType": "application/pdf", "description": "the PDF file as the body"}
CHECKED = {"type": "object", "required": ["seal", "modified_after_seal", "current", "latest"], "properties": {
    "seal": {"enum": ["valid", "invalid", "absent"],
             "description": "valid: intact and sealed with this system's seal certificate"},
    "signed_by": OPTIONAL_TEXT,
    "signed_at": {**OPTIONAL_TEXT, "description": "ISO 8601"},
    "number": OPTIONAL_TEXT,
    "version": {"type": ["integer", "null"]},
    "modified_after_seal": {"type": "boolean"},
    "current": {"type": ["object", "null"], "properties": {"status": {"type": "string"},
                                                           "version": {"type": "integer"}}},
    "latest": {"type": "boolean", "description": "the PDF shows the COI's current state"}}}


@route(bp, "/public/verify-pdf", methods=["POST"], body=PDF, accepts="application/pdf",
       limit=MAX_PDF_BYTES, errors=(429,), returns=CHECKED)
def verify_pdf():
    """Check a COI's PDF: its seal, whether it changed since, whether it is the COI's latest state."""
    request = bp.current_request
    return certificates.verify_pdf(upload(request), client_address(request), now())
