"""Every table of the product, for creation by `dev.admin init` and by tests."""
from .accounts import Account, EmailClaim
from .audit import AuditRecord
from .cois import Coi, CoiNumber, CoiParty, RateCounter
from .authorisations import Authorisation
from .organisations import IdentifierClaim, Organisation
from .sessions import Session
from .tokens import Token

MODELS = (Account, EmailClaim, Session, Token, Organisation, IdentifierClaim, Authorisation,
          AuditRecord, Coi, CoiParty, CoiNumber, RateCounter)


def create_all() -> list[str]:
    """Create the missing tables (with their indexes and TTL). Idempotent."""
    created = []
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            created.append(model.Meta.table_name)
    return created
