"""Pages of suggestions: a request's "Suggestions and matches", and the requester's interest.

``/matchmaking/requests/<need_pk>/`` shows the offers the engine ranks for a request, best first,
with their score and the reasons in the reader's language. Who sees what:

- the request's owners (focal points of its country, its author) and the help desk
  (``matchmaking.view_suggestions``): the suggestions, an "I'm interested" form on each (owners,
  while the request is published), the request's matches with their actions, and their history;
- anyone else, when the request is public: the suggested offers only (public records), without
  actions, matches or history;
- anyone else, for a request that is not public: 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from needs.models import Need
from partners.models import Offer

from ..forms.matches import ConfirmForm, InterestForm, WithdrawForm
from ..models import Match, RelatedSuggestion
from ..reasons import REASON_HELP, reason_texts
from ..selectors import matches as match_selectors
from ..selectors.suggestions import (
    REQUESTER_SUGGESTION_STATUSES,
    related_suggestion_list_for_need,
    suggestion_list_for_need,
)
from ..services import matches as services

S = Match.Status


def _need_or_404(user, pk: int) -> tuple[Need, bool]:
    """The request and whether ``user`` sees its private part; 404 when they see nothing."""
    need = get_object_or_404(Need.objects.select_related("country"), pk=pk)
    private = user.has_perm("matchmaking.view_suggestions", need)
    if not private and not need.is_public:
        raise Http404
    return need, private


RELATED_SECTIONS = (
    (RelatedSuggestion.Kind.RESOURCE, _("Resources"), "partners:resource_detail"),
    (RelatedSuggestion.Kind.OPPORTUNITY, _("Opportunities"), "partners:opportunity_detail"),
    (RelatedSuggestion.Kind.COURSE, _("Courses"), "elearning:course_detail"),
)


def _related_support(need: Need) -> list[dict[str, Any]]:
    """The resources, opportunities and courses the engine ranks for ``need``, by kind, with
    reasons."""
    related = related_suggestion_list_for_need(need=need)
    return [
        {
            "kind": kind,
            "title": title,
            "items": [
                {
                    "record": record,
                    "url": reverse(url_name, kwargs={"pk": record.pk}),
                    "reasons": reason_texts(record.suggestion_reasons),
                }
                for record in related[kind]
            ],
        }
        for kind, title, url_name in RELATED_SECTIONS
        if related.get(kind)
    ]


class NeedSuggestionsView(TemplateView):
    """``/matchmaking/requests/<need_pk>/``: "Suggestions and matches" of a request."""

    template_name = "matchmaking/suggestions/need.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        need, private = _need_or_404(user, kwargs["need_pk"])
        is_helpdesk = is_helpdesk_or_site_admin(user)
        shows_suggestions = is_helpdesk or need.status in REQUESTER_SUGGESTION_STATUSES
        may_express = (
            private
            and need.status in services.MATCHABLE_NEED_STATUSES
            and user.has_perm("matchmaking.express_interest", need)
        )
        matches = list(match_selectors.match_list_for_need(need=need)) if private else []
        open_by_offer = {m.offer_id: m for m in matches if m.status in Match.OPEN_STATUSES}
        suggestions = []
        if shows_suggestions:
            for suggestion in suggestion_list_for_need(need=need):
                suggestions.append(
                    {
                        "suggestion": suggestion,
                        "offer": suggestion.offer,
                        "percent": round(max(0.0, min(1.0, suggestion.score)) * 100),
                        "reasons": reason_texts(suggestion.reasons),
                        "match": open_by_offer.get(suggestion.offer_id) if private else None,
                        "interest_form": (
                            InterestForm(
                                initial={"offer": suggestion.offer_id},
                                auto_id=f"id_%s_{suggestion.offer_id}",
                            )
                            if may_express and suggestion.offer_id not in open_by_offer
                            else None
                        ),
                    }
                )
        rows = []
        for match in matches:
            initial = {"status": match.status}
            rows.append(
                {
                    "match": match,
                    "confirm_form": (
                        ConfirmForm(initial=initial, auto_id=f"id_confirm_%s_{match.pk}")
                        if match.status == S.ACCEPTED
                        and user.has_perm("matchmaking.confirm_match", match)
                        else None
                    ),
                    "withdraw_form": (
                        WithdrawForm(initial=initial, auto_id=f"id_withdraw_%s_{match.pk}")
                        if match.status in Match.OPEN_STATUSES
                        and user.has_perm("matchmaking.withdraw_match", match)
                        else None
                    ),
                }
            )
        context.update(
            need=need,
            private=private,
            is_helpdesk=is_helpdesk,
            shows_suggestions=shows_suggestions,
            may_express=may_express,
            suggestions=suggestions,
            match_rows=rows,
            history=match_selectors.match_history_for_need(need=need) if private else [],
            reason_help=REASON_HELP,
            related=_related_support(need) if shows_suggestions else [],
        )
        return context


class ExpressInterestView(LoginRequiredMixin, View):
    """``POST /matchmaking/requests/<need_pk>/interest/``: the requester side is interested in
    an offer; the help desk is told."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, need_pk: int) -> HttpResponse:
        need, private = _need_or_404(request.user, need_pk)
        if not private:
            raise Http404
        form = InterestForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an offer from the suggestions."))
            return redirect("matchmaking:need_suggestions", need_pk=need.pk)
        offer = get_object_or_404(
            Offer.objects.select_related("provider"), pk=form.cleaned_data["offer"]
        )
        try:
            services.match_express_interest(
                need=need, offer=offer, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The help desk is told of your interest in “%(offer)s” and will propose the "
                    "match to %(provider)s."
                )
                % {"offer": offer.title, "provider": offer.provider.name},
            )
        return redirect("matchmaking:need_suggestions", need_pk=need.pk)


urlpatterns = [
    path("requests/<int:need_pk>/", NeedSuggestionsView.as_view(), name="need_suggestions"),
    path(
        "requests/<int:need_pk>/interest/", ExpressInterestView.as_view(), name="express_interest"
    ),
]
