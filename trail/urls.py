from django.urls import path

from trail import views

app_name = "trail"
urlpatterns = [
    path("", views.log, name="log"),
    path("checkpoint/", views.checkpoint_create, name="checkpoint_create"),
    path("checkpoint/latest.json", views.checkpoint_latest, name="checkpoint_latest"),
    path("verify/", views.verify, name="verify"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
]
