"""Pages of learning: enrolling and withdrawing, following lessons (with "resume where you left
off"), quizzes, the learner's dashboard, invitations, the certificate's PDF, the survey asked on
completion, and a course's results for its team.

Pages read through ``elearning.selectors.learning`` and write only through the services
(``learning``, ``quizzes``). A course the person may not see answers 404, as does someone else's
enrolment or certificate; a learner who is not (or no longer) enrolled is sent to the course's
page to enrol, an invited one to accept the invitation first. Anonymous visitors are sent to
sign in. Authors preview their courses elsewhere (``views/authoring.py``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.core.forms import add_service_errors

from ..certificate_pdf import certificate_filename, certificate_pdf
from ..forms.learning import QuizForm, SurveyForm
from ..models import Certificate, Course, Enrolment, EnrolmentStatus, Lesson
from ..selectors import learning as selectors
from ..services import learning as services
from ..services import quizzes as quiz_services

PAGE_SIZE = 20
S = EnrolmentStatus


def course_url(course: Course) -> str:
    return course.get_absolute_url()


def lesson_url(lesson: Lesson) -> str:
    name = "elearning:quiz" if lesson.kind == Lesson.Kind.QUIZ else "elearning:lesson"
    return reverse(name, kwargs={"pk": lesson.course_id, "lesson_pk": lesson.pk})


def _one(obj: Any, name: str) -> Any:
    """A reverse one-to-one (certificate, survey) or None when there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _visible_course(user, pk: int) -> Course:
    course = get_object_or_404(Course.objects.select_related("provider"), pk=pk)
    if not user.has_perm("elearning.view_course", course):
        raise Http404
    return course


# --- Enrolment ----------------------------------------------------------------------------------
class EnrolView(View):
    """``POST /learning/courses/<pk>/enrol/``: enrol and start learning."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = _visible_course(request.user, pk)
        if not request.user.is_authenticated:
            return redirect_to_login(course_url(course))
        try:
            services.enrol(course=course, user=request.user)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal) or _("You cannot enrol in this course."))
            return redirect(course_url(course))
        messages.success(
            request, _("You are enrolled in “%(title)s”. Enjoy the course!") % {"title": course}
        )
        return redirect("elearning:course_learn", pk=course.pk)


class WithdrawView(LoginRequiredMixin, View):
    """``POST /learning/courses/<pk>/withdraw/``: withdraw from a course (or decline an
    invitation). Progress is kept for a later return."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrolment = selectors.enrolment_of(user=request.user, course_id=pk)
        if enrolment is None:
            raise Http404
        try:
            services.withdraw(enrolment=enrolment, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("You withdrew from “%(title)s”. You may enrol again to continue.")
                % {"title": enrolment.course},
            )
        return redirect("elearning:dashboard")


# --- Learning a course ----------------------------------------------------------------------------
class LearnerMixin(LoginRequiredMixin):
    """Pages of a course the person learns (``pk`` is the course): sets ``course`` and
    ``enrolment``, or sends the person where they can act."""

    course: Course
    enrolment: Enrolment

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        enrolment = selectors.enrolment_of(user=request.user, course_id=kwargs["pk"])
        course = (
            enrolment.course
            if enrolment is not None
            else _visible_course(request.user, kwargs["pk"])
        )
        if not course.is_public:
            raise Http404
        if enrolment is None or enrolment.status == S.WITHDRAWN:
            messages.info(request, _("Enrol in the course to follow its lessons."))
            return redirect(course_url(course))
        if enrolment.status == S.INVITED:
            messages.info(request, _("Accept your invitation to start this course."))
            return redirect("elearning:dashboard")
        self.course, self.enrolment = course, enrolment
        return super().dispatch(request, *args, **kwargs)


class CourseLearnView(LearnerMixin, View):
    """``/learning/courses/<pk>/learn/``: resume where the learner left off (the lesson seen
    last and not done, else the first not done), or the course's page once all is done."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        lessons = selectors.course_lessons(self.course.pk)
        lesson = selectors.resume_lesson(lessons, selectors.progress_of(self.enrolment))
        if lesson is None:
            if lessons:
                messages.info(request, _("You have done every lesson of this course."))
            return redirect(course_url(self.course))
        return redirect(lesson_url(lesson))


@dataclass(frozen=True)
class OutlineItem:
    lesson: Lesson
    url: str
    done: bool
    current: bool


@dataclass(frozen=True)
class OutlineModule:
    module: Any
    items: list[OutlineItem]


class LessonPage(LearnerMixin, TemplateView):
    """What the lesson and quiz pages share: the lesson (404 when not of the course), the
    outline with ticks, previous and next, the progress; "seen" is recorded on GET."""

    def load_lesson(self) -> Lesson:
        lesson = selectors.lesson_for_page(
            course_id=self.course.pk, lesson_id=self.kwargs["lesson_pk"]
        )
        if lesson is None:
            raise Http404
        lesson.course = self.course
        return lesson

    def outline_context(self, lesson: Lesson) -> dict[str, Any]:
        lessons = selectors.course_lessons(self.course.pk)
        progress = selectors.progress_of(self.enrolment)
        done_ids = {pk for pk, row in progress.items() if row.completed_at is not None}
        modules: list[OutlineModule] = []
        for item in lessons:
            if not modules or modules[-1].module.pk != item.module_id:
                modules.append(OutlineModule(module=item.module, items=[]))
            modules[-1].items.append(
                OutlineItem(
                    lesson=item,
                    url=lesson_url(item),
                    done=item.pk in done_ids,
                    current=item.pk == lesson.pk,
                )
            )
        index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
        counted = selectors.counted_lessons(lessons)
        counted_done = sum(1 for item in counted if item.pk in done_ids)
        return {
            "course": self.course,
            "enrolment": self.enrolment,
            "lesson": lesson,
            "outline": modules,
            "previous_lesson": lessons[index - 1] if index > 0 else None,
            "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
            "previous_url": lesson_url(lessons[index - 1]) if index > 0 else "",
            "next_url": lesson_url(lessons[index + 1]) if index + 1 < len(lessons) else "",
            "lesson_done": lesson.pk in done_ids,
            "lessons_done": counted_done,
            "lessons_total": len(counted),
            "progress_percent": selectors.percent(counted_done, len(counted)),
        }

    def record_seen(self, lesson: Lesson) -> None:
        services.record_lesson_seen(enrolment=self.enrolment, lesson=lesson, user=self.request.user)


class LessonView(LessonPage):
    """``/learning/courses/<pk>/lessons/<lesson_pk>/``: the lesson's text, video, resources and
    attachment, with "Mark as done"."""

    template_name = "elearning/learning/lesson.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson = self.load_lesson()
        if lesson.kind == Lesson.Kind.QUIZ:
            return redirect(lesson_url(lesson))
        self.record_seen(lesson)
        context = self.get_context_data(**kwargs)
        context.update(self.outline_context(lesson))
        context["resources"] = list(lesson.resources.all())
        context["attachment_name"] = (
            posixpath.basename(lesson.attachment.name) if lesson.attachment else ""
        )
        return self.render_to_response(context)


class LessonCompleteView(LessonPage):
    """``POST /learning/courses/<pk>/lessons/<lesson_pk>/done/``: mark a lesson done; on to the
    next one, or to the dashboard when the course is completed."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson = self.load_lesson()
        try:
            completed = services.complete_lesson(
                enrolment=self.enrolment, lesson=lesson, user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(lesson_url(lesson))
        if completed:
            messages.success(
                request,
                _("Congratulations: you completed “%(title)s”!") % {"title": self.course},
            )
            return redirect("elearning:dashboard")
        lessons = selectors.course_lessons(self.course.pk)
        index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
        if index is not None and index + 1 < len(lessons):
            return redirect(lesson_url(lessons[index + 1]))
        return redirect("elearning:course_learn", pk=self.course.pk)


class QuizView(LessonPage):
    """``/learning/courses/<pk>/lessons/<lesson_pk>/quiz/``: the quiz's questions (GET), the
    answers submitted (POST), then the result: score, passed or not, the feedback of each answer
    chosen and the attempts left (``?attempt=<id>``)."""

    template_name = "elearning/learning/quiz.html"

    def load_quiz(self):
        lesson = self.load_lesson()
        if lesson.kind != Lesson.Kind.QUIZ:
            return lesson, None
        quiz = selectors.quiz_for_page(lesson)
        if quiz is None:
            raise Http404
        return lesson, quiz

    def page(self, lesson: Lesson, quiz, form: QuizForm | None = None) -> HttpResponse:
        attempts = selectors.attempts_of(enrolment=self.enrolment, quiz=quiz)
        submitted = [attempt for attempt in attempts if attempt.submitted_at is not None]
        passed = any(attempt.passed for attempt in submitted)
        left = quiz_services.attempts_left(quiz, len(submitted))
        questions = list(quiz.questions.all())
        result = None
        wanted = self.request.GET.get("attempt", "")
        if wanted.isdigit():
            result = next((a for a in submitted if a.pk == int(wanted)), None)
        may_answer = bool(questions) and not passed and (left is None or left > 0)
        if form is None and may_answer:
            form = QuizForm(questions=questions)
        context = self.get_context_data(**self.kwargs)
        context.update(self.outline_context(lesson))
        context.update(
            quiz=quiz,
            questions=questions,
            attempts=submitted,
            passed=passed,
            attempts_left=left,
            result=result,
            feedback=selectors.attempt_feedback(result) if result is not None else [],
            form=form if may_answer else None,
        )
        return self.render_to_response(context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson, quiz = self.load_quiz()
        if quiz is None:
            return redirect(lesson_url(lesson))
        self.record_seen(lesson)
        return self.page(lesson, quiz)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson, quiz = self.load_quiz()
        if quiz is None:
            return redirect(lesson_url(lesson))
        form = QuizForm(data=request.POST, questions=list(quiz.questions.all()))
        if form.is_valid():
            try:
                attempt = quiz_services.start_attempt(
                    enrolment=self.enrolment, quiz=quiz, user=request.user
                )
                attempt = quiz_services.submit_attempt(
                    attempt=attempt, answers=form.answers(), user=request.user
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):  # passed, no attempt left...: say it
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect(lesson_url(lesson))
                add_service_errors(form, error)
            else:
                return HttpResponseRedirect(f"{lesson_url(lesson)}?attempt={attempt.pk}")
        return self.page(lesson, quiz, form)


# --- Dashboard ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    percent: int
    certificate: Certificate | None
    survey_due: bool


# Tab of the dashboard -> the statuses it lists.
DASHBOARD_TABS: dict[str, tuple[str, ...]] = {
    "current": (S.ACTIVE, S.COMPLETED),
    "active": (S.ACTIVE,),
    "completed": (S.COMPLETED,),
    "withdrawn": (S.WITHDRAWN,),
}


class DashboardView(LoginRequiredMixin, TemplateView):
    """``/learning/my/``: the learner's courses by status with their progress and where to
    resume, certificates (PDF, verification), invitations to accept and surveys to answer.

    Queries do not depend on the number of enrolments: the counts per status, one page of
    enrolments (progress counted by subqueries; course, provider, certificate and survey
    joined), the invitations and the surveys due.
    """

    template_name = "elearning/learning/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tab = self.request.GET.get("show", "current")
        if tab not in DASHBOARD_TABS:
            tab = "current"
        counts = selectors.my_status_counts(user)
        page_obj = Paginator(
            selectors.my_enrolments(user, statuses=DASHBOARD_TABS[tab]), PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        rows = []
        for enrolment in page_obj.object_list:
            survey = _one(enrolment, "survey")
            rows.append(
                EnrolmentRow(
                    enrolment=enrolment,
                    percent=100
                    if enrolment.status == S.COMPLETED
                    else selectors.percent(enrolment.lessons_done, enrolment.lessons_total),
                    certificate=_one(enrolment, "certificate"),
                    survey_due=enrolment.status == S.COMPLETED and survey is None,
                )
            )
        context.update(
            tab=tab,
            tabs=[
                ("current", _("Current"), counts[S.ACTIVE] + counts[S.COMPLETED]),
                ("active", _("In progress"), counts[S.ACTIVE]),
                ("completed", _("Completed"), counts[S.COMPLETED]),
                ("withdrawn", _("Withdrawn"), counts[S.WITHDRAWN]),
            ],
            counts=counts,
            page_obj=page_obj,
            rows=rows,
            query_string=f"show={tab}",
            invitations=selectors.pending_invitations(user),
            surveys_due=selectors.surveys_due(user),
        )
        return context


# --- Invitations --------------------------------------------------------------------------------
class InvitationAcceptView(LoginRequiredMixin, TemplateView):
    """``/learning/invitations/<token>/``: the invitation to a course (GET), accepted by the
    person signed in (POST). An unknown link answers 404."""

    template_name = "elearning/learning/invitation.html"

    def render_page(self, invitation, refusal, *, status: int = 200) -> HttpResponse:
        context = self.get_context_data(invitation=invitation, refusal=refusal)
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = selectors.invitation_by_token(token)
        refusal = services.invitation_refusal(invitation, request.user)
        if invitation is None:
            return self.render_page(None, refusal, status=404)
        if invitation.accepted_by_id == request.user.pk:
            return redirect("elearning:course_learn", pk=invitation.course_id)
        return self.render_page(invitation, refusal)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            enrolment = services.accept_invitation(token=token, user=request.user)
        except ValidationError as error:
            invitation = selectors.invitation_by_token(token)
            return self.render_page(
                invitation, " ".join(error.messages), status=404 if invitation is None else 200
            )
        messages.success(
            request,
            _("Welcome to “%(title)s”: you are enrolled.") % {"title": enrolment.course},
        )
        return redirect("elearning:course_learn", pk=enrolment.course_id)


# --- Certificates and survey ----------------------------------------------------------------------
class CertificatePdfView(LoginRequiredMixin, View):
    """``/learning/my/certificates/<pk>.pdf``: the learner's own certificate, in the language of
    the page (404 for anyone else, and for a revoked certificate)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = (
            Certificate.objects.filter(pk=pk, enrolment__user=request.user, revoked_at__isnull=True)
            .select_related("enrolment")
            .first()
        )
        if certificate is None:
            raise Http404
        pdf = certificate_pdf(certificate, language=translation.get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{certificate_filename(certificate)}"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SurveyView(LoginRequiredMixin, TemplateView):
    """``/learning/my/enrolments/<pk>/survey/``: what the learner thought of a course they
    completed, once (their own enrolments only: 404 otherwise)."""

    template_name = "elearning/learning/survey.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enrolment = get_object_or_404(
            Enrolment.objects.select_related("course__provider", "survey"),
            pk=kwargs["pk"],
            user=request.user,
        )
        if self.enrolment.status != S.COMPLETED:
            messages.info(request, _("The survey is open once you have completed the course."))
            return redirect("elearning:dashboard")
        if _one(self.enrolment, "survey") is not None:
            messages.info(request, _("You already answered the survey of this course. Thank you!"))
            return redirect("elearning:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def page(self, form: SurveyForm) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=form, enrolment=self.enrolment, course=self.enrolment.course)
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(SurveyForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SurveyForm(data=request.POST)
        if form.is_valid():
            try:
                services.answer_survey(
                    enrolment=self.enrolment, user=request.user, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: your answers help improve the course."))
                return redirect("elearning:dashboard")
        return self.page(form)


# --- Results for the course team ------------------------------------------------------------------
class CourseResultsView(LoginRequiredMixin, TemplateView):
    """``/learning/courses/<pk>/results/``: enrolments by status, the completion rate and the
    survey's results (averages, distributions, comments 20 a page) for the course team, content
    reviewers and staff (``elearning.view_course_results``). Constant queries."""

    template_name = "elearning/learning/results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        course = _visible_course(user, kwargs["pk"])
        if not user.has_perm("elearning.view_course_results", course):
            raise PermissionDenied
        results = selectors.course_results(course)
        page_obj = Paginator(selectors.survey_comments(course), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            course=course,
            results=results,
            statuses=[
                (value, label, results.status_counts.get(value, 0)) for value, label in S.choices
            ],
            page_obj=page_obj,
            comments=page_obj.object_list,
        )
        return context


urlpatterns = [
    path("courses/<int:pk>/enrol/", EnrolView.as_view(), name="enrol"),
    path("courses/<int:pk>/withdraw/", WithdrawView.as_view(), name="withdraw"),
    path("courses/<int:pk>/learn/", CourseLearnView.as_view(), name="course_learn"),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/", LessonView.as_view(), name="lesson"),
    path(
        "courses/<int:pk>/lessons/<int:lesson_pk>/done/",
        LessonCompleteView.as_view(),
        name="lesson_complete",
    ),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/quiz/", QuizView.as_view(), name="quiz"),
    path("courses/<int:pk>/results/", CourseResultsView.as_view(), name="course_results"),
    path("my/", DashboardView.as_view(), name="dashboard"),
    path("my/certificates/<int:pk>.pdf", CertificatePdfView.as_view(), name="certificate_pdf"),
    path("my/enrolments/<int:pk>/survey/", SurveyView.as_view(), name="survey"),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation_accept"),
]
