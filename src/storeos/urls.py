from django.contrib import admin
from django.urls import include, path

from storeos.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("catalog/", include("storeos.catalog.urls")),
    path("inventory/", include("storeos.inventory.urls")),
    path("members/", include("storeos.loyalty.urls")),
    path("promotions/", include("storeos.promotions.urls")),
    path("pos/", include("storeos.sales.urls_pos")),
    path("", include("storeos.sales.urls_receipts")),
    path("", include("storeos.web.urls")),
]

handler500 = "storeos.web.errors.server_error"
