"""E-mail identity (SPEC 1.1): one account per address compared case-insensitively as a whole,
kept as typed for display; at most 64 characters before the @. And the one-off migration of
accounts stored before (docs/deploying.md, "Migrations")."""
from tests.api.conftest import error_code, error_fields, logged_in, make_valid, stored, subjects
from tests.conftest import registration

TYPED = "Alice.Martin@Bio-Lyon.fr"
SHOWN = "Alice.Martin@bio-lyon.fr"          # the domain is lower-cased, the local part kept
OTHER_CASE = "alice.martin@BIO-LYON.FR"
ATTEMPT = "Tentative d'inscription avec votre adresse électronique"


def test_an_address_in_another_case_is_the_same_account(api, mailbox, authority):
    assert api.post("/api/accounts", registration(TYPED)).status_code == 202
    again = api.post("/api/accounts", registration(OTHER_CASE, first_name="Mallory"))
    assert (again.status_code, again.json_body) == (202, {"status": "new"})
    assert subjects(mailbox, SHOWN) == ["Demande de confirmation", ATTEMPT]
    assert mailbox.messages("alice.martin@bio-lyon.fr") == []
    found = authority.get("/api/authority/accounts?email=alice.martin").json_body
    assert [(a["email"], a["first_name"]) for a in found] == [(SHOWN, "Marie")]


def test_login_forgot_and_resend_find_the_account_in_any_case(api, mailbox, authority, new_api):
    assert api.post("/api/accounts", registration(TYPED)).status_code == 202
    assert api.post("/api/accounts/confirm/resend", {"email": OTHER_CASE}).status_code == 202
    assert subjects(mailbox, SHOWN) == ["Demande de confirmation"] * 2
    token = mailbox.token(SHOWN)
    assert api.post("/api/accounts/confirm", {"token": token}).json_body == {"status": "confirmed"}
    ident = authority.get("/api/authority/accounts?email=alice.martin").json_body[0]["id"]
    assert authority.post(f"/api/authority/accounts/{ident}/activate").status_code == 200
    person = logged_in(new_api, OTHER_CASE)
    assert person.get("/api/me").json_body["email"] == SHOWN
    assert api.post("/api/password/forgot", {"email": "ALICE.MARTIN@bio-lyon.fr"}).status_code == 202
    assert mailbox.temporary_password(SHOWN)


def test_staff_created_by_the_admin_command_are_unique_in_any_case(aws):
    from dev import admin

    assert admin.main(["create-user", "Agent@ddpp69.gouv.fr", "--password", "Rhone-Valley-2026!",
                       "--organisation", "FR-DDPP-69"]) == 0
    assert admin.main(["create-user", "agent@DDPP69.gouv.fr", "--password", "Rhone-Valley-2026!",
                       "--organisation", "FR-DDPP-69"]) == 2


def test_a_local_part_over_64_characters_is_refused_on_the_email_field(new_api, mailbox):
    english = new_api("en")
    address = "m" * 65 + "@bio-lyon.fr"
    response = english.post("/api/accounts", registration(address))
    assert (response.status_code, error_code(response)) == (400, "invalid_input")
    assert error_fields(response)["email"] == "This e-mail address is not valid."
    assert english.post("/api/accounts", registration("m" * 64 + "@bio-lyon.fr")).status_code == 202


# --- the migration of accounts stored before e-mails were compared case-insensitively ----------

def _as_before(email_address: str):
    """The account as an older release stored it: no `email_key`, claimed under the address as
    typed."""
    from chalicelib.domain.normalise import email_key
    from chalicelib.store.accounts import Account, EmailClaim

    account = stored(email_address)
    EmailClaim(email_key(account.email)).delete()
    EmailClaim(account.email, account_id=account.id).save()
    account.update(actions=[Account.email_key.remove()])
    return account


def test_the_migration_gives_older_accounts_their_key_and_claim(api, mailbox, authority, new_api, capsys):
    from chalicelib.store.accounts import EmailClaim
    from dev import admin

    ident = make_valid(api, mailbox, authority, SHOWN)
    _as_before(SHOWN)
    assert new_api().log_in(OTHER_CASE).status_code == 401        # not found by its key yet
    assert admin.main(["migrate-email-keys"]) == 0
    assert "accounts given their e-mail key: 1; e-mail keys claimed: 1" in capsys.readouterr().out
    assert logged_in(new_api, OTHER_CASE).get("/api/me").json_body["id"] == ident
    assert EmailClaim.get("alice.martin@bio-lyon.fr").account_id == ident
    assert api.post("/api/accounts", registration(OTHER_CASE)).status_code == 202
    assert subjects(mailbox, SHOWN)[-1] == ATTEMPT                # no second account
    assert admin.main(["migrate-email-keys"]) == 0                # idempotent
    assert "accounts given their e-mail key: 0; e-mail keys claimed: 0" in capsys.readouterr().out


def test_the_migration_lists_older_accounts_that_differ_only_in_case(api, mailbox, capsys):
    """The case-sensitive release let `jean.roux@…` and `Jean.Roux@…` be two accounts: they cannot
    share one identity, so the older keeps the address and a person settles the other."""
    from datetime import timedelta

    from chalicelib.store.accounts import Account, EmailClaim
    from dev import admin

    assert api.post("/api/accounts", registration("jean.roux@bio-lyon.fr")).status_code == 202
    older = _as_before("jean.roux@bio-lyon.fr")
    newer = Account.get(older.id)
    newer.id, newer.email = "f" * 32, "Jean.Roux@bio-lyon.fr"
    newer.created_at = older.created_at + timedelta(days=1)
    newer.save()
    EmailClaim(newer.email, account_id=newer.id).save()
    assert admin.main(["migrate-email-keys"]) == 0
    assert "jean.roux@bio-lyon.fr / Jean.Roux@bio-lyon.fr" in capsys.readouterr().err
    assert EmailClaim.get("jean.roux@bio-lyon.fr").account_id == older.id
    assert stored("JEAN.ROUX@bio-lyon.fr").id in (older.id, newer.id)


def test_init_adds_an_index_that_a_table_of_an_older_release_lacks(aws):
    import boto3

    from chalicelib.store.accounts import Account
    from chalicelib.store.tables import create_all

    client = boto3.client("dynamodb", region_name="eu-west-1")
    client.update_table(TableName=Account.Meta.table_name,
                        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_email_key"}}])
    assert "by_email_key" not in {i["IndexName"] for i in Account.describe_table()["GlobalSecondaryIndexes"]}
    assert create_all() == ["traces-test-accounts.by_email_key"]
    assert "by_email_key" in {i["IndexName"] for i in Account.describe_table()["GlobalSecondaryIndexes"]}
    assert create_all() == []
