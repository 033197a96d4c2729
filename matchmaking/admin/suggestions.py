"""Admin of the engine's output: stored suggestions (read-only) and pending refreshes."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import RelatedSuggestion, Suggestion, SuggestionRefresh
from ..reasons import reason_texts
from ..services.suggestions import suggestions_request_refresh


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the engine only; the help desk's actions ask for recomputation."""

    def has_propose_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.propose_match")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("need", "rank", "offer", "score", "reason_list", "algorithm_version")
    list_filter = ("algorithm_version",)
    list_select_related = ("need", "offer")
    search_fields = ("need__reference", "need__external_id", "offer__external_id")
    date_hierarchy = "computed_at"
    actions = ["recompute"]

    @admin.display(description=_("reasons"))
    def reason_list(self, suggestion: Suggestion) -> str:
        return "; ".join(reason_texts(suggestion.reasons))

    @admin.action(
        description=_("Recompute the suggestions of these requests"), permissions=["propose"]
    )
    def recompute(self, request, queryset):
        need_ids = set(queryset.values_list("need_id", flat=True))
        for need_id in need_ids:
            suggestions_request_refresh(kind=SuggestionRefresh.Kind.NEED, object_id=need_id)
        self.message_user(
            request,
            ngettext(
                "The suggestions of %(count)d request will be recomputed shortly.",
                "The suggestions of %(count)d requests will be recomputed shortly.",
                len(need_ids),
            )
            % {"count": len(need_ids)},
            messages.SUCCESS,
        )


@admin.register(RelatedSuggestion)
class RelatedSuggestionAdmin(ReadOnlyAdmin):
    list_display = ("need", "kind", "rank", "object_id", "score", "algorithm_version")
    list_filter = ("kind", "algorithm_version")
    list_select_related = ("need",)
    search_fields = ("need__reference",)


@admin.register(SuggestionRefresh)
class SuggestionRefreshAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_id", "requested_at", "attempts", "last_error")
    list_filter = ("kind",)
    actions = ["retry"]

    @admin.action(description=_("Try these refreshes again"), permissions=["propose"])
    def retry(self, request, queryset):
        count = queryset.update(attempts=0, last_error="")
        self.message_user(
            request,
            ngettext(
                "%(count)d refresh will be tried again.",
                "%(count)d refreshes will be tried again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
