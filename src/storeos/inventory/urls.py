from django.urls import path

from storeos.inventory import count_views, views

app_name = "inventory"

urlpatterns = [
    path("", views.stock_overview, name="stock_overview"),
    path("stock/rows/", views.stock_rows, name="stock_rows"),
    path("card/<int:location_id>/<int:sku_id>/", views.stock_card, name="stock_card"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_id>/ship/", views.transfer_ship, name="transfer_ship"),
    path("transfers/<int:transfer_id>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<int:transfer_id>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("counts/", count_views.count_list, name="count_list"),
    path("counts/new/", count_views.count_open, name="count_open"),
    path("counts/<int:count_id>/", count_views.count_detail, name="count_detail"),
    path("counts/<int:count_id>/record/", count_views.count_record, name="count_record"),
    path("counts/<int:count_id>/upload/", count_views.count_upload, name="count_upload"),
    path("counts/<int:count_id>/post/", count_views.count_post, name="count_post"),
    path("counts/<int:count_id>/cancel/", count_views.count_cancel, name="count_cancel"),
    path("scrap/", views.scrap_list, name="scrap_list"),
    path("scrap/new/", views.scrap_create, name="scrap_create"),
    path("scrap/losses/", views.loss_report, name="loss_report"),
    path("scrap/<int:request_id>/", views.scrap_detail, name="scrap_detail"),
    path("scrap/<int:request_id>/approve/", views.scrap_approve, name="scrap_approve"),
    path("scrap/<int:request_id>/reject/", views.scrap_reject, name="scrap_reject"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
