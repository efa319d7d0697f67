from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_create, name="incident_create"),
    path("deadlines/", views.clocks, name="clocks"),
    path("breaches/", views.breach_list, name="breach_list"),
    path("severities/", views.severity_list, name="severity_list"),
    path("severities/new/", views.severity_edit, name="severity_create"),
    path("severities/<int:pk>/", views.severity_edit, name="severity_edit"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/addressees/", views.incident_address, name="incident_address"),
    path("<int:pk>/updates/", views.incident_update_add, name="incident_update_add"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/assessment/", views.case_assess, name="case_assess"),
    path("cases/<int:pk>/reports/<str:stage>/", views.stage_submit, name="stage_submit"),
    path("cases/<int:pk>/drafts/<str:stage>.<str:fmt>", views.stage_draft, name="stage_draft"),
    path("reports/<int:pk>.<str:fmt>", views.submission_document, name="submission_document"),
    path("cases/<int:pk>/notes/", views.note_add, name="note_add"),
    path("cases/<int:pk>/handling-ended/", views.end_handling, name="end_handling"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/review/", views.review_edit, name="review_edit"),
    path("cases/<int:pk>/review/lessons/", views.lesson_add, name="lesson_add"),
    path("cases/<int:pk>/review/complete/", views.review_complete, name="review_complete"),
]
