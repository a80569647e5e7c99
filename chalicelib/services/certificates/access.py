"""Who acts on a COI: the parties a person acts as and what the matrix allows them."""
import re


from ...domain import coi as rules
from ...domain.errors import N_, NotFound
from ...store.cois import Coi
from ..sessions import Current

_ID = re.compile(r"^[0-9a-f]{32}$")


class Access:
    """A person facing a COI: the parties they act as and what the matrix allows them."""

    def __init__(self, current: Current, coi: Coi):
        self.current, self.coi = current, coi
        self.organisations = set(current.account.roles)
        private = rules.private(coi.status, coi.number)
        self.acting = rules.acting_as(coi.boxes, self.organisations, private,
                                      coi.created_by_organisation, coi.created_as)
        if not rules.visible_to(private, self.acting, self.organisations,
                                coi.created_by_organisation):
            raise NotFound(N_("There is no such certificate."))
        self.allowed = rules.allowed(coi.status, self.acting, bool(coi.is_extract))
        if coi.replaced_by:   # a replacement is under way: the old COI is no longer edited
            self.allowed = rules.Allowed(frozenset(), self.allowed.actions - {"replace"})

    def organisation_for(self, *parties: str) -> str:
        """The organisation through which the person acts as one of `parties`."""
        if rules.private(self.coi.status, self.coi.number):
            return self.coi.created_by_organisation
        named = rules.parties_of(self.coi.boxes)
        return next(named[p] for p in parties if p in self.acting and p in named)

    def acting_organisation(self) -> str:
        return self.organisation_for(*rules.PARTIES)


def read_along(coi_id: str) -> tuple:
    """What a request about one COI reads with its session, in the same call (security.current's
    `items`): the COI."""
    return ((Coi, coi_id),)


def load(current: Current, coi: Coi | None) -> Access:
    if coi is None:
        raise NotFound(N_("There is no such certificate."))
    return Access(current, coi)


def valid_id(coi_id: str) -> bool:
    return bool(_ID.match(coi_id or ""))
