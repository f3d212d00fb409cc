"""Receipt and sales-dashboard routes. Include at the site root: the e-receipt lives at /r/<token>
so the QR code printed on paper stays short; the staff pages live under /sales/."""

from django.urls import path

from storeos.sales import views_dashboard, views_receipts

app_name = "sales_reports"

urlpatterns = [
    path("sales/orders/<uuid:order_uuid>/receipt", views_receipts.receipt, name="receipt"),
    path(
        "sales/orders/<uuid:order_uuid>/receipt.pdf",
        views_receipts.receipt_pdf_download,
        name="receipt_pdf",
    ),
    path("sales/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("r/<str:token>.pdf", views_receipts.e_receipt_pdf, name="e_receipt_pdf"),
    path("r/<str:token>", views_receipts.e_receipt, name="e_receipt"),
]
