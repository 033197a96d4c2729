"""The help desk's admin of the Bio-Bridge workflow.

- **Matches**: the list with filters (status, origin, country, region, provider, workshop), the
  history of each, and actions that call ``matchmaking.services.matches``: pass a requester's
  interest on to the provider, withdraw. Every field is read-only: a match changes only through
  the workflow.
- **Requests** (``needs.Need``): the needs app's admin, extended with the request's ranked
  suggestions (score, reasons, a "Propose" button per offer leading to a page that asks for the
  message to the provider and calls ``match_propose``) and its matches. It replaces the needs
  app's registration (``admin.site.unregister(Need)``), keeping everything else as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chm_portal.core.admin_tools import RegionFilter, error_text
from needs.admin import NeedAdmin
from needs.models import Need
from partners.models import Offer

from ..forms.matches import ProposeForm
from ..models import Match, MatchEvent
from ..reasons import reason_texts
from ..selectors import matches as selectors
from ..selectors.suggestions import suggestion_list_for_need
from ..services import matches as services
from ..workflow import TransitionNotAllowed

S = Match.Status
ACTION_FORM_TEMPLATE = "matchmaking/matches/admin/action_form.html"
PROPOSE_TEMPLATE = "matchmaking/matches/admin/propose.html"


# --- Filters ------------------------------------------------------------------------------------
class NeedRegionFilter(RegionFilter):
    """UN M49 region (Africa, Americas...) of the requesting country."""

    country_field = "need__country"


# --- Forms of the actions -----------------------------------------------------------------------
class WithdrawActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The requester and the provider (if the match reached it) read it."),
    )


class ProposeActionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the provider"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the provider's members with the proposal, and emailed to them."),
    )


class MatchEventInline(admin.TabularInline):
    """The history of the match, as the services wrote it."""

    model = MatchEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note", "notified_at")
    readonly_fields = fields
    ordering = ("created_at", "pk")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Matches ----------------------------------------------------------------------------------
@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "need_reference",
        "country",
        "offer",
        "provider",
        "status",
        "origin",
        "workshop",
        "created_at",
        "status_changed_at",
    )
    list_display_links = ("__str__",)
    list_filter = (
        "status",
        "origin",
        ("need__country", admin.RelatedOnlyFieldListFilter),
        NeedRegionFilter,
        ("offer__provider", admin.RelatedOnlyFieldListFilter),
        ("workshop", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "need",
        "need__country",
        "offer",
        "offer__provider",
        "workshop",
        "workshop__event",
    )
    search_fields = (
        "need__reference",
        "need__title",
        "offer__title",
        "offer__provider__name",
        "provider_contact_name",
        "provider_contact_email",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    inlines = (MatchEventInline,)
    actions = ["propose_interests", "withdraw"]
    fieldsets = (
        (None, {"fields": ("need", "offer", "status", "origin", "workshop")}),
        (
            _("The engine's view"),
            {"fields": ("score", "suggestion_rank")},
        ),
        (
            _("Interest and proposal"),
            {
                "fields": (
                    "interest_note",
                    "created_by",
                    "created_at",
                    "proposal_message",
                    "proposed_by",
                    "proposed_at",
                )
            },
        ),
        (
            _("The provider's answer"),
            {
                "fields": (
                    "provider_contact_name",
                    "provider_contact_email",
                    "provider_message",
                    "decline_reason",
                    "responded_by",
                    "responded_at",
                )
            },
        ),
        (
            _("Agreement and end"),
            {
                "fields": (
                    "confirmed_by",
                    "agreed_at",
                    "withdrawal_reason",
                    "status_changed_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # A match changes only through the workflow's services (the actions of the list).
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    @admin.display(description=_("request"), ordering="need__reference")
    def need_reference(self, match: Match) -> str:
        return match.need.reference

    @admin.display(description=_("country"), ordering="need__country__code")
    def country(self, match: Match) -> str:
        return match.need.country.name

    @admin.display(description=_("provider"), ordering="offer__provider__name")
    def provider(self, match: Match) -> str:
        return match.offer.provider.name

    # --- Permissions: matches are made by the services --------------------------------------
    def has_add_permission(self, request) -> bool:
        # New matches are proposed from a request's page (its suggestions), or come from the
        # requester's interest.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A match is history: it is withdrawn, never deleted.
        return False

    def has_propose_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.propose_match")

    def has_withdraw_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.propose_match")

    # --- Actions ------------------------------------------------------------------------------
    def _apply(
        self,
        request,
        queryset: QuerySet[Match],
        change: Callable[[Match], Any],
        message: Callable[[int], str],
    ) -> None:
        """Call ``change`` on each match in its own transaction; report successes and failures
        (a match someone moved on meanwhile is left as it is)."""
        done, failures = 0, []
        for match in selectors.match_queryset().filter(pk__in=queryset.values("pk")).order_by("pk"):
            try:
                with transaction.atomic():
                    change(match)
            except (TransitionNotAllowed, PermissionDenied, ValidationError) as exc:
                failures.append(f"{match}: {error_text(exc)}")
            else:
                done += 1
        if done:
            self.message_user(request, message(done), messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)

    def _ask(
        self,
        request,
        queryset: QuerySet[Match],
        *,
        action: str,
        form_class: type[forms.Form],
        title: Any,
        submit: Any,
        apply: Callable[[Match, dict], Any],
        message: Callable[[int], str],
    ):
        """An action that asks for something first: an intermediate page keeping the selection."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply(request, queryset, lambda match: apply(match, data), message)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "objects": list(selectors.match_queryset().filter(pk__in=queryset.values("pk"))),
            "action": action,
            "submit_label": submit,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)

    @admin.action(description=_("Propose to the provider…"), permissions=["propose"])
    def propose_interests(self, request, queryset: QuerySet[Match]):
        """Pass requesters' interests on to the providers, with a message."""
        return self._ask(
            request,
            queryset,
            action="propose_interests",
            form_class=ProposeActionForm,
            title=_("Propose the matches to the providers"),
            submit=_("Propose"),
            apply=lambda match, data: services.match_propose(
                match=match, by=request.user, message=data["message"]
            ),
            message=lambda count: (
                ngettext(
                    "%(count)d match proposed to its provider.",
                    "%(count)d matches proposed to their providers.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Withdraw with a reason…"), permissions=["withdraw"])
    def withdraw(self, request, queryset: QuerySet[Match]):
        return self._ask(
            request,
            queryset,
            action="withdraw",
            form_class=WithdrawActionForm,
            title=_("Withdraw matches"),
            submit=_("Withdraw and tell why"),
            apply=lambda match, data: services.match_withdraw(
                match=match, by=request.user, reason=data["reason"]
            ),
            message=lambda count: (
                ngettext("%(count)d match withdrawn.", "%(count)d matches withdrawn.", count)
                % {"count": count}
            ),
        )


# --- Requests: suggestions and matches on each request's page ----------------------------------
class NeedMatchmakingAdmin(NeedAdmin):
    """The needs app's admin of requests, with the request's ranked suggestions (and a
    "Propose" button for each) and its matches on its page, and its open matches in the list."""

    change_form_template = "matchmaking/matches/admin/need_change_form.html"
    list_display = (*NeedAdmin.list_display, "open_matches")

    def get_queryset(self, request):
        # A subquery, not a join: the list's filters on many-to-many fields stay exact, and
        # the list keeps its one query.
        open_matches = (
            Match.objects.filter(need=OuterRef("pk"), status__in=Match.OPEN_STATUSES)
            .order_by()
            .values("need")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_match_count=Coalesce(Subquery(open_matches, output_field=IntegerField()), 0)
            )
        )

    @admin.display(description=_("open matches"), ordering="open_match_count")
    def open_matches(self, need: Need) -> int:
        return getattr(need, "open_match_count", 0)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:need_id>/propose/<int:offer_id>/",
                self.admin_site.admin_view(self.propose_view),
                name=f"{info[0]}_{info[1]}_propose",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("matchmaking.propose_match"):
            context.update(self._matchmaking_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _matchmaking_context(self, request, need: Need) -> dict[str, Any]:
        matches = list(selectors.match_list_for_need(need=need))
        open_by_offer = {m.offer_id: m for m in matches if m.status in Match.OPEN_STATUSES}
        may_propose = need.status in services.MATCHABLE_NEED_STATUSES
        rows = [
            {
                "suggestion": suggestion,
                "offer": suggestion.offer,
                "percent": round(max(0.0, min(1.0, suggestion.score)) * 100),
                "reasons": reason_texts(suggestion.reasons),
                "match": open_by_offer.get(suggestion.offer_id),
                "propose_url": (
                    reverse(
                        "admin:needs_need_propose",
                        kwargs={"need_id": need.pk, "offer_id": suggestion.offer_id},
                    )
                    if may_propose and suggestion.offer_id not in open_by_offer
                    else ""
                ),
            }
            for suggestion in suggestion_list_for_need(need=need)
        ]
        return {
            "show_matchmaking": True,
            "suggestion_rows": rows,
            "need_matches": matches,
            "may_propose": may_propose,
        }

    def propose_view(self, request, need_id: int, offer_id: int):
        """Ask the message to the provider, then propose the request to the offer's provider."""
        if not request.user.has_perm("matchmaking.propose_match"):
            raise PermissionDenied
        need = get_object_or_404(Need.objects.select_related("country"), pk=need_id)
        if not self.has_view_permission(request, need):
            raise PermissionDenied
        offer = get_object_or_404(Offer.objects.select_related("provider"), pk=offer_id)
        suggestion = next(
            (s for s in suggestion_list_for_need(need=need) if s.offer_id == offer.pk), None
        )
        form = ProposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                match = services.match_propose(
                    need=need,
                    offer=offer,
                    by=request.user,
                    message=form.cleaned_data["message"],
                    workshop=form.cleaned_data["workshop"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request,
                    _("%(reference)s is proposed to %(provider)s for “%(offer)s”.")
                    % {
                        "reference": need.reference,
                        "provider": offer.provider.name,
                        "offer": offer.title,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:matchmaking_match_change", args=[match.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Propose %(reference)s to %(provider)s")
            % {"reference": need.reference, "provider": offer.provider.name},
            "opts": self.model._meta,
            "original": need,
            "need": need,
            "offer": offer,
            "suggestion": suggestion,
            "reasons": reason_texts(suggestion.reasons) if suggestion else [],
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, PROPOSE_TEMPLATE, context)


def _register_need_admin() -> None:
    """Replace the needs app's registration with the one that shows matchmaking."""
    if admin.site.is_registered(Need):
        admin.site.unregister(Need)
    admin.site.register(Need, NeedMatchmakingAdmin)


_register_need_admin()
