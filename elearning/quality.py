"""Courses as reviewable items of ``chm_portal.quality`` (imported by ``ElearningConfig.ready()``).

A course is reviewed when its team submits it (``elearning.services.authoring.submit_for_review``);
the reviewer reads it in the authoring preview. The decision is applied by
:func:`elearning.services.authoring.apply_review_decision`, in the review's transaction:
approved, the course is published; improvements requested or rejected, it goes back to draft.
"""

from django.urls import reverse

from chm_portal.quality.registry import register_reviewable

from .models import Course
from .services.authoring import apply_review_decision


def course_review_decided(*, item: Course, review, by) -> None:
    apply_review_decision(course=item, review=review, by=by)


register_reviewable(
    Course,
    kind="course",
    title=lambda course: course.title,
    url=lambda course: reverse("elearning:authoring_preview", args=[course.pk]),
    on_decision=course_review_decided,
)
