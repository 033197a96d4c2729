"""National CHM nodes: the Parties with their node, one Party's node page (what its focal points
publish, and the public records about it), the pages where its focal points keep it and its
national news, and its Atom feed for national websites.

``/dashboards/nodes/``, ``/dashboards/nodes/<ISO code>/`` and below. Pages read through
``selectors.nodes`` and write through ``services.node_update`` and ``services.node_news_*``;
who may edit is the rule ``monitoring.edit_national_node`` (the country's active focal points,
the help desk, site administrators): anyone else gets 403, and a news item of another country's
node 404.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script
from chm_portal.core.feeds import tag_uri
from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies.models import CountryGroup, Region

from ..forms import NationalNodeForm, NodeFilterSet, NodeInstitutionFormSet, NodeNewsItemForm
from ..json_ld import node_json_ld
from ..models import NationalNode, NodeInstitution, NodeNewsItem
from ..selectors import countries as country_selectors
from ..selectors import nodes as selectors
from ..services import node_news_add, node_news_delete, node_news_update, node_update
from .countries import maturity_levels

PAGE_SIZE = 50


def _party_or_404(code: str):
    country = selectors.party_for_node(code)
    if country is None:
        raise Http404(_("No Party to the Convention has this code."))
    return country


def _records_links(country) -> dict[str, str]:
    """The public lists that show all of a Party's records, filtered to it."""
    opportunities = selectors.opportunity_filters(country).urlencode()
    return {
        "requests": f"{reverse('needs:registry')}?country={country.code}",
        "projects": f"{reverse('matchmaking:project_list')}?country={country.code}",
        "opportunities": f"{reverse('partners:opportunities_list')}?{opportunities}",
    }


class NodeListView(TemplateView):
    """``/dashboards/nodes/``: every Party, 50 a page, with its maturity level, national
    website and whether its node is published; filtered by name, region, country group, level
    and publication. Queries do not depend on the number of Parties: the count, the page, the
    levels' distribution, the filters' regions and groups."""

    template_name = "monitoring/nodes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        base = selectors.node_list()
        filterset = NodeFilterSet(request.GET or None, queryset=base, request=request)
        if filterset.is_bound:
            parties = filterset.qs if filterset.is_valid() else base.none()
        else:
            parties = base
        page_obj = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            countries=list(page_obj.object_list),
            query_string=query.urlencode(),
            selected={name: request.GET.get(name, "") for name in filterset.filters},
            regions=Region.objects.filter(level=Region.Level.REGION).order_by("name"),
            country_groups=CountryGroup.objects.all(),
            levels=maturity_levels(),
            distribution=country_selectors.maturity_distribution(base),
        )
        return context


class NodeView(TemplateView):
    """``/dashboards/nodes/<ISO code>/``: one Party's node, public; 404 for codes that are not
    those of a Party. A fixed number of queries (see ``selectors.nodes.node_page_data``)."""

    template_name = "monitoring/node.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        country = _party_or_404(kwargs["code"])
        user = self.request.user
        data = selectors.node_page_data(country)
        context.update(
            country=country,
            data=data,
            json_ld=json_ld_script(node_json_ld(self.request, data)),
            links=_records_links(country),
            levels=maturity_levels(),
            can_edit=user.is_authenticated
            and user.has_perm("monitoring.edit_national_node", country),
        )
        return context


class _NodeEditorMixin(LoginRequiredMixin):
    """Pages of a node's editors: the Party (404 otherwise), then the rule (403 otherwise)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.country = _party_or_404(kwargs["code"])
        if not request.user.has_perm("monitoring.edit_national_node", self.country):
            raise PermissionDenied(
                _(
                    "Only the focal points of this country, the help desk and site "
                    "administrators may change its national node."
                )
            )
        self.node = selectors.node_of(self.country)
        return super().dispatch(request, *args, **kwargs)

    def node_url(self) -> str:
        return reverse("monitoring:node", args=[self.country.code])


class NodeEditView(_NodeEditorMixin, TemplateView):
    """``/dashboards/nodes/<ISO code>/edit/``: the node, the profile's level, website and
    support asked for, and the institutions, saved together by ``services.node_update``. A
    refused change shows the form again with everything typed in it, and saves nothing."""

    template_name = "monitoring/node_edit.html"

    def _institutions(self):
        if self.node is None:
            return NodeInstitution.objects.none()
        return self.node.institutions.all()

    def render_forms(self, form, formset) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=form,
                formset=formset,
                country=self.country,
                node=self.node,
                news=list(self.node.news.all()) if self.node else [],
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = country_selectors.profile_of(self.country)
        form = NationalNodeForm(initial=NationalNodeForm.initial_for(self.node, profile))
        formset = NodeInstitutionFormSet(queryset=self._institutions(), prefix="institutions")
        return self.render_forms(form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = NationalNodeForm(data=request.POST)
        formset = NodeInstitutionFormSet(
            data=request.POST, queryset=self._institutions(), prefix="institutions"
        )
        if form.is_valid() and formset.is_valid():
            try:
                node_update(
                    node=self.node or NationalNode(country=self.country),
                    by=request.user,
                    institutions=formset.service_rows(),
                    **form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("The national node of %(country)s is saved.")
                    % {"country": self.country.name},
                )
                return redirect(self.node_url())
        return self.render_forms(form, formset)


class NewsAddView(_NodeEditorMixin, TemplateView):
    """``/dashboards/nodes/<ISO code>/news/add/``: publish a piece of national news."""

    template_name = "monitoring/node_news_form.html"

    def render_form(self, form) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=form, country=self.country, item=None)
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(NodeNewsItemForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = NodeNewsItemForm(data=request.POST)
        if form.is_valid():
            try:
                node_news_add(
                    node=self.node or NationalNode(country=self.country),
                    by=request.user,
                    **form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("The news is published."))
                return redirect(reverse("monitoring:node-edit", args=[self.country.code]))
        return self.render_form(form)


class _NewsItemMixin(_NodeEditorMixin):
    """A news item of this country's node, 404 for any other (another country's, say)."""

    def get_item(self) -> NodeNewsItem:
        if self.node is None:
            raise Http404
        return get_object_or_404(NodeNewsItem, pk=self.kwargs["pk"], node=self.node)


class NewsEditView(_NewsItemMixin, TemplateView):
    """``/dashboards/nodes/<ISO code>/news/<id>/edit/``: change a piece of national news."""

    template_name = "monitoring/node_news_form.html"

    def render_form(self, form, item) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=form, country=self.country, item=item)
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        return self.render_form(NodeNewsItemForm(instance=item), item)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        form = NodeNewsItemForm(data=request.POST, instance=item)
        if form.is_valid():
            try:
                node_news_update(item=item, by=request.user, **form.service_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("The news is saved."))
                return redirect(reverse("monitoring:node-edit", args=[self.country.code]))
        return self.render_form(form, item)


class NewsDeleteView(_NewsItemMixin, TemplateView):
    """``/dashboards/nodes/<ISO code>/news/<id>/delete/``: confirm, then delete."""

    template_name = "monitoring/node_news_delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        return self.render_to_response(self.get_context_data(country=self.country, item=item))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        node_news_delete(item=self.get_item(), by=request.user)
        messages.success(request, gettext("The news is deleted."))
        return redirect(reverse("monitoring:node-edit", args=[self.country.code]))


# --- The feed -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _NodeFeedRequest:
    """One request for a node's feed: the Party, and the request whose host links are made
    absolute with (the feed object is shared by every request, so nothing is kept on it)."""

    country: Any
    request: HttpRequest

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


# The request a feed is being written for, for the entries' links (see NodeFeed.get_feed).
_feed_request: ContextVar[_NodeFeedRequest] = ContextVar("node_feed_request")


class NodeFeed(Feed):
    """``/dashboards/nodes/<ISO code>/feed/``: Atom feed of a node's national news (once the
    node is published) and of the Party's new public requests and projects, newest first, for
    its national CHM website to show."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, code: str) -> _NodeFeedRequest:
        return _NodeFeedRequest(country=_party_or_404(code), request=request)

    def get_feed(self, obj: _NodeFeedRequest, request: HttpRequest):
        token = _feed_request.set(obj)
        try:
            return super().get_feed(obj, request)
        finally:
            _feed_request.reset(token)

    def title(self, obj: _NodeFeedRequest) -> str:
        return gettext("National CHM node of %(country)s: news and new records") % {
            "country": obj.country.name
        }

    def subtitle(self, obj: _NodeFeedRequest) -> str:
        return gettext(
            "National news of the CHM of %(country)s, and its requests for assistance and "
            "pilot projects as they are published on the portal."
        ) % {"country": obj.country.name}

    def link(self, obj: _NodeFeedRequest) -> str:
        return obj.absolute(reverse("monitoring:node", args=[obj.country.code]))

    def feed_url(self, obj: _NodeFeedRequest) -> str:
        return obj.absolute(reverse("monitoring:node-feed", args=[obj.country.code]))

    def items(self, obj: _NodeFeedRequest) -> list[selectors.FeedEntry]:
        return selectors.node_feed_entries(obj.country)

    def item_title(self, entry: selectors.FeedEntry) -> str:
        labels = {
            "news": gettext("News"),
            "request": gettext("Request for assistance"),
            "project": gettext("Pilot project"),
        }
        return f"{labels[entry.kind]}: {entry.title}"

    def item_description(self, entry: selectors.FeedEntry) -> str:
        # An Atom summary is HTML (type="html"): readers render it, so the text is escaped here.
        return escape(entry.description)

    def item_link(self, entry: selectors.FeedEntry) -> str:
        return entry.link or _feed_request.get().absolute(entry.path)

    def item_guid(self, entry: selectors.FeedEntry) -> str:
        return tag_uri(entry.key, entry.created)

    def item_pubdate(self, entry: selectors.FeedEntry):
        return entry.published

    def item_updateddate(self, entry: selectors.FeedEntry):
        return entry.published or entry.created

    def item_categories(self, entry: selectors.FeedEntry) -> list[str]:
        return [entry.kind]
