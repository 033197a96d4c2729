"""API of the course catalogue, mounted at /api/v1/ by ``api/urls.py``: ``/courses/`` lists the
public courses (published and archived) with the filters of the catalogue's page
(:class:`~elearning.filtersets.CourseFilterSet`; unknown parameters and unknown codes are 400), and
``/courses/{id}/`` gives one with its outline (modules and lessons: titles, kind, minutes; never
the lessons' content, which is for enrolled learners).

Output is the record of the JSON export (``elearning/databases.py`` ``course_record``), key for
key, plus ``translations``; vocabularies are codes. Read-only: courses are written on the portal's
authoring pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname
from rest_framework import mixins, permissions, serializers, viewsets

from chm_portal.core.richtext import sanitise_html
from partners.api.serializers import CodesField, DayField, OrganisationReferenceSerializer

from ..databases import COURSE_RECORD_KEYS, course_path
from ..filtersets import CourseFilterSet
from ..models import Course, CourseFormat, CourseLevel, EnrolmentMode
from ..selectors import catalogue as selectors


# --- Fields ---------------------------------------------------------------------------------------
class CourseTextSerializer(serializers.Serializer):
    """A course's title and summary in one language."""

    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)


class CourseDetailTextSerializer(CourseTextSerializer):
    """A course's title, summary and syllabus (sanitised HTML) in one language."""

    syllabus = serializers.CharField(read_only=True)


class TranslationsField(serializers.DictField):
    """``{"fr": {"title": ..., "summary": ...}, ...}``: the course's text in each language that
    has some (its original language included)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, course: Model) -> dict[str, dict[str, str]]:
        fields = tuple(self.child.fields)
        translations = {}
        for language in AVAILABLE_LANGUAGES:
            texts = {
                field: getattr(course, build_localized_fieldname(field, language)) or ""
                for field in fields
            }
            if any(texts.values()):
                if texts.get("syllabus"):
                    texts["syllabus"] = sanitise_html(texts["syllabus"])
                translations[language] = texts
        return translations


class LessonOutlineSerializer(serializers.Serializer):
    """A lesson as the outline shows it: no content."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    # Not a ChoiceField: "kind" enums of other record types would collide in the schema.
    kind = serializers.CharField(read_only=True, help_text=_("content or quiz."))
    minutes = serializers.IntegerField(source="estimated_minutes", read_only=True)
    required = serializers.BooleanField(read_only=True)


class ModuleOutlineSerializer(serializers.Serializer):
    """A module of the course with its lessons, in order."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    lessons = LessonOutlineSerializer(many=True, read_only=True)


# --- Courses --------------------------------------------------------------------------------------
class CourseSerializer(serializers.Serializer):
    """A public course, as in the catalogue's JSON export, with its translations."""

    keys: tuple[str, ...] = (*COURSE_RECORD_KEYS, "translations")

    id = serializers.CharField(source="pk", read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    language = serializers.CharField(
        read_only=True, help_text=_("The language the course was written in.")
    )
    provider = OrganisationReferenceSerializer(read_only=True)
    format = serializers.ChoiceField(choices=CourseFormat.choices, read_only=True)
    level = serializers.ChoiceField(choices=CourseLevel.choices, read_only=True)
    estimated_hours = serializers.IntegerField(read_only=True)
    languages = CodesField(help_text=_("ISO 639-1 codes of the languages the course is taught in."))
    targets = CodesField(help_text=_("GBF target codes (GBF-T1 to GBF-T23)."))
    thematic_areas = CodesField(help_text=_("Codes of thematic areas."))
    certificate_offered = serializers.BooleanField(read_only=True)
    enrolment_mode = serializers.ChoiceField(choices=EnrolmentMode.choices, read_only=True)
    open_for_enrolment = serializers.SerializerMethodField()
    starts_on = serializers.DateField(read_only=True, allow_null=True)
    ends_on = serializers.DateField(read_only=True, allow_null=True)
    enrolment_closes_on = serializers.DateField(read_only=True, allow_null=True)
    enrolments = serializers.IntegerField(source="enrolment_count", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("published or archived."))
    published = DayField(source="published_at")
    url = serializers.SerializerMethodField()
    translations = TranslationsField(child=CourseTextSerializer())

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if set(fields) != set(self.keys):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: fields and keys differ: {set(fields) ^ set(self.keys)}"
            )
        return {name: fields[name] for name in self.keys}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_open_for_enrolment(self, course: Course) -> bool:
        """Whether anyone signed in may enrol today."""
        return course.is_open_for_enrolment()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, course: Course) -> str:
        """The course's public page."""
        request = self.context.get("request")
        path = course_path(course)
        return request.build_absolute_uri(path) if request else path


class CourseDetailSerializer(CourseSerializer):
    """A public course with its syllabus and outline (modules and lessons, without content)."""

    keys = (*COURSE_RECORD_KEYS, "syllabus", "modules", "translations")

    syllabus = serializers.SerializerMethodField()
    modules = ModuleOutlineSerializer(many=True, read_only=True)
    translations = TranslationsField(child=CourseDetailTextSerializer())

    @extend_schema_field(OpenApiTypes.STR)
    def get_syllabus(self, course: Course) -> str:
        """Objectives and outline as sanitised HTML (paragraphs, lists, links)."""
        return sanitise_html(course.syllabus)


@extend_schema_view(
    list=extend_schema(
        summary="Search the course catalogue",
        description="Published and archived courses, the most recently published first (the "
        "most relevant first with `q`). The filters are those of the catalogue's page; unknown "
        "parameters and unknown codes are answered with 400.",
    ),
    retrieve=extend_schema(
        summary="One course with its outline",
        responses={
            200: CourseDetailSerializer,
            404: OpenApiResponse(description="No such course, or one that is not public."),
        },
    ),
)
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The course catalogue: public courses, e.g. ``/api/v1/courses/?language=fr&open=true``."""

    queryset = Course.objects.none()  # for the schema; get_queryset gives the public courses
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Course]:
        courses = selectors.public_courses()
        if self.action == "retrieve":
            courses = courses.prefetch_related(selectors.course_outline())
        return courses

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return CourseDetailSerializer if self.action == "retrieve" else CourseSerializer


ROUTES = [("courses", CourseViewSet, "course")]
