"""HTTP endpoints of the catalog context (thin: they call services and selectors)."""

from ninja import Router

router = Router(tags=["catalog"])
