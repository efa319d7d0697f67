from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("audits/", views.audit_list, name="audit_list"),
]
