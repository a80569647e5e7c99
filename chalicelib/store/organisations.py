"""Table `organisations`: operators, control bodies and authorities (SPEC 2.1). Reference
organisations use their official code as id (`FR-DDPP-69`, `FR-BIO-01`); those that users create
get a random id."""
from pynamodb.attributes import (ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute,
                                 UnicodeSetAttribute, UTCDateTimeAttribute)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .base import meta

OPERATOR, CONTROL_BODY, AUTHORITY = "operator", "control_body", "authority"
REQUESTED, VALID = "requested", "valid"


class ByCountry(GlobalSecondaryIndex):
    """Directory search: country is mandatory, then kind and name through the sort key."""

    class Meta:
        index_name = "by_country"
        projection = AllProjection()

    country = UnicodeAttribute(hash_key=True)
    kind_name = UnicodeAttribute(range_key=True)


class Organisation(Model):
    Meta = meta("organisations")

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute(default=VALID)
    code = UnicodeAttribute(null=True)
    name = UnicodeAttribute()
    country = UnicodeAttribute()
    region = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    contacts = MapAttribute(default=dict)
    identifiers = ListAttribute(of=MapAttribute, default=list)
    sections = UnicodeSetAttribute(null=True)
    activities = UnicodeSetAttribute(null=True)
    control_body_id = UnicodeAttribute(null=True)
    certifies_in = UnicodeSetAttribute(null=True)
    role = UnicodeAttribute(null=True)
    competence = UnicodeSetAttribute(null=True)
    authority_id = UnicodeAttribute(null=True)       # who validates its operators' roles
    administrator_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    kind_name = UnicodeAttribute()                   # "<kind>#<lower-cased name>#<id>"

    by_country = ByCountry()


def sort_key(kind: str, name: str, organisation_id: str) -> str:
    return f"{kind}#{name.casefold()}#{organisation_id}"


def get(organisation_id: str) -> Organisation | None:
    try:
        return Organisation.get(organisation_id)
    except Organisation.DoesNotExist:
        return None
