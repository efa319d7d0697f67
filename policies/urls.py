from django.urls import path

from policies import views

app_name = "policies"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_edit, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/review/", views.document_review, name="document_review"),
    path("<int:pk>/file/", views.document_file, name="document_file"),
]
