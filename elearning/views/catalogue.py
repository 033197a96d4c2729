"""Public pages of the course catalogue: the e-learning landing page, the catalogue (a registered
database: list with search and facets, CSV and JSON exports, Atom feed, from
``elearning/databases.py``) and a course's page.

A course's page works for anonymous visitors once the course is published or archived; before
that only its provider's members, content reviewers and staff open it (404 for anyone else, so
drafts are not revealed). Enrolment itself is ``elearning:enrol`` (``views/learning.py``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView

from chm_portal.core.databases import database_urls
from chm_portal.core.exports import json_ld_script

from ..databases import COURSES, course_json_ld
from ..models import Course, CourseStatus, Enrolment, EnrolmentMode, EnrolmentStatus
from ..selectors import catalogue as selectors

# The states of a course page's enrolment area (see :func:`enrolment_state`).
ENROLLED = "enrolled"
CAN_ENROL = "enrol"
SIGN_IN = "sign_in"
INVITATION_ONLY = "invitation_only"
CLOSED = "closed"
ARCHIVED = "archived"
NOT_PUBLISHED = "not_published"


def enrolment_state(*, course: Course, enrolment: Enrolment | None, user) -> str:
    """What the enrolment area of a course's page offers the reader: a link to continue, the
    enrolment button, a link to sign in, or why one cannot enrol."""
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        return ENROLLED
    if not course.is_public:
        return NOT_PUBLISHED
    if course.status == CourseStatus.ARCHIVED:
        return ARCHIVED
    if user.is_authenticated and user.has_perm("elearning.enrol", course):
        return CAN_ENROL
    if course.enrolment_mode == EnrolmentMode.INVITATION:
        return INVITATION_ONLY
    if not course.is_open_for_enrolment():
        return CLOSED
    return SIGN_IN if not user.is_authenticated else CLOSED


class IndexView(TemplateView):
    """The e-learning area: what it offers, where to go, and the newest courses."""

    template_name = "elearning/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["database"] = COURSES
        context["newest_courses"] = selectors.newest_courses()
        return context


class CourseDetailView(TemplateView):
    """A course's page: its description, outline (titles only), provider, dates, schema.org
    JSON-LD, and the enrolment area for the reader."""

    template_name = "elearning/catalogue/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            page = selectors.course_for_page(course_id=self.kwargs["pk"], user=user)
        except Course.DoesNotExist as error:
            raise Http404 from error
        course = page.course
        if not user.has_perm("elearning.view_course", course):
            raise Http404
        modules = list(course.modules.all())
        context.update(
            course=course,
            enrolment=page.enrolment,
            modules=modules,
            lesson_count=sum(len(module.lessons.all()) for module in modules),
            enrolment_state=enrolment_state(course=course, enrolment=page.enrolment, user=user),
            can_view_results=user.is_authenticated
            and user.has_perm("elearning.view_course_results", course),
            today=timezone.localdate(),
            database=COURSES,
            json_ld=json_ld_script(course_json_ld(self.request, course)),
        )
        return context


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    # courses/, courses/export.csv, courses/export.json, courses/feed/
    *database_urls(COURSES),
    path("courses/<int:pk>/", CourseDetailView.as_view(), name="course_detail"),
]
