"""What SES reports back about delivered mail (its bounce and complaint notifications, through
the configuration set's SNS destination): the addresses that must get no more mail, and why.
A transient bounce (a full mailbox, say) is not one of them."""
BOUNCE, COMPLAINT = "bounce", "complaint"


def suppressions(notification: dict) -> list[tuple[str, str]]:
    """[(address, reason)] of one SES notification (an event destination's `eventType` or an
    identity notification's `notificationType`)."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce":
        bounce = notification.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(r["emailAddress"], BOUNCE) for r in bounce.get("bouncedRecipients") or [] if r.get("emailAddress")]
    if kind == "Complaint":
        complaint = notification.get("complaint") or {}
        return [(r["emailAddress"], COMPLAINT) for r in complaint.get("complainedRecipients") or []
                if r.get("emailAddress")]
    return []
