"""Country profiles: the Parties with their national CHM maturity level, one Party's profile
(requests and their status, matches, projects, learners and alumni, the assessment's largest
gaps, the support recommended at its level), and the page where its focal points keep it.

Pages read through ``selectors.countries`` and write through ``services.update_country_profile``;
who may edit is the rule ``monitoring.edit_country_profile``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script
from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS, Country, CountryGroup, Region

from ..forms import CountryFilterSet, CountryProfileForm
from ..json_ld import country_profile_json_ld
from ..models import MATURITY_SUPPORT_ACTIONS, CountryProfile, MaturityLevel
from ..selectors import countries as selectors
from ..services import update_country_profile

PAGE_SIZE = 50


def _party_or_404(code: str):
    country = selectors.party_by_code(code)
    if country is None:
        raise Http404(_("No Party to the Convention has this code."))
    return country


def maturity_levels() -> list[tuple[int, Any, Any]]:
    """``(level, label, recommended action)`` of every level, for the pages' explanations."""
    return [(level.value, level.label, MATURITY_SUPPORT_ACTIONS[level]) for level in MaturityLevel]


class CountryListView(TemplateView):
    """``/dashboards/countries/``: the Parties, 50 a page, with their maturity level, filtered
    by name, region, country group and level, and how many Parties are at each level. Queries do
    not depend on the number of Parties: the filters' choices, distribution, count, page and the
    page's stored figures."""

    template_name = "monitoring/countries.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        base = selectors.party_list()
        filterset = CountryFilterSet(request.GET or None, queryset=base, request=request)
        if filterset.is_bound:
            parties = filterset.qs if filterset.is_valid() else base.none()
        else:
            parties = base
        page_obj = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
        countries = list(page_obj.object_list)
        needs_code = selectors.PROFILE_INDICATORS["needs"]
        matches_code = selectors.PROFILE_INDICATORS["matches"]
        figures, as_of = selectors.country_figures(
            [country.code for country in countries], [needs_code, matches_code]
        )
        for country in countries:
            country.published_requests = figures[country.code][needs_code]
            country.matches = figures[country.code][matches_code]
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            countries=countries,
            figures_as_of=as_of,
            query_string=query.urlencode(),
            selected={name: request.GET.get(name, "") for name in filterset.filters},
            regions=Region.objects.filter(level=Region.Level.REGION).order_by("name"),
            country_groups=CountryGroup.objects.all(),
            levels=maturity_levels(),
            distribution=selectors.maturity_distribution(base),
        )
        return context


class CountryProfileView(TemplateView):
    """``/dashboards/countries/<ISO code>/``: one Party's profile, public. 404 for codes that
    are not those of a Party."""

    template_name = "monitoring/country.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        country = _party_or_404(kwargs["code"])
        data = selectors.country_profile_data(country)
        user = self.request.user
        context.update(
            country=country,
            data=data,
            groups=[
                (code, Country._meta.get_field(COUNTRY_GROUP_FLAGS[code]).verbose_name)
                for code in country.group_codes
            ],
            profile=data.profile,
            json_ld=json_ld_script(country_profile_json_ld(self.request, country, data.profile)),
            levels=maturity_levels(),
            can_edit=user.is_authenticated
            and user.has_perm("monitoring.edit_country_profile", country),
        )
        return context


class CountryProfileEditView(LoginRequiredMixin, TemplateView):
    """``/dashboards/countries/<ISO code>/edit/``: the profile as the country's focal points,
    the help desk and site administrators keep it; 403 for anyone else. A refused change shows
    the form again with everything typed in it."""

    template_name = "monitoring/country_edit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.country = _party_or_404(kwargs["code"])
        if not request.user.has_perm("monitoring.edit_country_profile", self.country):
            raise PermissionDenied(
                _(
                    "Only the focal points of this country, the help desk and site "
                    "administrators may change its profile."
                )
            )
        self.profile = selectors.profile_of(self.country)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: CountryProfileForm) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=form, country=self.country, profile=self.profile)
        )

    def _form(self, data=None) -> CountryProfileForm:
        if data is None:
            if self.profile is None:
                return CountryProfileForm(initial={"maturity_level": MaturityLevel.NO_FOCAL_POINT})
            return CountryProfileForm(instance=self.profile)
        # Validated on a throwaway copy: the service saves, and a refusal changes nothing.
        return CountryProfileForm(data=data, instance=CountryProfile(country=self.country))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self._form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                update_country_profile(
                    user=request.user, country=self.country, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The profile of %(country)s is saved.") % {"country": self.country.name},
                )
                return redirect(reverse("monitoring:country", args=[self.country.code]))
        return self.render_form(form)
