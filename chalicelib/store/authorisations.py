"""Table `authorisations`: a person's role in an organisation (SPEC 2.2)."""
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .stage import meta
from .paging import Source

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


class ByValidator(GlobalSecondaryIndex):
    """Requests waiting for a validator: `validator_id` is the deciding authority or control body
    (or `admins:<organisation id>` when the organisation's administrators decide)."""

    class Meta:
        index_name = "by_validator"
        projection = AllProjection()

    validator_id = UnicodeAttribute(hash_key=True)
    status_created = UnicodeAttribute(range_key=True)


class RoleQueue(GlobalSecondaryIndex):
    """Sparse: only requests waiting for a validator carry `queue`, so the hourly digest reads the
    waiting requests and nothing else, grouped by validator."""

    class Meta:
        index_name = "role_queue"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    validator_since = UnicodeAttribute(range_key=True)


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
    # Where the request was routed, and the competent validator of the organisation when it was
    # made (authority, control body or EU-COMMISSION): its people may decide.
    validator_id = UnicodeAttribute(null=True)
    competent_id = UnicodeAttribute(null=True)
    queue = UnicodeAttribute(null=True)              # REQUESTED while waiting for a validator
    validator_since = UnicodeAttribute(null=True)    # "<validator_id>#<created_at>"
    # Copied at request time so that lists need no joins.
    organisation_name = UnicodeAttribute(null=True)
    organisation_kind = UnicodeAttribute(null=True)
    requester_name = UnicodeAttribute(null=True)
    requester_email = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)

    by_account = ByAccount()
    by_organisation = ByOrganisation()
    by_validator = ByValidator()
    role_queue = RoleQueue()


def holders(organisation_id: str, status: str = VALID) -> list[Authorisation]:
    """The authorisations of an organisation in one status (e.g. the people of an authority)."""
    return list(Authorisation.by_organisation.query(
        organisation_id, Authorisation.status_created.startswith(f"{status}#")))


def of_account(account_id: str) -> list[Authorisation]:
    return list(Authorisation.by_account.query(account_id))


def get(authorisation_id: str) -> Authorisation | None:
    try:
        return Authorisation.get(authorisation_id)
    except Authorisation.DoesNotExist:
        return None


def waiting_requests() -> list[Authorisation]:
    """Every request waiting for a validator, grouped by validator (sort key)."""
    return list(Authorisation.role_queue.query(REQUESTED))


def to_decide(administered: list[str], validating: list[str], status: str) -> list[Source]:
    """The Queries of a validator's list of roles in `status`, in order: those of each
    organisation they administer, then those routed to each authority or control body they
    hold a role in (read a page at a time with store.paging)."""
    def in_status():
        return Authorisation.status_created.startswith(f"{status}#")

    return [Source(Authorisation.by_organisation, o, in_status()) for o in administered] + \
        [Source(Authorisation.by_validator, v, in_status()) for v in validating]
