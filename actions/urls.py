from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("new/", views.action_edit, name="action_create"),
    path("<int:pk>/", views.action_edit, name="action_edit"),
    path("reminders/", views.my_reminders, name="reminders"),
]
