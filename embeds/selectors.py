"""Reads of the components: each builds a :class:`~embeds.results.Result` from the public selectors
of the apps above (the same querysets as the portal's public lists), in a fixed number of queries.

Nothing here widens what those selectors return: every queryset starts from one that gives the
records an anonymous visitor may see (published, of an approved organisation, not restricted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chm_portal.vocabularies.models import Country, Region
from commitments.filtersets import CommitmentFilterSet
from commitments.models import ActorType, Commitment
from commitments.selectors import commitment_statistics
from matchmaking.selectors.projects import project_list
from needs.selectors import need_public_list
from partners.models import Offer, RecordStatus
from partners.selectors.public import (
    offers_for_list,
    opportunities_for_list,
    organisations_public,
)

from .filtersets import OpportunityEmbedFilterSet
from .results import Figure, Item, Result, Section


def _with_query(path: str, **parameters: str) -> str:
    query = urlencode({name: value for name, value in parameters.items() if value})
    return f"{path}?{query}" if query else path


def _date(value) -> str:
    """A date or datetime written out in the active language (``3 mars 2026``)."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


def _titled(title: str, *parts: Any) -> str:
    """``Open opportunities · Africa``: the component's title and what it is narrowed to."""
    return " · ".join([title, *(str(part) for part in parts if part)])


# --- Opportunities ---------------------------------------------------------------------------
def open_opportunities(parameters: Mapping[str, Any]) -> Result:
    """Opportunities open for applications now, newest first, filtered as the partners' list
    filters them (``open``, ``eligible_country``) and by region (``embeds/filtersets.py``).

    Queries: the terms' look-ups of the FilterSet (one per parameter given), the countries of
    the region when one is given, and the rows with their organisation and type."""
    region: Region | None = parameters.get("region")
    country: Country | None = parameters.get("country")
    data: dict[str, Any] = {"open": "true"}
    if country:
        data["eligible_country"] = [country.code]
    if region:
        data["region"] = [region.code]
    filterset = OpportunityEmbedFilterSet(
        data, queryset=opportunities_for_list().prefetch_related(None)
    )
    if not filterset.is_valid():  # the form checked the codes: only a vanished term lands here
        raise ValueError(filterset.errors.as_json())
    opportunities = filterset.qs.order_by(F("published_at").desc(nulls_last=True), "-pk")
    items = tuple(
        Item(
            title=opportunity.title,
            url=reverse("partners:opportunity_detail", kwargs={"pk": opportunity.pk}),
            details=(
                opportunity.opportunity_type.name,
                opportunity.organisation.name,
                _("Deadline: %(date)s") % {"date": _date(opportunity.deadline)},
            ),
            data=(
                ("deadline", opportunity.deadline.isoformat()),
                ("type", opportunity.opportunity_type.code),
                ("organisation", opportunity.organisation.name),
            ),
        )
        for opportunity in opportunities[: parameters["limit"]]
    )
    more_url = _with_query(
        reverse("partners:opportunities_list"),
        open="true",
        eligible_country=country.code if country else "",
    )
    title = _("Open opportunities")
    return Result(
        title=_titled(title, region and region.name, country and country.name),
        url=more_url,
        sections=(
            Section(
                heading=title,
                items=items,
                empty=_("No opportunity is open for applications here at the moment."),
                more_url=more_url,
                more_label=_("All opportunities on the CHM portal"),
            ),
        ),
    )


def example_opportunities() -> dict[str, str]:
    """The live preview: Africa's opportunities when the regions are loaded."""
    if Region.objects.filter(code="002").exists():
        return {"region": "002", "limit": "5"}
    return {"limit": "5"}


# --- A country ------------------------------------------------------------------------------
def country_activity(parameters: Mapping[str, Any]) -> Result:
    """A country's public requests for assistance and the public pilot projects launched on
    them (what an anonymous visitor of the portal sees: :func:`project_list` for nobody).

    Queries: two counts, the requests, the projects."""
    country: Country = parameters["country"]
    limit = parameters["limit"]
    needs = need_public_list().filter(country=country).prefetch_related(None)
    projects = (
        project_list(user=AnonymousUser())
        .filter(match__need__country=country)
        .prefetch_related(None)
    )
    need_items = tuple(
        Item(
            title=need.title,
            url=reverse("needs:detail", kwargs={"reference": need.reference}),
            details=(
                need.reference,
                need.get_status_display(),
                _("Published on %(date)s") % {"date": _date(need.published_at)},
            ),
            data=(
                ("reference", need.reference),
                ("status", need.status),
                ("published_at", need.published_at.isoformat() if need.published_at else None),
            ),
        )
        for need in needs[:limit]
    )
    project_items = tuple(
        Item(
            title=project.title,
            url=reverse("matchmaking:project_detail", kwargs={"pk": project.pk}),
            details=tuple(
                detail
                for detail in (
                    project.reference,
                    project.get_status_display(),
                    project.start_date
                    and _("Started on %(date)s") % {"date": _date(project.start_date)},
                )
                if detail
            ),
            data=(("reference", project.reference), ("status", project.status)),
        )
        for project in projects[:limit]
    )
    registry_url = _with_query(reverse("needs:registry"), country=country.code)
    projects_url = _with_query(reverse("matchmaking:project_list"), country=country.code)
    return Result(
        title=_titled(_("Requests and pilot projects"), country.name),
        url=registry_url,
        figures=(
            Figure(_("Public requests for assistance"), needs.count()),
            Figure(_("Pilot projects"), projects.count()),
        ),
        sections=(
            Section(
                heading=_("Latest requests for assistance"),
                items=need_items,
                empty=_("This country has no public request for assistance yet."),
                more_url=registry_url,
                more_label=_("All of this country's requests"),
            ),
            Section(
                heading=_("Pilot projects"),
                items=project_items,
                empty=_("No pilot project has been launched for this country yet."),
                more_url=projects_url,
                more_label=_("All of this country's pilot projects"),
            ),
        ),
    )


def example_country() -> dict[str, str]:
    """The live preview: the country with the most public requests (Kenya when none has)."""
    busiest = (
        need_public_list()
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .values("country__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__code")
        .first()
    )
    return {"country": busiest["country__code"] if busiest else "KE", "limit": "5"}


# --- An organisation's offers ---------------------------------------------------------------
def organisation_offers(parameters: Mapping[str, Any]) -> Result:
    """An approved organisation's public offers (published, paused or closed), newest first,
    with their kinds of support. Queries: the rows, their support types."""
    organisation = parameters["organisation"]
    offers = (
        offers_for_list()
        .filter(provider=organisation)
        .prefetch_related(None)
        .prefetch_related("support_types")
    )
    items = tuple(
        Item(
            title=offer.title,
            url=reverse("partners:offer_detail", kwargs={"pk": offer.pk}),
            details=tuple(
                detail
                for detail in (
                    ", ".join(support.name for support in offer.support_types.all()),
                    offer.get_status_display() if offer.status != RecordStatus.PUBLISHED else "",
                    offer.available_until
                    and _("Available until %(date)s") % {"date": _date(offer.available_until)},
                )
                if detail
            ),
            data=(
                ("status", offer.status),
                ("support_types", [support.code for support in offer.support_types.all()]),
            ),
        )
        for offer in offers[: parameters["limit"]]
    )
    page = reverse("partners:organisation_detail", kwargs={"pk": organisation.pk})
    title = _("Offers of support")
    return Result(
        title=_titled(title, organisation.name),
        url=page,
        sections=(
            Section(
                heading=title,
                items=items,
                empty=_("This organisation has no public offer of support yet."),
                more_url=_with_query(reverse("partners:offers_list"), provider=organisation.pk),
                more_label=_("All of this organisation's offers"),
            ),
        ),
    )


def example_offers() -> dict[str, str] | None:
    """The live preview: the organisation of the latest public offer, else any approved one;
    None when there is no approved organisation."""
    provider = (
        Offer.objects.public()
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
        .values_list("provider_id", flat=True)
        .first()
    )
    if provider is None:
        provider = organisations_public().order_by("pk").values_list("pk", flat=True).first()
    return None if provider is None else {"organisation": str(provider), "limit": "5"}


# --- Commitments ----------------------------------------------------------------------------
def commitment_figures(parameters: Mapping[str, Any]) -> Result:
    """Counts of published commitments (``commitment_statistics``), narrowed by the
    commitments' own FilterSet. Queries: the FilterSet's look-ups, then the statistics' fixed
    number of aggregates."""
    codes = {
        "actor_type": parameters.get("actor_type") or "",
        "target": getattr(parameters.get("target"), "code", ""),
        "region": getattr(parameters.get("region"), "code", ""),
        "country": getattr(parameters.get("country"), "code", ""),
    }
    data = {name: [code] for name, code in codes.items() if code}
    filterset = CommitmentFilterSet(data, queryset=Commitment.objects.public())
    if not filterset.is_valid():  # the form checked the codes: only a vanished term lands here
        raise ValueError(filterset.errors.as_json())
    statistics = commitment_statistics(filterset.qs)
    totals = statistics["totals"]
    list_url = _with_query(reverse("commitments:commitments_list"), **codes)

    def counted(rows: list[dict[str, Any]], *, keep_zero: bool, coded=False) -> tuple[Item, ...]:
        return tuple(
            Item(
                title=f"{row['code']} {row['label']}" if coded else str(row["label"]),
                count=row["count"],
                data=(("code", row["code"]),),
            )
            for row in rows
            if keep_zero or row["count"]
        )

    nothing = _("No published commitment yet.")
    narrowed_to = [
        ActorType(codes["actor_type"]).label if codes["actor_type"] else "",
        codes["target"],
        getattr(parameters.get("region"), "name", ""),
        getattr(parameters.get("country"), "name", ""),
    ]
    return Result(
        title=_titled(_("Commitments"), *narrowed_to),
        url=reverse("commitments:statistics"),
        figures=(
            Figure(_("Commitments"), totals["commitments"]),
            Figure(_("Countries"), totals["countries"]),
            Figure(_("Deliverables"), totals["deliverables"]),
        ),
        sections=(
            Section(
                _("By type of actor"),
                counted(statistics["by_actor_type"], keep_zero=True),
                nothing,
                more_url=list_url,
                more_label=_("The commitments on the CHM portal"),
            ),
            Section(_("By phase"), counted(statistics["by_phase"], keep_zero=True), nothing),
            Section(
                _("By GBF target"),
                counted(statistics["by_target"], keep_zero=False, coded=True),
                nothing,
            ),
            Section(_("By region"), counted(statistics["by_region"], keep_zero=False), nothing),
        ),
    )


def example_commitments() -> dict[str, str]:
    """The live preview: every published commitment."""
    return {}
