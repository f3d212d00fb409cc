"""The till screen, included at /pos/."""

from django.urls import path

from storeos.sales import views_pos

app_name = "pos"

urlpatterns = [
    path("", views_pos.pos_screen, name="screen"),
    path("lookup", views_pos.pos_lookup, name="lookup"),
    path("search", views_pos.pos_search, name="search"),
    path("qr.svg", views_pos.pos_qr, name="qr"),
    path("member", views_pos.pos_member, name="member"),
    path("member/points", views_pos.pos_member_points, name="member_points"),
]
