"""The HTTP API: one Ninja object, version 1, with JSON errors `{"code", "message", "details"}`."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from storeos.api.auth import api_auth
from storeos.core.errors import DomainError

api = NinjaAPI(
    title="StoreOS API",
    version="1",
    description="Stores, catalog and prices of a StoreOS chain. Authenticate with a bearer token.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=api_auth,
)


def _error(request: HttpRequest, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return _error(
        request, 422, "validation_error", "The request is not valid.", {"errors": exc.errors}
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "not_authenticated", "Authentication required.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # Ninja's only 400 is a body it cannot parse (broken JSON, a malformed multipart form):
        # a refusal of the request like any other invalid input, so the documented 422.
        return _error(request, 422, "body_unreadable", _("The request body cannot be read."))
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(OverflowError)
def on_number_out_of_range(request, exc: OverflowError):
    # SQLite cannot bind an integer past 64 bits (an id the client made up): bad input, not a
    # server fault. PostgreSQL compares such a number as a numeric and simply finds no row.
    return _error(request, 422, "value_out_of_range", _("A value in the request is out of range."))


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return _error(request, 404, "not_found", _("Not found."))


# Last in the URL list: a path under /api/ that no operation matches (an unknown endpoint, or an
# id that is not a number) answers a JSON 404 like the API's other refusals, not the HTML page.
_unmatched = Router(auth=None)


@_unmatched.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unmatched(request, rest: str):
    return _error(request, 404, "not_found", _("No such API endpoint."))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    # The database is down, restarting or dropped the connection: the transaction rolled back
    # (or, if the break came after its commit, a retry with the same id returns what it made),
    # so the client is told to send it again rather than shown a 500 page.
    logging.getLogger(__name__).warning("database unavailable: %s", exc)
    response = _error(
        request,
        503,
        "database_unavailable",
        _("The database is not available right now; send the request again shortly."),
    )
    response["Retry-After"] = "2"
    return response


def _register_routers() -> None:
    from storeos.accounts.api import router as accounts_router
    from storeos.catalog.api import router as catalog_router
    from storeos.inventory.api import router as inventory_router
    from storeos.loyalty.api import router as loyalty_router
    from storeos.loyalty.api_member import router as member_router
    from storeos.sales.api import router as sales_router
    from storeos.sales.api_payments import router as payments_router
    from storeos.sales.api_returns import router as returns_router
    from storeos.stores.api import router as stores_router

    api.add_router("/v1/auth/", accounts_router)
    api.add_router("/v1/", stores_router)
    api.add_router("/v1/catalog/", catalog_router)
    api.add_router("/v1/inventory/", inventory_router)
    sales_router.add_router("", payments_router)
    sales_router.add_router("", returns_router)
    api.add_router("/v1/sales/", sales_router)
    api.add_router("/v1/loyalty/", loyalty_router)
    api.add_router("/v1/member/", member_router)
    api.add_router("/v1/labels/", "storeos.promotions.api_labels.router")
    api.add_router("/v1/promotions/", "storeos.promotions.api.router")
    api.add_router("/v1/cart/", "storeos.promotions.api_cart.router")
    api.add_router("", _unmatched)


_register_routers()
