from django.contrib import admin

from inventory.models import InformationType, System, SystemDependency


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "hosting", "criticality", "lifecycle", "archived_at")
    list_filter = ("organisation", "hosting", "criticality", "lifecycle")
    search_fields = ("name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("owner", "administrator", "supplier", "unit")


admin.site.register(InformationType)
admin.site.register(SystemDependency)
