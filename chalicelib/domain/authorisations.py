"""Authorisations, a person's roles in organisations (SPEC 2.2): statuses and transitions as data,
the one-role-type rule and who may decide."""
from .errors import Conflict, Forbidden, N_

REQUESTED, VALID, REJECTED, SUSPENDED, WITHDRAWN = (
    "requested", "valid", "rejected", "suspended", "withdrawn")
STATUSES = (REQUESTED, VALID, REJECTED, SUSPENDED, WITHDRAWN)
# A person may not ask again for an organisation while a role there is in one of these.
OPEN = (REQUESTED, VALID, SUSPENDED)

# (status, action) -> new status. The store writes each one conditionally on the old status.
TRANSITIONS = {
    (REQUESTED, "validate"): VALID,
    (REQUESTED, "reject"): REJECTED,
    (REQUESTED, "withdraw"): WITHDRAWN,
    (VALID, "suspend"): SUSPENDED,
    (SUSPENDED, "reinstate"): VALID,
}
VALIDATOR_ACTIONS = ("validate", "reject", "suspend", "reinstate")


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise Conflict(N_("This action is not possible for a role in this state."),
                       code="wrong_state") from None


def check_role_kind(held_kind: str | None, has_roles: bool, wanted_kind: str) -> None:
    """One type of role per person (operator, control body or authority), in any number of
    organisations of that type."""
    if held_kind and has_roles and held_kind != wanted_kind:
        raise Conflict(N_("A person holds one type of role only: operator, control body or "
                          "authority."), code="one_role_type")


def check_may_decide(actor_id: str, requester_id: str, administers: set, valid_roles: dict,
                     organisation_id: str, competent_id: str | None, action: str) -> None:
    """Validators are the organisation's administrators and the people of its competent validator
    (authority, control body or the system administration). Nobody decides on their own role; the
    requester alone withdraws."""
    if action == "withdraw":
        if actor_id != requester_id:
            raise Forbidden(N_("Only the person who asked may withdraw a request."))
        return
    if actor_id == requester_id:
        raise Forbidden(N_("Nobody validates their own request."), code="own_request")
    if organisation_id in administers:
        return
    if competent_id and competent_id in valid_roles:
        return
    raise Forbidden(N_("You may not decide on this role."))


def is_validator(administers: set, valid_roles: dict, organisation_id: str,
                 competent_id: str | None) -> bool:
    return organisation_id in administers or bool(competent_id and competent_id in valid_roles)
