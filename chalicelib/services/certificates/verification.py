"""POST /api/public/verify-pdf (SPEC 3.2): what the seal of an uploaded PDF says, and whether
the COI it names is still in the state it was sealed in."""
from datetime import datetime

from ...documents import seal
from ...domain.errors import Invalid, N_
from ...store import cois as store
from .documents import allow_public

NOT_PDF = N_("This file is not a PDF.")


def verify_pdf(document: bytes, client: str, now: datetime) -> dict:
    """The seal ("valid" | "invalid" | "absent"), who sealed it and when, the COI number and
    version it names, and the COI's current status and version (`latest`: the PDF shows its
    current state). Counted with the public look-ups by number (429 past the limit)."""
    allow_public(client, now)
    try:
        checked = seal.verify(document)
    except seal.NotPdf:
        raise Invalid({"file": NOT_PDF}, NOT_PDF) from None
    coi = store.by_number(checked.number) if checked.number else None
    current = {"status": coi.status, "version": coi.version} if coi is not None else None
    return {"seal": checked.seal, "signed_by": checked.signed_by, "signed_at": checked.signed_at,
            "number": checked.number, "version": checked.version,
            "modified_after_seal": checked.modified_after_seal, "current": current,
            "latest": bool(current and checked.seal == "valid" and current["version"] == checked.version)}
