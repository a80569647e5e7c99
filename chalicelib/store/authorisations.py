"""Table `authorisations`: a person's role in an organisation (SPEC 2.2)."""
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .base import meta

REQUESTED, VALID, REJECTED, SUSPENDED, WITHDRAWN = "requested", "valid", "rejected", "suspended", "withdrawn"


class ByAccount(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_account"
        projection = AllProjection()

    account_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ByOrganisation(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_organisation"
        projection = AllProjection()

    organisation_id = UnicodeAttribute(hash_key=True)
    status_created = UnicodeAttribute(range_key=True)


class Authorisation(Model):
    Meta = meta("authorisations")

    id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    organisation_id = UnicodeAttribute()
    role_kind = UnicodeAttribute()
    status = UnicodeAttribute()
    administrator = BooleanAttribute(default=False)
    message = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    status_created = UnicodeAttribute()

    by_account = ByAccount()
    by_organisation = ByOrganisation()


def holders(organisation_id: str, status: str = VALID) -> list[Authorisation]:
    """The authorisations of an organisation in one status (e.g. the people of an authority)."""
    return list(Authorisation.by_organisation.query(
        organisation_id, Authorisation.status_created.startswith(f"{status}#")))


def of_account(account_id: str) -> list[Authorisation]:
    return list(Authorisation.by_account.query(account_id))
