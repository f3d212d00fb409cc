from django.urls import path

from storeos.catalog import views

app_name = "catalog"

urlpatterns = [
    path("skus/", views.sku_list, name="sku_list"),
    path("skus/results/", views.sku_results, name="sku_results"),
    path("skus/<int:sku_id>/", views.sku_detail, name="sku_detail"),
    path("skus/<int:sku_id>/edit/", views.sku_edit, name="sku_edit"),
    path("skus/<int:sku_id>/price/", views.price_change, name="price_change"),
]
