"""SES's notifications: which addresses get no more mail, and why."""
from chalicelib.domain.mail_feedback import BOUNCE, COMPLAINT, suppressions


def test_a_permanent_bounce_and_a_complaint_suppress_their_recipients():
    bounce = {"eventType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": [
        {"emailAddress": "a@x.fr"}, {"emailAddress": "b@x.fr"}]}}
    assert suppressions(bounce) == [("a@x.fr", BOUNCE), ("b@x.fr", BOUNCE)]
    complaint = {"notificationType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": "c@x.fr"}]}}
    assert suppressions(complaint) == [("c@x.fr", COMPLAINT)]


def test_a_transient_bounce_a_delivery_or_a_malformed_message_suppress_nothing():
    assert suppressions({"eventType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": [
        {"emailAddress": "a@x.fr"}]}}) == []
    assert suppressions({"eventType": "Delivery", "delivery": {}}) == []
    assert suppressions({"eventType": "Bounce"}) == [] and suppressions({}) == []
    assert suppressions({"eventType": "Complaint", "complaint": {"complainedRecipients": [{}]}}) == []
