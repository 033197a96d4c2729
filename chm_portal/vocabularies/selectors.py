"""Reads of the reference data.

Every function returns a QuerySet (or plain values built from a fixed number of queries) that
already joins what its callers show, so lists cost one query whatever their length.
"""

from __future__ import annotations

import unicodedata

from django.db.models import QuerySet

from .models import (
    AichiStrategicGoal,
    AichiTarget,
    BeneficiaryType,
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFGoal,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Priority,
    Region,
    RegionalGroup,
    ResourceType,
    SupportType,
    SustainableDevelopmentGoal,
    ThematicArea,
    VocabularyTerm,
)

# The flat controlled lists, by the slug used in page and API addresses, in display order.
TERM_VOCABULARIES: dict[str, type[VocabularyTerm]] = {
    "thematic-areas": ThematicArea,
    "support-types": SupportType,
    "capacity-levels": CapacityLevel,
    "organisation-types": OrganisationType,
    "resource-types": ResourceType,
    "opportunity-types": OpportunityType,
    "event-types": EventType,
    "priorities": Priority,
    "languages": Language,
    "beneficiary-types": BeneficiaryType,
    "country-groups": CountryGroup,
}


def term_list(*, model: type[VocabularyTerm], active_only: bool = False) -> QuerySet:
    """The terms of one flat vocabulary in display order.

    Forms offer ``active_only=True``; lists and the API show inactive terms too, because old
    records still use them.
    """
    terms = model.objects.all()
    if active_only:
        terms = terms.filter(is_active=True)
    return terms.order_by("position", "code")


def term_model_for_slug(slug: str) -> type[VocabularyTerm] | None:
    """The vocabulary model for a page/API slug such as ``thematic-areas``, or None."""
    return TERM_VOCABULARIES.get(slug)


def country_list() -> QuerySet[Country]:
    """Every country and territory, by name, with its regions and regional group joined."""
    return Country.objects.select_related(
        "region", "subregion", "intermediate_region", "regional_group"
    )


def cbd_party_list() -> QuerySet[Country]:
    """The Parties to the Convention on Biological Diversity (196, the EU included)."""
    return country_list().filter(is_cbd_party=True)


def country_group_list() -> QuerySet[CountryGroup]:
    """The groups of countries with special needs (LDC, SIDS, LLDC, EIT)."""
    return term_list(model=CountryGroup)


def region_list() -> QuerySet[Region]:
    """M49 regions of every level, by code, with their parent joined."""
    return Region.objects.select_related("parent").order_by("code")


def region_choices() -> list[tuple[str, str]]:
    """``(code, label)`` of every region, as a tree: each region followed by its parts.

    Labels are indented with dashes by level and sorted by name in the active language. One
    query.
    """
    regions = list(Region.objects.all())
    children: dict[int | None, list[Region]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    choices: list[tuple[str, str]] = []

    def add(parent_id: int | None, depth: int) -> None:
        for region in sorted(children.get(parent_id, []), key=lambda r: _sort_key(r.name)):
            choices.append((region.code, f"{'— ' * depth}{region.name}"))
            add(region.pk, depth + 1)

    add(None, 0)
    return choices


def _sort_key(text: str) -> str:
    """Sort key that ignores accents and case ("Mélanésie" before "Micronésie")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def regional_group_list() -> QuerySet[RegionalGroup]:
    """The UN regional groups, by code."""
    return RegionalGroup.objects.order_by("code")


def gbf_goal_list() -> QuerySet[GBFGoal]:
    """Goals A-D of the Kunming-Montreal Global Biodiversity Framework."""
    return GBFGoal.objects.order_by("letter")


def gbf_target_list() -> QuerySet[GBFTarget]:
    """Targets 1-23 of the Kunming-Montreal Global Biodiversity Framework, by number."""
    return GBFTarget.objects.order_by("number")


def aichi_strategic_goal_list() -> QuerySet[AichiStrategicGoal]:
    """Strategic goals A-E of the Strategic Plan for Biodiversity 2011-2020."""
    return AichiStrategicGoal.objects.order_by("code")


def aichi_target_list() -> QuerySet[AichiTarget]:
    """Aichi Biodiversity Targets 1-20, by number, with their strategic goal joined."""
    return AichiTarget.objects.select_related("strategic_goal").order_by("number")


def sdg_list() -> QuerySet[SustainableDevelopmentGoal]:
    """The 17 Sustainable Development Goals, by number."""
    return SustainableDevelopmentGoal.objects.order_by("number")


def reference_data_counts() -> dict[str, int]:
    """Number of records of every reference list, by slug (the API prefix). One query each."""
    counts = {slug: model.objects.count() for slug, model in TERM_VOCABULARIES.items()}
    counts.update(
        {
            "countries": Country.objects.count(),
            "regions": Region.objects.count(),
            "regional-groups": RegionalGroup.objects.count(),
            "gbf-goals": GBFGoal.objects.count(),
            "gbf-targets": GBFTarget.objects.count(),
            "aichi-strategic-goals": AichiStrategicGoal.objects.count(),
            "aichi-targets": AichiTarget.objects.count(),
            "sdgs": SustainableDevelopmentGoal.objects.count(),
        }
    )
    return counts
