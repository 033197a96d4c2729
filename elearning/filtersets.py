"""The FilterSet of the course catalogue, shared by its page, API list, exports, feed, the
portal-wide search and saved searches (see :mod:`chm_portal.core.faceting`).

Vocabularies and choices by code (``?language=fr&target=GBF-T3&course_format=mooc``), repeatable,
any of the values; different parameters must all hold; an unknown code is a validation error (400
in the API and the exports, a message on the page). Full-text search looks in the title, summary
and syllabus in every interface language (``Course.SEARCH_FIELDS``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chm_portal.core.faceting import (
    CodesFilter,
    FacetedFilterSet,
    target_filter,
    thematic_area_filter,
)
from chm_portal.vocabularies.models import Language
from partners.models import Organisation

from .models import Course, CourseFormat, CourseLevel, CourseStatus


def open_for_enrolment_q() -> Q:
    """Courses that take enrolments today (``CourseQuerySet.open_for_enrolment``), as a
    condition usable in filters and conditional counts."""
    return Q(pk__in=Course.objects.open_for_enrolment().values("pk"))


def providers() -> QuerySet[Organisation]:
    """Organisations as the provider filter and facet name them: by id, which the facets read as
    the value's ``code`` (see :func:`chm_portal.core.faceting._query_value`)."""
    return Organisation.objects.annotate(code=F("pk"))


class ProviderFilter(django_filters.ModelMultipleChoiceFilter):
    """Courses of any of the organisations whose ids are given (``?provider=12&provider=40``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(
            queryset=providers(),
            field_name="provider",
            label=_("Provider"),
            help_text=_("Identifier of the provider organisation."),
            **kwargs,
        )

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.filter(provider__in=[organisation.pk for organisation in value])


class CourseFilterSet(FacetedFilterSet):
    """Courses by text, language, GBF target, thematic area, format, level, provider, whether they
    take enrolments, status and certificate."""

    language = CodesFilter(
        queryset=Language.objects.all(),
        field_name="languages",
        label=_("Language"),
        help_text=_("ISO 639-1 code of a language the course is taught in, e.g. fr."),
    )
    target = target_filter()
    thematic_area = thematic_area_filter()
    # Not "format": the API keeps that parameter for the response's format (``?format=json``).
    course_format = django_filters.MultipleChoiceFilter(
        field_name="format",
        choices=CourseFormat.choices,
        label=_("Format"),
        help_text=_("self_paced, mooc, instructor_led or blended."),
        widget=forms.CheckboxSelectMultiple,
    )
    level = django_filters.MultipleChoiceFilter(
        choices=CourseLevel.choices, label=_("Level"), widget=forms.CheckboxSelectMultiple
    )
    provider = ProviderFilter()
    open = django_filters.BooleanFilter(
        method="filter_open",
        label=_("Open for enrolment"),
        help_text=_(
            "true: published, open to anyone signed in, before its enrolment closes and its end."
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[
            (value, label)
            for value, label in CourseStatus.choices
            if value in Course.PUBLIC_STATUSES
        ],
        label=_("Status"),
        help_text=_("published or archived (archived courses take no enrolment)."),
        widget=forms.CheckboxSelectMultiple,
    )
    certificate = django_filters.BooleanFilter(
        field_name="certificate_offered",
        label=_("Certificate of completion"),
        help_text=_("true: a certificate is given on completion."),
    )

    class Meta:
        model = Course
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = open_for_enrolment_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)
