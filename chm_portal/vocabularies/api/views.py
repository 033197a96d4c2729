"""Read-only API of the reference data: anyone may read it; records are looked up by code."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import ReadOnlyModelViewSet

from .. import selectors
from ..filtersets import CountryFilterSet, GBFTargetFilterSet, RegionFilterSet, term_filterset
from ..models import VocabularyTerm
from . import serializers


class ReferenceDataViewSet(ReadOnlyModelViewSet):
    """Base of the reference-data endpoints: public, read-only, ``/<prefix>/<code>/``."""

    lookup_field = "code"
    permission_classes = [AllowAny]
    selector: Callable[[], QuerySet]  # A function of selectors.py, set by each subclass.

    def get_queryset(self) -> QuerySet:
        return self.selector()


class CountryViewSet(ReferenceDataViewSet):
    """Countries and territories (ISO 3166-1 alpha-2 codes), with M49 regions, UN regional
    group, country groups (LDC, SIDS, LLDC, EIT) and CBD Party status.

    ``?region=002`` includes countries of every sub-region of Africa."""

    selector = staticmethod(selectors.country_list)
    serializer_class = serializers.CountrySerializer
    filterset_class = CountryFilterSet


class RegionViewSet(ReferenceDataViewSet):
    """UN M49 regions, sub-regions and intermediate regions."""

    selector = staticmethod(selectors.region_list)
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet


class RegionalGroupViewSet(ReferenceDataViewSet):
    """UN regional groups (African States, Asia-Pacific, EEG, GRULAC, WEOG)."""

    selector = staticmethod(selectors.regional_group_list)
    serializer_class = serializers.RegionalGroupSerializer


class GBFGoalViewSet(ReferenceDataViewSet):
    """Goals of the Kunming-Montreal Global Biodiversity Framework (GBF-GA..GBF-GD)."""

    selector = staticmethod(selectors.gbf_goal_list)
    serializer_class = serializers.GBFGoalSerializer


class GBFTargetViewSet(ReferenceDataViewSet):
    """Targets of the Kunming-Montreal Global Biodiversity Framework (GBF-T1..GBF-T23)."""

    selector = staticmethod(selectors.gbf_target_list)
    serializer_class = serializers.GBFTargetSerializer
    filterset_class = GBFTargetFilterSet


class AichiStrategicGoalViewSet(ReferenceDataViewSet):
    """Strategic goals A-E of the Strategic Plan for Biodiversity 2011-2020."""

    selector = staticmethod(selectors.aichi_strategic_goal_list)
    serializer_class = serializers.AichiStrategicGoalSerializer


class AichiTargetViewSet(ReferenceDataViewSet):
    """Aichi Biodiversity Targets (AICHI-T1..AICHI-T20)."""

    selector = staticmethod(selectors.aichi_target_list)
    serializer_class = serializers.AichiTargetSerializer


class SustainableDevelopmentGoalViewSet(ReferenceDataViewSet):
    """The 17 UN Sustainable Development Goals (SDG1..SDG17)."""

    selector = staticmethod(selectors.sdg_list)
    serializer_class = serializers.SustainableDevelopmentGoalSerializer


class VocabularyTermViewSet(ReferenceDataViewSet):
    """Base of the flat controlled vocabularies; made per model by :func:`term_viewset`."""

    model: type[VocabularyTerm]
    serializer_class = serializers.VocabularyTermSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.term_list(model=self.model)


def term_viewset(model: type[VocabularyTerm]) -> type[VocabularyTermViewSet]:
    """The viewset of one flat vocabulary, e.g. thematic areas."""
    plural = str(model._meta.verbose_name_plural)
    return type(
        f"{model.__name__}ViewSet",
        (VocabularyTermViewSet,),
        {
            "model": model,
            "filterset_class": term_filterset(model),
            "__doc__": f"Terms of the controlled vocabulary of {plural}, by code.",
        },
    )
