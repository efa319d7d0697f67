from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("new/", views.review_edit, name="review_add"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("<int:pk>/gather/", views.review_gather, name="review_gather"),
    path("<int:pk>/close/", views.review_close, name="review_close"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/document.docx", views.review_document, name="review_docx"),
    path("<int:pk>/document.pdf", views.review_document, {"fmt": "pdf"}, name="review_pdf"),
]
