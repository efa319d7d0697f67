from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("", views.risk_list, name="risk_list"),
    path("overview/", views.risk_overview, name="overview"),
    path("new/", views.risk_create, name="risk_create"),
    path("level/", views.level_preview, name="level_preview"),
    path("export/", views.risk_export, name="risk_export"),
    path("import/", views.risk_import, name="risk_import"),
    path("<int:pk>/", views.risk_detail, name="risk_detail"),
    path("<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("<int:pk>/accept/", views.risk_accept, name="risk_accept"),
    path("<int:pk>/treatments/new/", views.treatment_create, name="treatment_create"),
    path("treatments/<int:pk>/edit/", views.treatment_edit, name="treatment_edit"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_edit, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("threats/", views.threat_list, name="threat_list"),
    path("threats/new/", views.threat_edit, name="threat_create"),
    path("threats/<int:pk>/edit/", views.threat_edit, name="threat_edit"),
    path("matrix/", views.matrix_settings, name="matrix_settings"),
]
