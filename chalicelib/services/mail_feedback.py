"""SES's bounces and complaints (an SNS message each): the account of each address is marked,
so that its owner and the back office see why mail stopped; SES's configuration set suppresses
the address itself, so no more mail is delivered to it."""
import json
from datetime import datetime

from ..domain import normalise
from ..domain.mail_feedback import suppressions
from ..store import accounts


def handle(event: dict, now: datetime) -> int:
    """Marks the accounts of the addresses in the SNS records of `event`; how many."""
    marked = 0
    for record in event.get("Records") or []:
        notification = json.loads(record["Sns"]["Message"])
        for address, reason in suppressions(notification):
            marked += accounts.suppress_mail(normalise.email_key(address.strip()), reason, now)
    return marked
