"""Demo certificates of inspection for `python -m dev.admin demo`: Moroccan dates and avocados
for Marseille in each step of their life, made through the same service as the API, by the demo
people of each party. Created once (skipped when the demo importer already lists COIs)."""
from chalicelib.domain.normalise import email_key
from chalicelib.services import certificates
from chalicelib.services.sessions import Current
from chalicelib.store import cois
from chalicelib.store.accounts import find_by_email

IMPORTER, EXPORTER, PRODUCER = "DEMO-FR-IMPORT", "DEMO-MA-EXPORT", "DEMO-MA-PRODUCER"
CONSIGNEE, ISSUER, AUTHORITY, BCP = "DEMO-FR-CONSIGNEE", "MA-BIO-154", "FR-CCA", "FR-BCP-MARSEILLE"
PEOPLE = {"importer": "importer@demo.example.org", "issuer": "ecocert-maroc@demo.example.org",
          "authority": "cca@demo.example.org", "consignee": "consignee@demo.example.org"}
# (national reference, steps, released by batches)
STORIES = [("DEMO-DRAFT", (), False), ("DEMO-SUBMITTED", ("submit",), False),
           ("DEMO-ISSUED", ("submit", "issue"), False),
           ("DEMO-CHECKED", ("submit", "issue", "verify"), False),
           ("DEMO-SIGNED", ("submit", "issue", "verify", "sign"), False),
           ("DEMO-BATCHES", ("submit", "issue", "verify", "extracts"), True)]
DOERS = {"submit": "importer", "issue": "issuer", "verify": "authority", "sign": "consignee",
         "extracts": "importer"}


def boxes(reference: str, batches: bool) -> dict:
    line = {"packaging": "carton", "unit": "kg", "producer": PRODUCER, "producer_control_body": ISSUER}
    return {
        "box1": {"issuer": ISSUER}, "box3": {"national_reference": reference},
        "box4": {"exporter": EXPORTER}, "box7": {"countries_of_origin": ["MA"]},
        "box9": {"member_state": "FR", "authority": AUTHORITY, "border_control_post": BCP},
        "box11": {"importer": IMPORTER},
        "box12": {"first_consignee": None if batches else CONSIGNEE, "release_by_batches": batches},
        "box13": [{**line, "cn_code": "0804 10 00", "trade_name": "Dattes Medjool bio",
                   "lot": "MJ-2611", "packages": 400, "net_weight": "2000"},
                  {**line, "cn_code": "0804 40 00", "trade_name": "Avocats Hass bio",
                   "lot": "AV-2611", "packages": 150, "net_weight": "1500"}],
        "box14": [{"container": "MSKU1234565", "seal": "MA-778102"}],
        "box16": {"gross_weight": "3900", "unit": "kg"},
        "box17": {"mode": "sea", "identification": "MV Tanger Express"},
        "documents": [{"type": "invoice", "reference": "FA-2026-118", "date": "2026-11-02"}],
    }


def create(now) -> int:
    """The demo COIs; returns how many were made (0 when they exist already)."""
    if cois.of_organisation(IMPORTER, None, None, None, 1)[0]:
        return 0
    people = {}
    for role, email in PEOPLE.items():
        account = find_by_email(email_key(email))
        people[role] = Current(session=None, account=account, others=[])
    for reference, steps, batches in STORIES:
        coi = certificates.create(people["importer"], {"boxes": boxes(reference, batches)}, now)
        for step in steps:
            data = {"version": coi["version"]}
            if step == "verify":
                data["outcome"] = "released_for_extracts" if batches else "released"
            if step == "extracts":
                data["lines"] = [{"line": 0, "packages": 100, "net_weight": "500"}]
                data["box12"] = {"first_consignee": CONSIGNEE, "release_by_batches": False}
            who = people[DOERS[step]]
            access = certificates.permitted(who, cois.get(coi["id"]), step)
            coi, _ = certificates.act(access, step, data, now)
    return len(STORIES)
