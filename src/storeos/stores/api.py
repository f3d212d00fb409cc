"""HTTP endpoints of the stores context (thin: they call services and selectors)."""

from ninja import Router

router = Router(tags=["stores"])
