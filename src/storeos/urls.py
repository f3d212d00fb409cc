from django.contrib import admin
from django.urls import include, path

from storeos.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("catalog/", include("storeos.catalog.urls")),
    path("", include("storeos.web.urls")),
]
