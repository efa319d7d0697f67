from django.urls import path

from inventory import views, views_importexport

app_name = "inventory"
urlpatterns = [
    path("", views.system_list, name="system_list"),
    path("new/", views.system_create, name="system_create"),
    path("export/", views_importexport.system_export, name="system_export"),
    path("import/", views_importexport.system_import, name="system_import"),
    path("import/template.xlsx", views_importexport.system_import_template, name="system_import_template"),
    path("<int:pk>/", views.system_detail, name="system_detail"),
    path("<int:pk>/edit/", views.system_edit, name="system_edit"),
    path("<int:pk>/archive/", views.system_archive, name="system_archive"),
    path("<int:pk>/dependencies/", views.dependency_add, name="dependency_add"),
    path("<int:pk>/dependencies/<int:dep_pk>/remove/", views.dependency_remove, name="dependency_remove"),
    path("information-types/", views.infotype_list, name="infotype_list"),
    path("information-types/new/", views.infotype_edit, name="infotype_create"),
    path("information-types/<int:pk>/edit/", views.infotype_edit, name="infotype_edit"),
]
