"""Emails to staff: what changed in their duties when a version is published, swap
offers and decisions, leave decisions. Queued in the outbox within the transaction
that made the news (``outbox``), sent after it commits by the background sender
(``sender``), retried with back-off, every attempt in the audit log."""
