"""Loyalty's Huey jobs, one module per area (Huey imports this package at start-up)."""

from storeos.loyalty import messages  # noqa: F401 (message sending jobs live beside the outbox)
from storeos.loyalty.tasks import engagement, ledger, segments, tiers  # noqa: F401
