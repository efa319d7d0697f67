from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
]
