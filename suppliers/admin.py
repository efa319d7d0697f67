from django.contrib import admin

from suppliers.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "org_number")
    list_filter = ("organisation",)
    search_fields = ("name",)
