"""The people and organisations of a COI's life, for the API tests: an importer in Lyon, an
exporter and a producer in Morocco, a first consignee, the Moroccan control body MA-BIO-154,
the French central competent authority, the border control post of Marseille, an RFL and a
stranger. Each is a logged-in person of that organisation."""
import uuid

import pytest

from tests.conftest import staff

PASSWORD = "Argan-Coast-2026!"
ORGANISATIONS = {
    # key: (name, country, city, activities, identifiers, control body)
    "importer": ("Bio Import Lyon SAS", "FR", "Lyon", {"organic_importer"},
                 [{"type": "eori", "value": "FR12345678901"}], "FR-BIO-01"),
    "exporter": ("Atlas Organic Export", "MA", "Agadir", {"organic_exporter"}, [], "MA-BIO-154"),
    "producer": ("Souss Bio Farms", "MA", "Taroudant", {"organic_producer"}, [], "MA-BIO-154"),
    "consignee": ("Biocoop Rhône", "FR", "Villeurbanne", {"organic_first_consignee"}, [], "FR-BIO-01"),
    "rfl": ("Transit Fos Logistique", "FR", "Fos-sur-Mer", {"responsible_for_load"}, [], None),
    "stranger": ("Autre Bio SARL", "FR", "Lyon", {"organic_importer"},
                 [{"type": "eori", "value": "FR99999999999"}], "FR-BIO-01"),
}
REFERENCE = {"issuer": "MA-BIO-154", "authority": "FR-CCA", "bcp": "FR-BCP-MARSEILLE",
             "other_issuer": "FR-BIO-01"}


def operator(name, country, city, activities, identifiers, control_body) -> str:
    from chalicelib.services.directory import index_fields
    from chalicelib.store.organisations import Organisation

    organisation = Organisation(uuid.uuid4().hex, kind="operator", status="valid", name=name,
                                country=country, city=city, postal_code="69002",
                                address="1 rue du Port", contacts={"phone": "+33 4 78 00 00 00"},
                                activities=activities, sections={"organic"},
                                identifiers=identifiers, control_body_id=control_body,
                                administrator_count=0)
    index_fields(organisation)
    organisation.save()
    return organisation.id


class World:
    def __init__(self, new_api):
        self.org = {key: operator(*fields) for key, fields in ORGANISATIONS.items()}
        self.org.update(REFERENCE)
        self.person = {}
        for key, org in self.org.items():
            self.person[key] = staff(new_api, (f"{key}@coi.example.org", PASSWORD, org))

    def boxes(self, **overrides) -> dict:
        """Every mandatory box filled, as an importer would send them."""
        found = {
            "box1": {"issuer": self.org["issuer"]},
            "box4": {"exporter": self.org["exporter"]},
            "box7": {"countries_of_origin": ["MA"]},
            "box8": {"country_of_export": "MA"},
            "box9": {"member_state": "FR", "authority": self.org["authority"],
                     "border_control_post": self.org["bcp"]},
            "box11": {"importer": self.org["importer"]},
            "box12": {"first_consignee": self.org["consignee"], "release_by_batches": False},
            "box13": [{"cn_code": "0804 40 00", "trade_name": "Avocats Hass bio", "lot": "L-2611",
                       "packages": 120, "packaging": "carton", "net_weight": "2400",
                       "unit": "kg", "producer": self.org["producer"],
                       "producer_control_body": self.org["issuer"]},
                      {"cn_code": "08041000", "trade_name": "Dattes Medjool bio", "lot": "L-2612",
                       "packages": 50, "packaging": "carton", "net_weight": "500.5",
                       "unit": "kg", "producer": self.org["producer"],
                       "producer_control_body": self.org["issuer"]}],
            "box14": [{"container": "MSKU1234565", "seal": "SEAL-778"}],
            "box16": {"gross_weight": "3100", "unit": "kg"},
            "box17": {"mode": "sea", "identification": "MV Atlas Star"},
        }
        found.update(overrides)
        return found


@pytest.fixture
def world(aws, new_api):
    return World(new_api)


def act(person, coi: dict, action: str, **fields):
    return person.post(f"/api/cois/{coi['id']}/{action}", {"version": coi["version"], **fields})


def created(person, boxes: dict) -> dict:
    response = person.post("/api/cois", {"boxes": boxes})
    assert response.status_code == 201, response.json_body
    return response.json_body


def advanced(world, *steps: str, batches: bool = False) -> dict:
    """A COI created by the importer and taken through `steps` by the right parties."""
    boxes = world.boxes()
    if batches:
        boxes["box12"] = {"first_consignee": None, "release_by_batches": True}
    coi = created(world.person["importer"], boxes)
    doers = {"submit": ("importer", {}), "issue": ("issuer", {}),
             "verify": ("authority", {"outcome": "released_for_extracts" if batches else "released"}),
             "sign": ("consignee", {})}
    for step in steps:
        who, fields = doers[step]
        response = act(world.person[who], coi, step, **fields)
        assert response.status_code == 200, (step, response.json_body)
        coi = response.json_body
    return coi
