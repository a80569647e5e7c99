"""Outbound delivery of webhooks: the queue (SQS) and the signed HTTP POST."""
