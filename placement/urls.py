from django.urls import path

from placement import views
from placement.models import Perspective

app_name = "placement"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/questions/", views.questions, name="questions"),
    path("<int:pk>/alternatives/new/", views.alternative_create, name="alternative_create"),
    path("<int:pk>/security/", views.perspective, {"perspective": Perspective.SECURITY}, name="security"),
    path("<int:pk>/law/", views.perspective, {"perspective": Perspective.LEGAL}, name="law"),
    path("<int:pk>/technology/", views.perspective, {"perspective": Perspective.TECHNICAL}, name="technology"),
    path("<int:pk>/economy/", views.perspective, {"perspective": Perspective.ECONOMIC}, name="economy"),
    path("<int:pk>/rules/", views.mitigation_add, name="mitigation_add"),
    path("<int:pk>/combined/", views.combined, name="combined"),
    path("<int:pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/document.docx", views.document_docx, name="document_docx"),
    path("<int:pk>/document.pdf", views.document_pdf, name="document_pdf"),
    path("alternatives/<int:pk>/edit/", views.alternative_edit, name="alternative_edit"),
    path("alternatives/<int:pk>/delete/", views.alternative_delete, name="alternative_delete"),
    path("alternatives/<int:pk>/verdict/", views.verdict_save, name="verdict_save"),
    path("alternatives/<int:pk>/requirements/", views.requirements_save, name="requirements_save"),
    path("alternatives/<int:pk>/osl/", views.osl_save, name="osl_save"),
    path("alternatives/<int:pk>/risk/", views.risk_raise, name="risk_raise"),
    path("rules/<int:pk>/delete/", views.mitigation_remove, name="mitigation_remove"),
]
