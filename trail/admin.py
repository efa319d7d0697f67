from django.contrib import admin

from trail.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched here but never changed."""

    list_display = ("seq", "created_at", "actor_label", "source", "action", "model", "object_repr")
    list_filter = ("action", "source", "model")
    search_fields = ("object_repr", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
