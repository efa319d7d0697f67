from django.urls import path

from requirements import views

app_name = "requirements"
urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.requirement_edit, name="requirement_create"),
    path("catalogue/<int:pk>/", views.requirement_edit, name="requirement_edit"),
    path("systems/<int:pk>/", views.system_requirements, name="system_requirements"),
    path("systems/<int:pk>/requirements/<int:requirement_pk>/", views.status_edit, name="status_edit"),
    path("systems/<int:pk>/requirements/<int:requirement_pk>/action/", views.status_action, name="status_action"),
    path("systems/<int:pk>/export.xlsx", views.system_export, {"fmt": "xlsx"}, name="system_export_xlsx"),
    path("systems/<int:pk>/export.docx", views.system_export, {"fmt": "docx"}, name="system_export_docx"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("soa/", views.soa, name="soa"),
    path("soa/generate/", views.soa_generate, name="soa_generate"),
    path("soa/controls/<int:pk>/", views.soa_edit, name="soa_edit"),
    path("soa/export.xlsx", views.soa_export, name="soa_export"),
]
