"""The people of a COI's life for the browser tests, put into the running local stack:

    python -m tests.browser.coi_people TAG      # with the stack's environment (Stack.env)

Operators go straight into the directory, valid, as tests/api/coi_world.py puts them (operators
only register through a validator, and the admin command that creates organisations is not
here yet); each key gets one person with a valid role in its organisation. The issuer, the
authority and the border control post are the reference organisations MA-BIO-154, FR-CCA and
FR-BCP-MARSEILLE. Prints {key: {"organisation", "email", "name"}} as JSON; TAG keeps the names
and e-mails of one test run apart from another's."""
import json
import sys
import uuid
from datetime import datetime, timezone

PASSWORD = "Argan-Coast-2026!"
OPERATORS = {
    # key: (name, country, city, postal code, activities, identifiers)
    "importer": ("Bio Import Lyon", "FR", "Lyon", "69002", {"organic_importer"}, [("eori", "FR{tag}0001")]),
    "exporter": ("Atlas Organic Export", "MA", "Agadir", "80000", {"organic_exporter"}, []),
    "producer": ("Souss Bio Farms", "MA", "Taroudant", "83000", {"organic_producer"}, []),
    "consignee": ("Biocoop Rhône", "FR", "Villeurbanne", "69100", {"organic_first_consignee"}, []),
    "stranger": ("Autre Bio", "FR", "Lyon", "69003", {"organic_importer"}, [("eori", "FR{tag}0009")]),
}
REFERENCE = {"issuer": "MA-BIO-154", "authority": "FR-CCA", "bcp": "FR-BCP-MARSEILLE"}


def operator(tag: str, name, country, city, postal_code, activities, identifiers) -> str:
    from chalicelib.services.directory import index_fields
    from chalicelib.store.organisations import Organisation

    organisation = Organisation(
        uuid.uuid4().hex, kind="operator", status="valid", name=f"{name} {tag}", country=country,
        city=city, postal_code=postal_code, address="1 rue du Port", contacts={"phone": "+33 4 78 00 00 00"},
        activities=activities, sections={"organic"}, administrator_count=0,
        identifiers=[{"type": kind, "value": value.format(tag=tag.upper())} for kind, value in identifiers],
        control_body_id="MA-BIO-154" if country == "MA" else "FR-BIO-01",
        created_at=datetime.now(timezone.utc))
    index_fields(organisation)
    organisation.save()
    return organisation.id


def main(tag: str) -> dict:
    from chalicelib.services import provisioning

    now = datetime.now(timezone.utc)
    found = {}
    organisations = {key: operator(tag, *fields) for key, fields in OPERATORS.items()}
    organisations.update(REFERENCE)
    for key, organisation in organisations.items():
        email = f"{key}.{tag}@coi.example.org"
        if key != "producer":
            provisioning.create_person(email, PASSWORD, organisation, now, key.capitalize(), f"Test{tag}")
        found[key] = {"organisation": organisation, "email": email, "name": f"{key.capitalize()} Test{tag}"}
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
