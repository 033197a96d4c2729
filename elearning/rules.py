"""Object permissions of e-learning (django-rules), autodiscovered at start-up.

Who does what:

- **Authors**: members (any role) of the course's provider organisation create courses, write
  modules, lessons and quizzes, preview, submit for review, invite cohorts, see results. A course
  in review is frozen until the reviewer decides.
- **Content reviewers** (and site administrators) review courses against the quality standards
  and publish them; they see every course and moderate every community.
- **Learners**: anyone signed in enrols in a course open for enrolment, and acts on their own
  enrolments, attempts and survey only.
- **Communities**: members post; community moderators, content reviewers, the help desk and site
  administrators moderate.

Objects: a :class:`~elearning.models.Course` or one of its parts (module, lesson, quiz, cohort:
anything with ``owner_organisation_id``), an :class:`~elearning.models.Enrolment`, a
:class:`~elearning.models.QuizAttempt`, a :class:`~elearning.models.Community`, a
:class:`~elearning.models.Thread` or a :class:`~elearning.models.Post`.
"""

import rules

from chm_portal.accounts.predicates import (
    is_content_reviewer,
    is_helpdesk_or_site_admin,
    is_organisation_member,
    is_site_admin,
)

from .models import (
    Community,
    CommunityMembership,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Post,
    PostStatus,
    QuizAttempt,
    Thread,
)

is_reviewer = is_content_reviewer | is_site_admin
_COMMUNITY_ROLES_CACHE = "_chm_community_roles"


def _course_of(obj) -> Course | None:
    if isinstance(obj, Course):
        return obj
    course = getattr(obj, "course", None)
    if isinstance(course, Course):
        return course
    lesson = getattr(obj, "lesson", None)  # a quiz
    return getattr(lesson, "course", None)


@rules.predicate
def is_public_course(user, obj) -> bool:
    course = _course_of(obj)
    return course is not None and course.status in Course.PUBLIC_STATUSES


@rules.predicate
def is_course_editable(user, obj) -> bool:
    """Authors may change a course unless it waits for its review or is archived."""
    course = _course_of(obj)
    return course is not None and course.status in (CourseStatus.DRAFT, CourseStatus.PUBLISHED)


@rules.predicate
def is_course_draft(user, obj) -> bool:
    course = _course_of(obj)
    return course is not None and course.status == CourseStatus.DRAFT


@rules.predicate
def is_course_in_review(user, obj) -> bool:
    course = _course_of(obj)
    return course is not None and course.status == CourseStatus.IN_REVIEW


@rules.predicate
def is_course_open_for_enrolment(user, obj) -> bool:
    return isinstance(obj, Course) and obj.is_open_for_enrolment()


@rules.predicate
def is_learner(user, obj) -> bool:
    """The enrolment (or the attempt's enrolment) is the person's own."""
    if not user.is_authenticated:
        return False
    if isinstance(obj, QuizAttempt):
        return obj.enrolment.user_id == user.pk
    return isinstance(obj, Enrolment) and obj.user_id == user.pk


@rules.predicate
def is_completed_enrolment(user, obj) -> bool:
    return isinstance(obj, Enrolment) and obj.status == EnrolmentStatus.COMPLETED


@rules.predicate
def is_enrolment_of_member_course(user, obj) -> bool:
    """The enrolment is in a course of one of the person's organisations (its teachers)."""
    return isinstance(obj, Enrolment) and bool(is_organisation_member(user, obj.course))


# --- Communities ----------------------------------------------------------------------------------
def community_roles(user) -> dict[int, str]:
    """``{community id: role}`` of every community ``user`` belongs to, read once per user."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _COMMUNITY_ROLES_CACHE, None)
    if cached is None:
        cached = dict(user.community_memberships.values_list("community_id", "role"))
        setattr(user, _COMMUNITY_ROLES_CACHE, cached)
    return cached


def forget_community_roles(user) -> None:
    if hasattr(user, _COMMUNITY_ROLES_CACHE):
        delattr(user, _COMMUNITY_ROLES_CACHE)


def _community_id_of(obj) -> int | None:
    if isinstance(obj, Community):
        return obj.pk
    if isinstance(obj, Thread):
        return obj.community_id
    if isinstance(obj, Post):
        return obj.thread.community_id
    return None


@rules.predicate
def is_community_member(user, obj) -> bool:
    community_id = _community_id_of(obj)
    return community_id is not None and community_id in community_roles(user)


@rules.predicate
def is_community_moderator(user, obj) -> bool:
    community_id = _community_id_of(obj)
    return (
        community_id is not None
        and community_roles(user).get(community_id) == CommunityMembership.Role.MODERATOR
    )


@rules.predicate
def is_open_community(user, obj) -> bool:
    return isinstance(obj, Community) and obj.is_open


@rules.predicate
def is_post_author(user, obj) -> bool:
    return isinstance(obj, Post) and user.is_authenticated and obj.author_id == user.pk


@rules.predicate
def is_visible_post(user, obj) -> bool:
    return isinstance(obj, Post) and obj.status == PostStatus.VISIBLE


@rules.predicate
def is_thread_open(user, obj) -> bool:
    thread = obj if isinstance(obj, Thread) else getattr(obj, "thread", None)
    return (
        isinstance(thread, Thread)
        and not thread.is_locked
        and (thread.status == PostStatus.VISIBLE)
    )


community_moderator = is_community_moderator | is_content_reviewer | is_helpdesk_or_site_admin

# --- Courses --------------------------------------------------------------------------------------
rules.add_perm(
    "elearning.view_course",
    is_public_course | is_organisation_member | is_reviewer | is_helpdesk_or_site_admin,
)
# ``add`` is asked about the provider organisation.
rules.add_perm("elearning.add_course", is_organisation_member | is_site_admin)
rules.add_perm(
    "elearning.change_course", (is_organisation_member & is_course_editable) | is_site_admin
)
rules.add_perm(
    "elearning.delete_course", (is_organisation_member & is_course_draft) | is_site_admin
)
rules.add_perm("elearning.submit_course", is_organisation_member & is_course_draft)
rules.add_perm("elearning.review_course", is_reviewer)
rules.add_perm("elearning.archive_course", is_organisation_member | is_reviewer)
# Preview, enrolment figures, survey results, cohorts and invitations: the course team and staff.
rules.add_perm(
    "elearning.view_course_results",
    is_organisation_member | is_reviewer | is_helpdesk_or_site_admin,
)
rules.add_perm("elearning.manage_cohorts", is_organisation_member | is_helpdesk_or_site_admin)
rules.add_perm("elearning.enrol", rules.is_authenticated & is_course_open_for_enrolment)

# --- Learning -------------------------------------------------------------------------------------
rules.add_perm(
    "elearning.view_enrolment",
    is_learner | is_enrolment_of_member_course | is_helpdesk_or_site_admin,
)
rules.add_perm("elearning.learn", is_learner)
rules.add_perm("elearning.answer_quiz", is_learner)
rules.add_perm("elearning.answer_survey", is_learner & is_completed_enrolment)

# --- Alumni ---------------------------------------------------------------------------------------
rules.add_perm("elearning.view_alumni_directory", rules.is_authenticated)
rules.add_perm("elearning.import_alumni", is_helpdesk_or_site_admin)

# --- Communities ----------------------------------------------------------------------------------
rules.add_perm("elearning.join_community", rules.is_authenticated & is_open_community)
rules.add_perm(
    "elearning.post_in_community", (is_community_member & is_thread_open) | community_moderator
)
rules.add_perm("elearning.start_thread", is_community_member | community_moderator)
rules.add_perm("elearning.edit_post", is_post_author & is_visible_post & is_thread_open)
rules.add_perm(
    "elearning.flag_post", rules.is_authenticated & is_community_member & is_visible_post
)
rules.add_perm("elearning.moderate_community", community_moderator)
rules.add_perm("elearning.create_community", is_content_reviewer | is_helpdesk_or_site_admin)
