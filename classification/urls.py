from django.urls import path

from classification import views

app_name = "classification"
urlpatterns = [
    path("", views.classification_list, name="list"),
    path("settings/", views.settings_view, name="settings"),
    path("questions/", views.question_list, name="questions"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("questions-to-us/", views.to_us_list, name="to_us"),
    path("questions-to-us/<int:pk>/", views.to_us_answer, name="to_us_answer"),
    path("information-types/<int:pk>/", views.classify, name="classify"),
    path("information-types/<int:pk>/preview/", views.preview, name="preview"),
    path("information-types/<int:pk>/start/", views.start, name="start"),
    path("systems/<int:pk>/new-information-type/", views.new_for_system, name="new_for_system"),
    path("<int:pk>/", views.classification_detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/questions/", views.question_create, name="question_create"),
]
