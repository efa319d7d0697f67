from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("new/", views.action_edit, name="action_create"),
    path("<int:pk>/", views.action_edit, name="action_edit"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("notes/<int:pk>/file/", views.note_file, name="note_file"),
    path("export.xlsx", views.action_export, name="action_export"),
    path("reminders/", views.my_reminders, name="reminders"),
]
