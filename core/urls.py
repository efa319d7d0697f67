from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("switch-organisation/", views.switch_organisation, name="switch_organisation"),
    path("health/", views.health, name="health"),
    path("picker/<slug:picker>/", views.picker, name="picker"),
]
