"""Pages of the reference data: an index, the countries, the targets and each flat vocabulary."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_filters.views import FilterView

from . import selectors
from .api.urls import API_BASENAMES
from .filtersets import CountryFilterSet

# Reference lists that are not flat vocabularies: (slug = API prefix, label, page URL name).
OTHER_LISTS = (
    ("countries", _("Countries and territories"), "vocabularies:country_list"),
    ("regions", _("UN M49 regions"), None),
    ("regional-groups", _("UN regional groups"), None),
    ("gbf-goals", _("Global Biodiversity Framework goals"), "vocabularies:target_list"),
    ("gbf-targets", _("Global Biodiversity Framework targets"), "vocabularies:target_list"),
    ("aichi-strategic-goals", _("Aichi strategic goals"), "vocabularies:target_list"),
    ("aichi-targets", _("Aichi Biodiversity Targets"), "vocabularies:target_list"),
    ("sdgs", _("Sustainable Development Goals"), "vocabularies:target_list"),
)


def _api_list_url(slug: str) -> str:
    """Address of the API list endpoint of a reference list."""
    return reverse(f"{API_BASENAMES[slug]}-list")


class IndexView(TemplateView):
    """Every reference list, with its number of records, its page and its API endpoint."""

    template_name = "vocabularies/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = selectors.reference_data_counts()
        context["lists"] = [
            {
                "slug": slug,
                "label": label,
                "count": counts[slug],
                "page_url": reverse(page) if page else None,
                "api_url": _api_list_url(slug),
            }
            for slug, label, page in OTHER_LISTS
        ]
        context["vocabularies"] = [
            {
                "slug": slug,
                "label": model._meta.verbose_name_plural,
                "count": counts[slug],
                "page_url": reverse("vocabularies:term_list", kwargs={"slug": slug}),
                "api_url": _api_list_url(slug),
            }
            for slug, model in selectors.TERM_VOCABULARIES.items()
        ]
        return context


class CountryListView(FilterView):
    """All countries and territories, filtered by region, group, regional group or CBD status.

    The list is not paginated: it is bounded by ISO 3166-1 (about 250 rows).
    """

    template_name = "vocabularies/country_list.html"
    filterset_class = CountryFilterSet
    context_object_name = "countries"

    def get_queryset(self):
        return selectors.country_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["country_groups"] = selectors.country_group_list()
        return context


class TargetListView(TemplateView):
    """The GBF goals and targets, the Aichi targets by strategic goal, and the SDGs."""

    template_name = "vocabularies/target_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            gbf_goals=selectors.gbf_goal_list(),
            gbf_targets=selectors.gbf_target_list(),
            aichi_targets=selectors.aichi_target_list(),
            sdgs=selectors.sdg_list(),
        )
        return context


class TermListView(TemplateView):
    """The terms of one flat vocabulary, e.g. ``/reference/terms/thematic-areas/``."""

    template_name = "vocabularies/term_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        model = selectors.term_model_for_slug(self.kwargs["slug"])
        if model is None:
            raise Http404(_("No such vocabulary."))
        context.update(
            slug=self.kwargs["slug"],
            vocabulary_name=model._meta.verbose_name_plural,
            terms=selectors.term_list(model=model),
            api_url=_api_list_url(self.kwargs["slug"]),
        )
        return context
