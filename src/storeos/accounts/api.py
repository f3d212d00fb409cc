"""HTTP endpoints of the accounts context (thin: they call services and selectors)."""

from ninja import Router

router = Router(tags=["accounts"])
