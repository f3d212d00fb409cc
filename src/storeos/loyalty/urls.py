from django.urls import path

from storeos.loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("rows/", views.member_rows, name="member_rows"),
    path("new/", views.member_register, name="member_register"),
    path("segments/", views.segment_overview, name="segment_overview"),
    path("segments/export/", views.segment_export, name="segment_export"),
    path("<int:member_id>/", views.member_detail, name="member_detail"),
    path("<int:member_id>/history/", views.points_history, name="points_history"),
    path("<int:member_id>/phone/", views.phone_reveal, name="phone_reveal"),
    path("<int:member_id>/points/", views.points_adjust, name="points_adjust"),
]
