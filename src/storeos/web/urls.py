from django.urls import path

from storeos.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("stores/", views.stores, name="stores"),
    path("store/switch/", views.switch_store, name="switch_store"),
]
