from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/report.docx", views.audit_report, name="audit_report_docx"),
    path("audits/<int:pk>/report.pdf", views.audit_report, {"fmt": "pdf"}, name="audit_report_pdf"),
    path("audits/<int:pk>/adopt/", views.audit_adopt, name="audit_adopt"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
]
