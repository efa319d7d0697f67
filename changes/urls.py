from django.urls import path

from changes import views

app_name = "changes"
urlpatterns = [
    path("", views.change_list, name="change_list"),
    path("new/", views.change_edit, name="change_create"),
    path("calendar/", views.calendar, name="calendar"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("<int:pk>/", views.change_detail, name="change_detail"),
    path("<int:pk>/edit/", views.change_edit, name="change_edit"),
    path("<int:pk>/schedule/", views.change_schedule, name="change_schedule"),
    path("<int:pk>/decision/", views.change_decide, name="change_decide"),
    path("<int:pk>/steps/", views.change_step, name="change_step"),
    path("<int:pk>/test-environment/", views.change_test_environment, name="change_test_environment"),
    path("<int:pk>/acceptance-test/", views.change_acceptance, name="change_acceptance"),
    path("<int:pk>/close/", views.change_close, name="change_close"),
    path("<int:pk>/closing-answer/", views.change_answer, name="change_answer"),
    path("<int:pk>/cancel/", views.change_cancel, name="change_cancel"),
    path("cab/", views.cab_list, name="cab_list"),
    path("cab/<int:pk>/", views.cab_detail, name="cab_detail"),
    path("cab/<int:pk>/papers/", views.cab_papers, name="cab_papers"),
    path("cab/<int:pk>/decisions.docx", views.cab_document, name="cab_docx"),
    path("cab/<int:pk>/decisions.pdf", views.cab_document, {"fmt": "pdf"}, name="cab_pdf"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_edit, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("pre-approvals/", views.standing_list, name="standing_list"),
    path("settings/", views.settings_edit, name="settings"),
]
