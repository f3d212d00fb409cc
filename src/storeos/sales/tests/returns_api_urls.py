"""The site's URLs with the returns API at /api/v1/sales/, for its tests, whether or not the main
API mounts the returns router yet (a stand-in API with the same auth and error handlers)."""

from django.urls import Resolver404, path, resolve
from ninja import NinjaAPI

from storeos.api.api import api
from storeos.sales.api_returns import router
from storeos.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
try:
    resolve("/api/v1/sales/return-policies")
except Resolver404:
    stand_in = NinjaAPI(urls_namespace="sales-returns-tests", auth=api.auth, docs_url=None)
    for exc_class, handler in api._exception_handlers.items():
        stand_in.add_exception_handler(exc_class, handler)
    stand_in.add_router("/v1/sales/", router)
    urlpatterns.insert(0, path("api/", stand_in.urls))
