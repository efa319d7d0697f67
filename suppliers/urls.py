from django.urls import path

from suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.supplier_list, name="supplier_list"),
    path("new/", views.supplier_edit, name="supplier_create"),
    path("<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("<int:pk>/gaps/actions/", views.supplier_gaps_to_actions, name="supplier_gaps_to_actions"),
    path("gaps/", views.gap_list, name="gap_list"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_edit, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/delete/", views.contract_delete, name="contract_delete"),
    path("contracts/<int:pk>/checklist/<int:area_id>/", views.assessment_edit, name="assessment_edit"),
]
