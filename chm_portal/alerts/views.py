"""Pages of alerts, for signed-in people: save a list's filters, manage saved searches, follow
opportunities and events. Another person's saved search answers 404.

Pages read through :mod:`.selectors` and write only through :mod:`.services`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView, View

from chm_portal.core.databases import get_database
from chm_portal.core.faceting import filter_chips

from . import selectors, services
from .forms import SavedSearchForm, SavedSearchFrequencyForm
from .models import FOLLOWABLE, SavedSearch, followable_label, normalise_query_string

# Fields of the form a person sees; other errors are about the list itself.
_VISIBLE_FIELDS = ("name", "frequency")


def _next_or(request: HttpRequest, default: str) -> str:
    """The page to go back to: ``next`` when it is on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Saved searches ---------------------------------------------------------------------------
def _describe_list(request: HttpRequest, database_key: str, query: str) -> dict[str, Any]:
    """The list being saved: its database, its filters as the list page names them, and what
    is wrong with them (a translated message each)."""
    database = get_database(database_key)
    if database is None:
        return {
            "database": None,
            "chips": [],
            "problems": [_("This list cannot be saved: it is not one of the portal's databases.")],
        }
    filterset = selectors.saved_search_filterset(database, query, request)
    if not filterset.is_valid():
        return {
            "database": database,
            "chips": [],
            "problems": [
                _("Some filters of this list are not valid: %(problems)s")
                % {
                    "problems": "; ".join(
                        f"{name}: {' '.join(str(message) for message in errors)}"
                        for name, errors in filterset.errors.items()
                    )
                }
            ],
        }
    chips = filter_chips(database.facets, filterset, filterset.selected(), QueryDict(query))
    return {"database": database, "chips": chips, "problems": []}


def _suggested_name(database, chips: list[dict[str, str]]) -> str:
    label = str(database.label)
    if not chips:
        return label
    return Truncator(f"{label} · {', '.join(str(chip['label']) for chip in chips)}").chars(200)


def _add_service_errors(form: SavedSearchForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in _VISIBLE_FIELDS else None, errors)


class SavedSearchCreateView(LoginRequiredMixin, TemplateView):
    """Save the filters of a database's list (``?database=offers&query=target%3DGBF-T3``)."""

    template_name = "alerts/saved_search_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        database_key = request.GET.get("database", "")
        query = normalise_query_string(request.GET.get("query", ""))
        described = _describe_list(request, database_key, query)
        form = None
        if not described["problems"]:
            form = SavedSearchForm(
                initial={
                    "database": database_key,
                    "query": query,
                    "name": _suggested_name(described["database"], described["chips"]),
                    "frequency": SavedSearch.Frequency.DAILY,
                }
            )
        return self._render(form, described, query)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SavedSearchForm(request.POST)
        database_key = request.POST.get("database", "")
        query = normalise_query_string(request.POST.get("query", ""))
        described = _describe_list(request, database_key, query)
        if form.is_valid():
            try:
                saved_search = services.saved_search_create(
                    user=request.user,
                    database_key=form.cleaned_data["database"],
                    query=form.cleaned_data["query"],
                    name=form.cleaned_data["name"],
                    frequency=form.cleaned_data["frequency"],
                    request=request,
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Search “%(name)s” saved.") % {"name": saved_search.name},
                )
                return redirect("alerts:saved_searches")
        return self._render(form, described, query)

    def _render(self, form, described: dict[str, Any], query: str) -> HttpResponse:
        database = described["database"]
        context = self.get_context_data(
            form=form,
            database=database,
            chips=described["chips"],
            problems=described["problems"],
            list_url=database.list_url(query) if database is not None else "",
        )
        invalid = described["problems"] or (form is not None and form.errors)
        return self.render_to_response(context, status=400 if invalid else 200)


class SavedSearchListView(LoginRequiredMixin, ListView):
    """My saved searches: back to each list, how often emails come, when the last one went."""

    template_name = "alerts/saved_search_list.html"
    context_object_name = "saved_searches"
    paginate_by = services.MAX_SAVED_SEARCHES

    def get_queryset(self):
        return selectors.saved_searches_of(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "saved_search": saved_search,
                "database": saved_search.database_entry,
                "form": SavedSearchFrequencyForm(
                    initial={"frequency": saved_search.frequency},
                    auto_id=f"id_%s_{saved_search.pk}",
                ),
            }
            for saved_search in context["saved_searches"]
        ]
        return context


class _OwnSavedSearchMixin(LoginRequiredMixin):
    def get_saved_search(self) -> SavedSearch:
        return get_object_or_404(
            selectors.saved_searches_of(user=self.request.user), pk=self.kwargs["pk"]
        )


class SavedSearchFrequencyView(_OwnSavedSearchMixin, View):
    """Change how often a saved search's digest is sent (POST)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved_search = self.get_saved_search()
        form = SavedSearchFrequencyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how often to get emails."))
            return redirect("alerts:saved_searches")
        services.saved_search_set_frequency(
            saved_search=saved_search, frequency=form.cleaned_data["frequency"]
        )
        messages.success(
            request,
            _("Emails for “%(name)s”: %(frequency)s.")
            % {"name": saved_search.name, "frequency": saved_search.get_frequency_display()},
        )
        return redirect("alerts:saved_searches")


class SavedSearchDeleteView(_OwnSavedSearchMixin, View):
    """Delete a saved search (POST); its emails stop."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        saved_search = self.get_saved_search()
        services.saved_search_delete(saved_search=saved_search)
        messages.success(
            request, _("Saved search “%(name)s” deleted.") % {"name": saved_search.name}
        )
        return redirect("alerts:saved_searches")


# --- Follows ----------------------------------------------------------------------------------
def _followable_model(label: str):
    if label not in FOLLOWABLE:
        raise Http404
    return apps.get_model(label)


class FollowView(LoginRequiredMixin, View):
    """Follow a public opportunity or event (POST), then go back to its page."""

    def post(self, request: HttpRequest, model: str, object_id: int) -> HttpResponse:
        database = selectors.database_for_model(_followable_model(model))
        if database is None:
            raise Http404
        record = get_object_or_404(database.queryset().prefetch_related(None), pk=object_id)
        try:
            services.follow_create(user=request.user, record=record)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You follow “%(title)s”: we will email you a reminder shortly before.")
                % {"title": database.title_of(record)},
            )
        return HttpResponseRedirect(_next_or(request, database.detail_url(record)))


class UnfollowView(LoginRequiredMixin, View):
    """Stop following a record (POST), whatever has become of it."""

    def post(self, request: HttpRequest, model: str, object_id: int) -> HttpResponse:
        content_type = ContentType.objects.get_for_model(_followable_model(model))
        if services.follow_delete(
            user=request.user, content_type=content_type, object_id=object_id
        ):
            messages.success(request, _("You no longer follow this record."))
        return HttpResponseRedirect(_next_or(request, reverse("alerts:follows")))


class FollowListView(LoginRequiredMixin, ListView):
    """The opportunities and events a person follows, with their dates."""

    template_name = "alerts/follow_list.html"
    context_object_name = "follows"
    paginate_by = 50

    def get_queryset(self):
        return selectors.follows_of(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for follow in context["follows"]:
            record = follow.record
            label = followable_label(follow.content_type)
            rule = FOLLOWABLE.get(label)
            database = selectors.database_for_model(type(record)) if record else None
            rows.append(
                {
                    "follow": follow,
                    "model": label,
                    "record": record,
                    "title": database.title_of(record) if database else None,
                    "url": database.detail_url(record) if database else "",
                    "kind": record._meta.verbose_name if record else "",
                    "date_label": rule.date_label if rule else "",
                    "date": getattr(record, rule.date_field, None) if rule and record else None,
                }
            )
        context["rows"] = rows
        return context


# --- Inbox ------------------------------------------------------------------------------------
INBOX_PAGE_SIZE = 25


def _own_message_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.inbox_list_for_user(user=request.user), pk=pk)


class InboxView(LoginRequiredMixin, ListView):
    """``/alerts/inbox/``: what the portal told the person (a match proposed to their
    organisation, a project's report due...), unread first, with a link to act on each."""

    template_name = "alerts/inbox.html"
    context_object_name = "inbox_messages"
    paginate_by = INBOX_PAGE_SIZE

    def get_queryset(self):
        return selectors.inbox_list_for_user(user=self.request.user)


class InboxOpenView(LoginRequiredMixin, View):
    """``POST /alerts/inbox/<pk>/open/``: mark the message read and go to its page (back to the
    inbox when it has none)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        message = _own_message_or_404(request, pk)
        services.inbox_mark_read(message=message, by=request.user)
        target = message.url
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("alerts:inbox")
        return HttpResponseRedirect(target)


class InboxMarkReadView(LoginRequiredMixin, View):
    """``POST /alerts/inbox/<pk>/read/``: mark one message read, stay on the inbox."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        message = _own_message_or_404(request, pk)
        services.inbox_mark_read(message=message, by=request.user)
        return HttpResponseRedirect(_next_or(request, reverse("alerts:inbox")))


class InboxMarkAllReadView(LoginRequiredMixin, View):
    """``POST /alerts/inbox/read-all/``: mark every message of the inbox read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.inbox_mark_all_read(by=request.user)
        if count:
            messages.success(request, _("All messages are marked as read."))
        return HttpResponseRedirect(reverse("alerts:inbox"))
