"""A certificate of inspection as SPEC 3.1 shows it, and the names of its organisations, for the
tests and the bench of the COI PDF."""
import copy

NUMBER = "COI.EU.FR.2026.0000042"
VERIFY_URL = f"https://traces.example.org/fr/verify.html?number={NUMBER}"

PRODUCTS = [
    ("0804 10 00", "Dattes Medjool bio", "carton"),
    ("0802 12 90", "Amandes décortiquées bio", "sac"),
    ("0910 30 00", "Curcuma séché", "sac"),
    ("0813 20 00", "Pruneaux d'Agen", "carton"),
    ("1509 20 00", "Huile d'olive vierge extra", "bidon"),
    ("0805 10 22", "Oranges Navel", "carton"),
    ("0709 93 10", "Courgettes", "carton"),
    ("1207 40 90", "Graines de sésame", "sac"),
    ("0804 20 90", "Figues sèches", "carton"),
    ("0909 31 00", "Cumin en graines", "sac"),
]


def names() -> dict:
    return {
        "MA-BIO-154": {"name": "Ecocert SA", "address": "Lieu-dit Lamothe Ouest", "postal_code": "32600",
                       "city": "L'Isle-Jourdain", "country": "FR", "code": "MA-BIO-154"},
        "exp-1": {"name": "Atlas Bio Export SARL", "address": "12 avenue Hassan II",
                  "postal_code": "80000", "city": "Agadir", "country": "MA", "code": "MA-EXP-0001"},
        "prod-1": {"name": "Coopérative Souss Bio", "address": "Douar Tamaait", "postal_code": "83000",
                   "city": "Taroudant", "country": "MA", "code": "MA-PRO-0007"},
        "imp-1": {"name": "Bio Import Méditerranée SAS", "address": "4 quai de la Joliette",
                  "postal_code": "13002", "city": "Marseille", "country": "FR", "code": "FR-IMP-0042"},
        "cons-1": {"name": "Épicerie Verte SCOP", "address": "7 rue des Lilas", "postal_code": "69003",
                   "city": "Lyon", "country": "FR", "code": "FR-OP-0003"},
        "FR-CCA": {"name": "Ministère de l'Agriculture — DGAL", "address": "251 rue de Vaugirard",
                   "postal_code": "75015", "city": "Paris", "country": "FR", "code": "FR-CCA"},
        "FR-BCP-MARSEILLE": {"name": "Poste de contrôle frontalier de Marseille (port)", "address": "",
                             "postal_code": "13002", "city": "Marseille", "country": "FR",
                             "code": "FR-BCP-MARSEILLE"},
    }


def coi(lines: int = 10, status: str = "issued") -> dict:
    """An issued COI from Morocco to France with `lines` product lines."""
    products = [PRODUCTS[n % len(PRODUCTS)] for n in range(lines)]
    return copy.deepcopy({
        "id": "6f1c2a9e0d7b4c55a1e3f0b2c4d6e8fa", "number": NUMBER, "status": status, "version": 7,
        "created_by_organisation": "imp-1", "replaces": None, "replaced_by": None,
        "extract_of": None, "extracts": [],
        "allowed": {"edit": [], "actions": []},
        "boxes": {
            "box1": {"issuer": "MA-BIO-154"},
            "box2": {"procedure": "compliance"},
            "box3": {"national_reference": "Contrat 2026/118"},
            "box4": {"exporter": "exp-1"},
            "box5": [{"producer": "prod-1", "control_body": "MA-BIO-154"}],
            "box7": {"countries_of_origin": ["MA"]},
            "box8": {"country_of_export": "MA"},
            "box9": {"member_state": "FR", "authority": "FR-CCA", "border_control_post": "FR-BCP-MARSEILLE"},
            "box10": {"country_of_destination": "FR"},
            "box11": {"importer": "imp-1"},
            "box12": {"first_consignee": "cons-1", "release_by_batches": False},
            "rfl": {"organisation": None},
            "box13": [{"cn_code": cn, "trade_name": name, "lot": f"LOT-2026-{n:04d}", "packages": 120 + n,
                       "packaging": packaging, "net_weight": f"{2400 + n * 10}.500", "unit": "kg",
                       "producer": "prod-1", "producer_control_body": "MA-BIO-154"}
                      for n, (cn, name, packaging) in enumerate(products)],
            "box14": [{"container": "MSKU1234565", "seal": "ML-0098812"},
                      {"container": "MSKU7654321", "seal": "ML-0098813"}],
            "box16": {"gross_weight": "26400.000", "unit": "kg"},
            "box17": {"mode": "sea", "identification": "MSC Aurora, voyage 245N"},
            "documents": [{"type": "bill_of_lading", "reference": "MEDU1234567", "date": "2026-11-20"}],
            "box18": {"signed_by": "Karim Benali", "organisation": "MA-BIO-154", "at": "2026-11-21T09:30:00Z"},
            "box20": None,
            "box21": None,
        },
    })
