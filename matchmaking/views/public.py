"""Public pages of matchmaking: the overview, anonymised statistics, success stories and the
pages of matchmaking workshops.

Statistics are counts computed by the database (a fixed number of queries), and never name a
requester, a provider or a person.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script

from ..json_ld import story_json_ld, workshop_json_ld
from ..models import Match, Project, SuccessStory
from ..rules_projects import is_public_project
from ..selectors import projects as selectors

STORIES_PER_PAGE = 12


def _url(name: str) -> str | None:
    """The path of a page of the area, or None while that page does not exist yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class IndexView(TemplateView):
    """Landing page of the area: what it offers and to whom, a few figures, and where each
    person starts (two queries for the figures)."""

    template_name = "matchmaking/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        matches = Match.objects.aggregate(
            agreed=Count("pk", filter=Q(status__in=(Match.Status.AGREED, Match.Status.COMPLETED)))
        )
        projects = Project.objects.aggregate(
            launched=Count("pk", filter=~Q(status=Project.Status.CANCELLED)),
            succeeded=Count(
                "pk", filter=Q(status__in=(Project.Status.COMPLETED, Project.Status.EVALUATED))
            ),
            stories=Count("story", filter=Q(story__status=SuccessStory.Status.PUBLISHED)),
        )
        context.update(
            figures={**matches, **projects},
            signed_in=user.is_authenticated,
            # Pages of the matches' workflow, linked when they exist.
            matches_url=_url("matchmaking:match_list") if user.is_authenticated else None,
            proposals_url=_url("matchmaking:proposals") if user.is_authenticated else None,
        )
        return context


class StatisticsView(TemplateView):
    """``/matchmaking/statistics/``: matches and projects by status, projects by UN region and
    GBF target, and how the sides rated them: counts only, six queries."""

    template_name = "matchmaking/public/statistics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["stats"] = selectors.matchmaking_statistics()
        return context


class StoryListView(TemplateView):
    """``/matchmaking/stories/``: the published success stories of public projects."""

    template_name = "matchmaking/public/story_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page_obj = Paginator(selectors.story_public_list(), STORIES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(page_obj=page_obj, paginator=page_obj.paginator, stories=page_obj)
        return context


class StoryDetailView(TemplateView):
    """``/matchmaking/stories/<pk>/``: one story; a draft only for its project's sides and the
    help desk (404 for anyone else)."""

    template_name = "matchmaking/public/story_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        story = get_object_or_404(selectors.story_for_page(), pk=kwargs["pk"])
        if not self.request.user.has_perm("matchmaking.view_successstory", story):
            raise Http404(_("No such success story."))
        public = story.status == SuccessStory.Status.PUBLISHED and is_public_project.test(
            self.request.user, story
        )
        context.update(
            story=story,
            json_ld=json_ld_script(story_json_ld(self.request, story)) if public else "",
            project=story.project,
            project_visible=self.request.user.has_perm("matchmaking.view_project", story.project),
        )
        return context


class WorkshopDetailView(TemplateView):
    """``/matchmaking/workshops/<pk>/``: a matchmaking workshop or roundtable, the requests and
    offers it discussed and the matches it produced (what the person may see of them)."""

    template_name = "matchmaking/public/workshop_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        workshop = get_object_or_404(selectors.workshop_for_page(), pk=kwargs["pk"])
        if not user.has_perm("matchmaking.view_matchingworkshop", workshop):
            raise Http404(_("No such matchmaking workshop."))
        context.update(
            workshop=workshop,
            json_ld=json_ld_script(workshop_json_ld(self.request, workshop))
            if workshop.event.is_public
            else "",
            event=workshop.event,
            needs=selectors.workshop_needs(workshop, user=user),
            offers=selectors.workshop_offers(workshop, user=user),
            matches=selectors.workshop_matches(workshop, user=user),
        )
        return context


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("stories/", StoryListView.as_view(), name="story_list"),
    path("stories/<int:pk>/", StoryDetailView.as_view(), name="story_detail"),
    path("workshops/<int:pk>/", WorkshopDetailView.as_view(), name="workshop_detail"),
]
