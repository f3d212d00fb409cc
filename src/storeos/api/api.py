"""The HTTP API: one Ninja object, version 1, with JSON errors `{"code", "message", "details"}`."""

from django.http import HttpRequest
from ninja import NinjaAPI
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
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


def _register_routers() -> None:
    from storeos.accounts.api import router as accounts_router
    from storeos.catalog.api import router as catalog_router
    from storeos.inventory.api import router as inventory_router
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


_register_routers()
