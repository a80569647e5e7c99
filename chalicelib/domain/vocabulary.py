"""The words that the API's schemas list: of the directory (SPEC 2.1: kinds of organisation,
identifier types, authority roles) and of the COI (SPEC 3: statuses, parties, outcomes, the
boxes' choices and sizes). Apart from the rules that use them (domain/organisations.py, coi.py,
coi_boxes.py) so that naming them costs the API's cold start nothing."""

OPERATOR, CONTROL_BODY, AUTHORITY = "operator", "control_body", "authority"
CUSTOMS = "customs"       # the customs of a member state (SPEC 3.3): an authority of its own kind
KINDS = (OPERATOR, CONTROL_BODY, AUTHORITY, CUSTOMS)
IDENTIFIER_TYPES = ("eori", "vat", "company_registration", "approval_number", "traces", "other")
AUTHORITY_ROLES = ("commission", "organic_authority", "CCA", "BCP", "DDPP", "customs", "other")

# --- the certificate of inspection ------------------------------------------------------------
# statuses (seed 003 §3.2)
DRAFT, NEW, ISSUED, CHECKED, SIGNED = "draft", "new", "issued", "checked", "signed"
BASE_FOR_EXTRACT, DEPLETED = "base_for_extract", "depleted"
RELEASED_CONVENTIONAL, NOT_RELEASED = "released_conventional", "not_released"
IRREGULARITY, DELETED, REPLACED = "irregularity", "deleted", "replaced"
STATUSES = (DRAFT, NEW, ISSUED, CHECKED, SIGNED, BASE_FOR_EXTRACT, DEPLETED,
            RELEASED_CONVENTIONAL, NOT_RELEASED, IRREGULARITY, DELETED, REPLACED)

# parties (the seven columns of seed 003 §3.3; importer and RFL act alike)
IMPORTER, RFL, EXPORTER, ISSUER = "importer", "rfl", "exporter", "issuer"
VERIFIER, ENTRY, CONSIGNEE = "verifying_authority", "entry_authority", "first_consignee"
PARTIES = (IMPORTER, RFL, EXPORTER, ISSUER, VERIFIER, ENTRY, CONSIGNEE)
# The role filter of the list: a word of the list page -> the parties it stands for.
LIST_ROLES = {"importer": (IMPORTER,), "rfl": (RFL,), "exporter": (EXPORTER,),
              "issuer": (ISSUER,), "authority": (VERIFIER, ENTRY), "consignee": (CONSIGNEE,)}
# verify: issued -> the outcome's status (box 20).
VERIFY_OUTCOMES = {"released": CHECKED, "released_for_extracts": BASE_FOR_EXTRACT,
                   "released_conventional": RELEASED_CONVENTIONAL, "not_released": NOT_RELEASED}
# the boxes: choices and sizes (domain/coi_boxes.py has their rules)
MAX_LINES, MAX_CONTAINERS, MAX_DOCUMENTS, MAX_ORIGINS = 100, 50, 20, 20
UNITS = ("kg", "l")
GROSS_UNITS = ("kg",)
TRANSPORT_MODES = ("sea", "air", "road", "rail")
DOCUMENT_TYPES = ("invoice", "bill_of_lading", "airway_bill", "cmr", "rail_waybill",
                  "packing_list", "phytosanitary_certificate", "transaction_certificate",
                  "certificate_of_origin", "analysis_report", "other")
PROCEDURES = ("compliance", "equivalence")
