from django.urls import path

from kpis import views

app_name = "kpis"
urlpatterns = [
    path("", views.definition_list, name="definition_list"),
    path("new/", views.definition_edit, name="definition_create"),
    path("<int:pk>/", views.definition_detail, name="definition_detail"),
    path("<int:pk>/edit/", views.definition_edit, name="definition_edit"),
    path("<int:pk>/export/", views.definition_export, name="definition_export"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/import/", views.report_import, name="report_import"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/verdict/", views.report_verdict, name="report_verdict"),
    path("verdicts/<int:pk>/action/", views.verdict_action, name="verdict_action"),
    path("follow-up/", views.followup, name="followup"),
]
