"""The people of a COI's life for the browser tests, put into the running local stack:

    python -m tests.browser.coi_people TAG      # with the stack's environment (Stack.env)

The operators are created as `dev.admin create-organisation` creates them (valid, code = id),
each key with one person holding a valid role in it, as `dev.admin create-user` makes them; one
process for all, where a command per organisation and person would take a process each. The
issuer, the authority and the border control post are the reference organisations MA-BIO-154,
FR-CCA and FR-BCP-MARSEILLE. Prints {key: {"organisation", "email", "name"}} as JSON; TAG keeps
one test run's names, codes and e-mails apart from another's."""
import json
import sys
from datetime import datetime, timezone

PASSWORD = "Argan-Coast-2026!"
OPERATORS = {
    # key: (name, country, city, postal code, activity, control body, EORI)
    "importer": ("Bio Import Lyon", "FR", "Lyon", "69002", "organic_importer", "FR-BIO-01", "FR{tag}0001"),
    "exporter": ("Atlas Organic Export", "MA", "Agadir", "80000", "organic_exporter", "MA-BIO-154", None),
    "producer": ("Souss Bio Farms", "MA", "Taroudant", "83000", "organic_producer", "MA-BIO-154", None),
    "consignee": ("Biocoop Rhône", "FR", "Villeurbanne", "69100", "organic_first_consignee", "FR-BIO-01", None),
    "stranger": ("Autre Bio", "FR", "Lyon", "69003", "organic_importer", "FR-BIO-01", "FR{tag}0009"),
}
REFERENCE = {"issuer": "MA-BIO-154", "authority": "FR-CCA", "bcp": "FR-BCP-MARSEILLE"}


def put(stack, tag: str) -> dict:
    """Runs this module in the running stack's environment (a test's fixture): the people."""
    import subprocess

    from tests.browser.conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "tests.browser.coi_people", tag], cwd=ROOT,
                          env=stack.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def main(tag: str) -> dict:
    from chalicelib.services import provisioning
    from dev.admin import give_authenticator_app

    now = datetime.now(timezone.utc)
    organisations = dict(REFERENCE)
    for key, (name, country, city, postal_code, activity, control_body, eori) in OPERATORS.items():
        data = {"name": f"{name} {tag}", "country": country, "city": city, "postal_code": postal_code,
                "address": "1 rue du Port", "activities": [activity], "control_body_id": control_body,
                "identifiers": [{"type": "eori", "value": eori.format(tag=tag.upper())}] if eori else None}
        organisation, _created = provisioning.create_organisation(f"{country}-{key.upper()}-{tag.upper()}",
                                                                  "operator", data, now)
        organisations[key] = organisation.id
    found = {}
    for key, organisation in organisations.items():
        email = f"{key}.{tag}@coi.example.org"
        if key != "producer":
            person = provisioning.create_person(email, PASSWORD, organisation, now, key.capitalize(), f"Test{tag}")
            give_authenticator_app(person, now)      # the issuer, authority and post must have one
        found[key] = {"organisation": organisation, "email": email, "name": f"{key.capitalize()} Test{tag}"}
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
