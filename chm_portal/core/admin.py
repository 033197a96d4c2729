from django.contrib import admin

from .models import PendingTask, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at", "beats"]
    readonly_fields = ["hostname", "seen_at", "beats"]

    def has_add_permission(self, request):
        return False


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    """Background work not done yet: the sweep sends it again; rows with many attempts need an
    operator (read the last error, then delete the row or fix the cause)."""

    list_display = ["task_name", "arguments", "created_at", "attempts"]
    list_filter = ["task_name"]
    readonly_fields = ["task_name", "arguments", "created_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
