"""The site's URLs with the receipt and sales-dashboard pages mounted, for their tests (whether
or not the site already includes storeos.sales.urls_receipts)."""

from django.urls import include, path

from storeos.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(getattr(p, "namespace", None) == "sales_reports" for p in urlpatterns):
    urlpatterns.insert(0, path("", include("storeos.sales.urls_receipts")))
