from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_edit, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:pk>/minutes.docx", views.minutes_document, name="minutes_document"),
    path("<int:pk>/minutes.pdf", views.minutes_document, {"fmt": "pdf"}, name="minutes_pdf"),
    path("<int:pk>/<slug:kind>/new/", views.child_edit, name="child_create"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/", views.child_edit, name="child_edit"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/delete/", views.child_delete, name="child_delete"),
    path("papers/<int:pk>/", views.paper_file, name="paper_file"),
    path("action-items/<int:pk>/take/", views.action_item_take, name="action_item_take"),
]
