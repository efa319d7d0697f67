from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_edit, name="audit_add"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:pk>/observations/new/", views.observation_add, name="observation_add"),
    path("audits/<int:pk>/report.docx", views.audit_report, name="audit_report_docx"),
    path("audits/<int:pk>/report.pdf", views.audit_report, {"fmt": "pdf"}, name="audit_report_pdf"),
    path("audits/<int:pk>/adopt/", views.audit_adopt, name="audit_adopt"),
    path("audits/<int:pk>/assess/", views.audit_assess, name="audit_assess"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("observations/<int:pk>/edit/", views.observation_edit, name="observation_edit"),
    path("observations/<int:pk>/delete/", views.observation_delete, name="observation_delete"),
    path("observations/<int:pk>/respond/", views.observation_respond, name="observation_respond"),
    path("recommendations/<int:pk>/action/", views.recommendation_action, name="recommendation_action"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
