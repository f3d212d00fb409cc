"""The site's URLs with the sales API at /api/v1/sales/, for the API tests, whether or not the
main API mounts the sales router yet (a stand-in API with the same auth and error handlers)."""

from django.urls import path
from ninja import NinjaAPI

from storeos.api.api import api
from storeos.sales.api import router
from storeos.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(mounted is router for _, mounted in api._routers):
    stand_in = NinjaAPI(urls_namespace="sales-tests", auth=api.auth, docs_url=None)
    for exc_class, handler in api._exception_handlers.items():
        stand_in.add_exception_handler(exc_class, handler)
    stand_in.add_router("/v1/sales/", router)
    urlpatterns.insert(0, path("api/", stand_in.urls))
