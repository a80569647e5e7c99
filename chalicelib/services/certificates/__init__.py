"""Certificates of inspection (SPEC 3), one module per job:

    access         who acts on a COI (the parties a person acts as, what the matrix allows)
    views          the COI as the API shows it
    writes         one transaction per write, with its list items and history record
    drafts         create, and edit the boxes
    transitions    submit, issue, verify, sign, irregularity, deplete, delete, replace
    extracts       extracts and the quantities they hold on their base
    listing        the lists and the history, paged
    documents      the PDF and the public verification

What follows a commit goes through the outbox (services/outbox.py): a transition's e-mails
(services/coi_notices.py), a base's depletion (extracts.deplete_if_nothing_remains).

The rules are the domain's: domain/coi.py (matrix, transitions, numbers, verification),
domain/coi_table.py (the box table), coi_boxes.py (the boxes), coi_parties.py (who each box
may name), domain/extracts.py (the quantities). The API calls the names
below."""
from .access import read_along, valid_id
from .documents import PUBLIC_PER_MINUTE, pdf, public, verify_url
from .drafts import create, update
from .listing import history, search
from .transitions import act, permitted
from .verification import verify_pdf
from .views import read
from .writes import check_boxes, relist

__all__ = ["PUBLIC_PER_MINUTE", "act", "check_boxes", "create", "history", "pdf", "permitted", "public",
           "read", "read_along", "relist", "search", "update", "valid_id", "verify_pdf", "verify_url"]
