"""Pages of matches: the provider's proposals, a match's page with the answer of each side, and
the list of the matches a person may see.

A match someone may not see answers 404 (``matchmaking.view_match``: the help desk; the request's
owners; the provider's members once it was proposed to them). Pages read through
:mod:`matchmaking.selectors.matches` and write only through :mod:`matchmaking.services.matches`;
each action form carries the status the person saw, so that acting on a stale page is refused
with "reload".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView, View

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin, organisation_roles

from ..forms.matches import (
    AcceptForm,
    ConfirmForm,
    DeclineForm,
    ProposalFilterForm,
    WithdrawForm,
)
from ..models import Match, MatchEvent, Project
from ..selectors import matches as selectors
from ..services import matches as services
from ..workflow import TransitionNotAllowed

PAGE_SIZE = 20
A = MatchEvent.Action
S = Match.Status


def visible_match_or_404(user, pk: int) -> Match:
    """The match, with what its page shows, if ``user`` may see it; else 404."""
    match = get_object_or_404(selectors.match_detail_queryset(), pk=pk)
    if not user.has_perm("matchmaking.view_match", match):
        raise Http404
    return match


def show_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on ``form``, on the field it names (model names mapped)."""
    names = getattr(form, "SERVICE_FIELDS", {})
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = names.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _StatusFilterMixin:
    """A ``?status=`` filter of a list of matches (unknown values are ignored: all)."""

    def status_filter(self) -> tuple[ProposalFilterForm, str]:
        form = ProposalFilterForm(self.request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        return form, status

    def filter_context(self, context: dict[str, Any], form: ProposalFilterForm, status: str):
        context["filter_form"] = form
        context["status"] = status
        context["query_string"] = f"status={status}" if status else ""
        return context


class ProposalListView(LoginRequiredMixin, _StatusFilterMixin, ListView):
    """``/matchmaking/proposals/``: the matches proposed to the organisations the person is a
    member of (and only those), newest first, filtered by status."""

    template_name = "matchmaking/matches/proposals.html"
    context_object_name = "matches"
    paginate_by = PAGE_SIZE
    extra_context = {"section": "proposals"}

    def get_queryset(self):
        self.form, self.status = self.status_filter()
        return selectors.proposals_for_provider(user=self.request.user, status=self.status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["is_member"] = bool(organisation_roles(self.request.user))
        return self.filter_context(context, self.form, self.status)


class MatchListView(LoginRequiredMixin, _StatusFilterMixin, ListView):
    """``/matchmaking/matches/``: every match the person may see (their requests', those
    proposed to their organisations; all for the help desk), newest first."""

    template_name = "matchmaking/matches/list.html"
    context_object_name = "matches"
    paginate_by = PAGE_SIZE
    extra_context = {"section": "matches"}

    def get_queryset(self):
        self.form, self.status = self.status_filter()
        matches = selectors.match_list_for_user(user=self.request.user)
        return matches.filter(status=self.status) if self.status else matches

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["is_helpdesk"] = is_helpdesk_or_site_admin(self.request.user)
        return self.filter_context(context, self.form, self.status)


class MatchDetailView(LoginRequiredMixin, TemplateView):
    """``/matchmaking/matches/<pk>/``: a match, its history, and the forms of the viewer's side:
    accept (with a contact person) or decline (with a reason) for the provider; confirm or
    withdraw for the requester; withdraw for the help desk."""

    template_name = "matchmaking/matches/detail.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.match = visible_match_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        match = self.match
        initial = {"status": match.status}
        is_helpdesk = is_helpdesk_or_site_admin(user)
        is_requester = user.has_perm("matchmaking.confirm_match", match)
        is_provider = user.has_perm("matchmaking.respond_match", match)
        history = list(selectors.match_history(match=match))
        if not (is_helpdesk or is_requester):
            # The requester's note to the help desk stays between them.
            history = [event for event in history if event.action != A.INTEREST]
        forms: dict[str, Any] = {}
        if match.status == S.PROPOSED and is_provider:
            forms["accept_form"] = AcceptForm(initial=initial)
            forms["decline_form"] = DeclineForm(initial=initial)
        if match.status == S.ACCEPTED and is_requester:
            forms["confirm_form"] = ConfirmForm(initial=initial)
        if match.status in Match.OPEN_STATUSES and user.has_perm(
            "matchmaking.withdraw_match", match
        ):
            forms["withdraw_form"] = WithdrawForm(initial=initial)
        forms.update(kwargs.get("forms", {}))
        context.update(
            match=match,
            need=match.need,
            offer=match.offer,
            history=history,
            is_helpdesk=is_helpdesk,
            is_requester=is_requester,
            is_provider=is_provider,
            may_see_suggestions=user.has_perm("matchmaking.view_suggestions", match.need),
            project=Project.objects.filter(match=match).only("pk", "reference", "title").first(),
            may_launch_project=match.status == S.AGREED
            and user.has_perm("matchmaking.launch_project", match),
            # The contact person is for the requester side and the help desk.
            show_contact=is_helpdesk or is_requester or is_provider,
            show_interest_note=is_helpdesk or is_requester,
            **forms,
        )
        return context


class _MatchActionView(LoginRequiredMixin, View):
    """``POST /matchmaking/matches/<pk>/<action>/``: one step of the workflow from the match's
    page. Form errors show the page again (400); a stale page is refused with "reload"."""

    http_method_names = ["post"]
    form_class: type = ConfirmForm
    form_name = ""
    success_message: Any = ""

    def act(self, match: Match, data: dict[str, Any]) -> Match:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        match = visible_match_or_404(request.user, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            # The status the person saw: the service refuses if it changed since.
            match.status = data.pop("status")
            try:
                self.act(match, data)
            except TransitionNotAllowed as error:
                messages.warning(request, str(error))
                return redirect("matchmaking:match_detail", pk=pk)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect("matchmaking:match_detail", pk=pk)
            match = visible_match_or_404(request.user, pk)
        view = MatchDetailView()
        view.setup(request, pk=pk)
        view.match = match
        context = view.get_context_data(forms={self.form_name: form})
        return view.render_to_response(context, status=400)


class MatchAcceptView(_MatchActionView):
    form_class = AcceptForm
    form_name = "accept_form"
    success_message = _("You accepted the match: the requester is asked to confirm it.")

    def act(self, match: Match, data: dict[str, Any]) -> Match:
        return services.match_accept(match=match, by=self.request.user, **data)


class MatchDeclineView(_MatchActionView):
    form_class = DeclineForm
    form_name = "decline_form"
    success_message = _("You declined the match; the requester and the help desk are told why.")

    def act(self, match: Match, data: dict[str, Any]) -> Match:
        return services.match_decline(match=match, by=self.request.user, reason=data["reason"])


class MatchConfirmView(_MatchActionView):
    form_class = ConfirmForm
    form_name = "confirm_form"
    success_message = _("The match is agreed. A pilot project can now be launched from it.")

    def act(self, match: Match, data: dict[str, Any]) -> Match:
        return services.match_confirm(match=match, by=self.request.user)


class MatchWithdrawView(_MatchActionView):
    form_class = WithdrawForm
    form_name = "withdraw_form"
    success_message = _("The match is withdrawn; the others concerned are told why.")

    def act(self, match: Match, data: dict[str, Any]) -> Match:
        return services.match_withdraw(match=match, by=self.request.user, reason=data["reason"])


urlpatterns = [
    path("proposals/", ProposalListView.as_view(), name="proposals"),
    path("matches/", MatchListView.as_view(), name="match_list"),
    path("matches/<int:pk>/", MatchDetailView.as_view(), name="match_detail"),
    path("matches/<int:pk>/accept/", MatchAcceptView.as_view(), name="match_accept"),
    path("matches/<int:pk>/decline/", MatchDeclineView.as_view(), name="match_decline"),
    path("matches/<int:pk>/confirm/", MatchConfirmView.as_view(), name="match_confirm"),
    path("matches/<int:pk>/withdraw/", MatchWithdrawView.as_view(), name="match_withdraw"),
]
