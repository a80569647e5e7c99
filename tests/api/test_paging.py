"""Lists a page at a time, each request's reads bounded whatever the table holds: the validator's
roles, the back office search, the duplicate check of a new operator. Lists stay JSON arrays;
the next page's address is in the Link header."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from bench.counting import counting
from tests.api.test_organisations import operator, operator_person
from tests.conftest import AUTHORITY

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def next_page(response) -> str | None:
    match = re.match(r'<(/api/[^>]+)>; rel="next"', response.headers.get("Link", ""))
    return match.group(1) if match else None


def every_page(client, path: str) -> tuple[list, list]:
    """(all items, the DynamoDB items read by each request) following the Link headers."""
    items, reads = [], []
    while path:
        with counting() as counter:
            response = client.get(path)
        assert response.status_code == 200, response.json_body
        assert isinstance(response.json_body, list)
        items += response.json_body
        reads.append(counter.items_read)
        path = next_page(response)
    return items, reads


def valid_roles(count: int, validator: str = "FR-DDPP-69") -> list[str]:
    """Valid roles routed to `validator`, written straight to the table (setup only)."""
    from chalicelib.store.authorisations import Authorisation

    ids = []
    with Authorisation.batch_write() as batch:
        for n in range(count):
            created = (T0 + timedelta(minutes=n)).isoformat()
            ident = f"{n:032x}"
            batch.save(Authorisation(ident, account_id=f"{n + 1:032x}", organisation_id=f"org{n}",
                                     role_kind="operator", status="valid", created_at=created,
                                     status_created=f"valid#{created}", validator_id=validator,
                                     competent_id=validator, organisation_name=f"Ferme {n}",
                                     requester_name=f"P {n}", requester_email=f"p{n}@bio.fr"))
            ids.append(ident)
    return ids


def test_the_validators_roles_come_a_page_at_a_time(authority, monkeypatch):
    from chalicelib.services import authorisations

    monkeypatch.setattr(authorisations, "PAGE_SIZE", 3)
    ids = valid_roles(8)
    found, reads = every_page(authority, "/api/authorisations/pending?status=valid")
    assert [a["id"] for a in found] == ids
    assert len(reads) == 3 and max(reads) <= 3 + 2   # the session and the account, then 3 roles


def test_a_forged_cursor_of_the_validators_list_is_refused(authority):
    valid_roles(2)
    for cursor in ("bm90LWEta2V5", "eyJrIjpudWxsLCJzIjo3fQ"):   # not a cursor; source 7 of 1
        response = authority.get(f"/api/authorisations/pending?status=valid&cursor={cursor}")
        assert response.status_code == 400
        assert "cursor" in response.json_body["error"]["fields"]


def accounts(count: int, rare: int | None = None) -> None:
    """Valid accounts of the Rhône's authority; the one numbered `rare` has a rare name."""
    from chalicelib.store.accounts import Account

    with Account.batch_write() as batch:
        for n in range(count):
            name = "Zygomatique" if n == rare else "Dupont"
            since = T0 - timedelta(minutes=n)
            batch.save(Account(f"{n + 100:032x}", email=f"p{n}@bio.fr", status="valid", first_name="P",
                               last_name=name, secret_question_id=1, secret_answer_hash="x",
                               password_hash="x", created_at=since, organisation_id="o",
                               organisation_name="o", registration_authorisation_id="r",
                               postal_code="69002", city="Lyon", country="FR", authority_id=AUTHORITY[2],
                               status_created=f"valid#{since.isoformat()}",
                               search_text=f"p{n}@bio.fr p {name} o 69002 lyon".casefold()))


def test_a_rare_word_is_searched_a_bounded_page_at_a_time(authority, monkeypatch):
    from chalicelib.services import user_admin

    monkeypatch.setattr(user_admin, "EVALUATED_PER_PAGE", 5)
    accounts(23, rare=17)
    found, reads = every_page(authority, "/api/authority/accounts?name=zygomatique")
    assert [a["email"] for a in found] == ["p17@bio.fr"]
    assert len(reads) >= 5 and max(reads) <= 5 + 2


def test_the_back_office_list_is_paged_newest_first(authority, monkeypatch):
    from chalicelib.services import user_admin

    monkeypatch.setattr(user_admin, "PAGE_SIZE", 4)
    accounts(10)
    found, reads = every_page(authority, "/api/authority/accounts?status=valid&name=dupont")
    assert [a["email"] for a in found] == [f"p{n}@bio.fr" for n in range(10)]
    assert len(reads) == 3


@pytest.fixture
def person(api, mailbox, authority, new_api):
    return operator_person(api, mailbox, authority, new_api)


@pytest.mark.parametrize("existing, new, warned", [
    ("Vaysse Import", "VAYSSE IMPORT SARL", True),
    ("Bio Import", "Bio Import Lyon", True),
    ("SARL Bio Import Lyon", "Bio Import", True),
    ("Vaysse Import", "Vaysse Négoce", False),
])
def test_the_duplicate_check_compares_names_with_the_same_first_word(person, existing, new, warned):
    assert person.post("/api/organisations", operator(name=existing)).status_code == 201
    response = person.post("/api/organisations", operator(
        name=new, identifiers=[{"type": "eori", "value": "FR999"}]))
    assert (response.status_code == 409) is warned


def test_the_duplicate_check_reads_a_bounded_number_of_operators(person, monkeypatch):
    from chalicelib.services import organisations
    from chalicelib.services.directory import index_fields
    from chalicelib.store.organisations import Organisation

    monkeypatch.setattr(organisations, "DUPLICATE_READS", 5)
    with Organisation.batch_write() as batch:
        for n in range(30):
            found = Organisation(f"{n:032x}", kind="operator", status="valid", name=f"Vaysse {n:02d}",
                                 country="FR", city="Toulouse", postal_code="31300")
            index_fields(found)
            batch.save(found)
    with counting() as counter:
        response = person.post("/api/organisations", operator(name="Vaysse"))
    assert response.status_code == 409
    assert counter.calls["Query"] == 2 and counter.items_read <= 5 + 2   # and the session, the account
