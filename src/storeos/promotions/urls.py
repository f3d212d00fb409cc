from django.urls import path

from storeos.promotions import views

app_name = "promotions"

urlpatterns = [
    path("", views.promotion_list, name="promotion_list"),
    path("new/", views.promotion_create, name="promotion_create"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("<int:promotion_id>/", views.promotion_detail, name="promotion_detail"),
    path("<int:promotion_id>/edit/", views.promotion_edit, name="promotion_edit"),
    path("<int:promotion_id>/simulate/", views.promotion_simulate, name="promotion_simulate"),
    path("<int:promotion_id>/<slug:step>/", views.promotion_step, name="promotion_step"),
    path("coupons/", views.coupon_template_list, name="coupon_template_list"),
    path("coupons/<int:template_id>/", views.coupon_template_detail, name="coupon_template_detail"),
    path("coupons/batches/<int:batch_id>.csv", views.code_batch_csv, name="code_batch_csv"),
    path("labels/", views.label_monitor, name="label_monitor"),
]
