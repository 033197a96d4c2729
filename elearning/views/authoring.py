"""Pages of course authoring (``/learning/teach/``): members of provider organisations write
courses, modules, lessons and quizzes, preview them as learners will see them, submit them for
their quality review, answer the reviewer's requests, archive them, and invite cohorts.

Pages read through ``elearning.selectors.authoring`` and write only through
``elearning.services.authoring`` (and ``elearning.services.learning.invite_to_course``). Who may
do what is ``elearning/rules.py``'s: the course team (members of the provider organisation)
writes; content reviewers read the overview and the preview. A course the person may not see
answers 404, one they may see (it is public) but not work on answers 403; anonymous visitors are
sent to sign in. A course waiting for its review (or archived) is frozen: its edit pages lead
back to the overview with a message.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.accounts.predicates import is_organisation_member, organisation_roles
from chm_portal.core.forms import add_service_errors
from chm_portal.quality.forms import ImprovementsForm

from ..forms.authoring import (
    ChoiceFormSet,
    CohortForm,
    CourseCreateForm,
    CourseForm,
    InviteForm,
    LessonForm,
    ModuleForm,
    QuestionForm,
    QuizForm,
    SubmitForm,
    choice_initial,
)
from ..models import Course, CourseStatus, Lesson, Module, Question
from ..selectors import authoring as selectors
from ..services import authoring as services

PAGE_SIZE = 20
VIEW = "elearning.view_course_results"
CHANGE = "elearning.change_course"


def course_url(course: Course, anchor: str = "") -> str:
    url = reverse("elearning:authoring_course", kwargs={"pk": course.pk})
    return f"{url}#{anchor}" if anchor else url


def check_course(user, course: Course, permission: str = VIEW) -> None:
    """404 when ``user`` may not see the course at all, 403 when they may see it (it is public)
    but not work on it, or not do ``permission``."""
    if not user.has_perm(VIEW, course):
        if user.has_perm("elearning.view_course", course):
            raise PermissionDenied
        raise Http404(_("No such course."))
    if permission != VIEW and not user.has_perm(permission, course):
        raise PermissionDenied


def course_for(user, pk: int, permission: str = VIEW) -> Course:
    course = get_object_or_404(selectors.course_for_authoring(), pk=pk)
    check_course(user, course, permission)
    return course


def frozen_message(course: Course):
    if course.status == CourseStatus.IN_REVIEW:
        return _(
            "The course is waiting for its quality review: it can be changed again once the "
            "reviewer has decided."
        )
    return _("The course is “%(status)s”: it can no longer be changed.") % {
        "status": course.get_status_display()
    }


def show_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- My courses -------------------------------------------------------------------------------
class AuthorRequiredMixin(LoginRequiredMixin):
    """Members of an organisation (and site administrators): 403 for everyone else."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not organisation_roles(request.user) and not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AuthoringListView(AuthorRequiredMixin, TemplateView):
    """``/learning/teach/``: the courses of the person's organisations, by status, 20 a page,
    with "New course" for each organisation. Queries: organisations, count, page."""

    template_name = "elearning/authoring/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        status = self.request.GET.get("status", "")
        if status not in CourseStatus.values:
            status = ""
        page_obj = Paginator(
            selectors.authoring_courses(user=user, status=status or None), PAGE_SIZE
        ).get_page(self.request.GET.get("page"))
        context.update(
            organisations=list(selectors.authoring_organisations(user=user)),
            page_obj=page_obj,
            courses=page_obj.object_list,
            statuses=CourseStatus.choices,
            status=status,
            query_string=f"status={status}" if status else "",
        )
        return context


# --- Form pages -------------------------------------------------------------------------------
class FormPage(LoginRequiredMixin, TemplateView):
    """A page with one form about a course (or one of its parts): the shared template, the
    permission checks and the error handling. Subclasses set ``self.course`` in ``load``."""

    template_name = "elearning/authoring/form.html"
    permission = CHANGE
    title: Any = ""
    intro: Any = ""
    submit_label: Any = _("Save")
    course: Course

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)
        user = request.user
        if not user.has_perm(self.permission, self.course):
            check_course(user, self.course)  # 404 or 403 for people outside the team
            if self.permission == CHANGE and is_organisation_member(user, self.course):
                messages.info(request, frozen_message(self.course))
                return redirect(course_url(self.course))
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs: Any) -> None:
        self.course = get_object_or_404(selectors.course_for_authoring(), pk=kwargs["pk"])

    def render_form(self, form, *, status: int = 200, **extra: Any) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            has_files=form.is_multipart(),
            course=self.course,
            cancel_url=extra.pop("cancel_url", course_url(self.course)),
            **extra,
        )
        return self.render_to_response(context, status=status)

    def run(self, form, call) -> Any:
        """Call the service; its result, or None with its errors on the form."""
        try:
            return call()
        except ValidationError as error:
            add_service_errors(form, error)
            return None


class CourseCreateView(AuthorRequiredMixin, TemplateView):
    """``/learning/teach/new/``: a new draft course of one of the person's organisations
    (``?provider=<id>`` chooses it)."""

    template_name = "elearning/authoring/form.html"

    def organisations(self):
        return selectors.authoring_organisations(user=self.request.user)

    def page(self, form) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=form,
                title=_("New course"),
                intro=_(
                    "Describe the course; then add its modules, lessons and quizzes. It stays a "
                    "draft, visible to your organisation only, until a content reviewer approves "
                    "it."
                ),
                submit_label=_("Create the course"),
                has_files=True,
                cancel_url=reverse("elearning:authoring_list"),
            )
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisations = self.organisations()
        if not organisations.exists():
            raise PermissionDenied
        initial = {"language": request.LANGUAGE_CODE}
        provider = request.GET.get("provider", "")
        if provider.isdigit():
            initial["provider"] = int(provider)
        return self.page(
            CourseCreateForm(
                initial=initial,
                organisations=organisations,
                language=request.LANGUAGE_CODE,
                instance=Course(),
            )
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisations = self.organisations()
        if not organisations.exists():
            raise PermissionDenied
        form = CourseCreateForm(
            data=request.POST,
            files=request.FILES,
            organisations=organisations,
            language=request.POST.get("language") or request.LANGUAGE_CODE,
            instance=Course(),
        )
        if form.is_valid():
            try:
                course = services.create_course(
                    provider=form.cleaned_data["provider"],
                    by=request.user,
                    **form.service_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The course is created. Now add its first module."))
                return redirect(course_url(course))
        return self.page(form)


class CourseEditView(FormPage):
    """``/learning/teach/courses/<pk>/edit/``: what the course says."""

    title = _("Edit the course")

    def form(self, **kwargs: Any) -> CourseForm:
        return CourseForm(instance=copy.copy(self.course), language=self.course.language, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(data=request.POST, files=request.FILES)
        if form.is_valid() and self.run(
            form,
            lambda: services.update_course(
                course=self.course, by=request.user, **form.service_fields()
            ),
        ):
            messages.success(request, _("The course is saved."))
            return redirect(course_url(self.course))
        return self.render_form(form)


# --- The overview -------------------------------------------------------------------------------
class CourseOverviewView(LoginRequiredMixin, TemplateView):
    """``/learning/teach/courses/<pk>/``: the course's details, its outline with the buttons to
    reorder and edit it, its review, cohorts and invitations, and what the person may do now."""

    template_name = "elearning/authoring/course.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        course = course_for(user, kwargs["pk"])
        state = selectors.review_state(course)
        may_change = user.has_perm(CHANGE, course)
        may_cohorts = user.has_perm("elearning.manage_cohorts", course)
        awaiting = state.awaiting_improvements
        context.update(
            course=course,
            modules=selectors.course_outline(course),
            review=state.latest,
            awaiting=awaiting,
            may_change=may_change,
            may_submit=user.has_perm("elearning.submit_course", course),
            may_delete=user.has_perm("elearning.delete_course", course)
            and course.status == CourseStatus.DRAFT,
            may_archive=user.has_perm("elearning.archive_course", course)
            and course.status == CourseStatus.PUBLISHED,
            may_review=user.has_perm("elearning.review_course", course),
            may_cohorts=may_cohorts,
            is_team=is_organisation_member(user, course),
            submit_form=kwargs.get("submit_form") or SubmitForm(),
            improvements_form=kwargs.get("improvements_form")
            or ImprovementsForm(initial={"improvements_made": awaiting.improvements_made})
            if awaiting is not None
            else None,
        )
        if may_cohorts:
            context.update(
                cohorts=list(selectors.cohorts_of(course)),
                cohort_form=kwargs.get("cohort_form") or CohortForm(prefix="cohort"),
                invite_form=kwargs.get("invite_form") or InviteForm(course=course, prefix="invite"),
            )
        return context


class CourseActionView(LoginRequiredMixin, View):
    """A POST about a course that leads back to its overview (submit, archive, improvements,
    cohorts, invitations). Errors are shown as messages."""

    http_method_names = ["post"]
    permission = VIEW

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = course_for(request.user, pk, self.permission)
        try:
            message = self.act(request, course)
        except ValidationError as error:
            show_errors(request, error)
            return redirect(course_url(course, self.anchor))
        if message:
            messages.success(request, message)
        return redirect(self.done_url(course))

    anchor = ""

    def act(self, request: HttpRequest, course: Course):
        raise NotImplementedError

    def done_url(self, course: Course) -> str:
        return course_url(course, self.anchor)


class SubmitView(CourseActionView):
    """``POST .../submit/``: submit the draft for its quality review."""

    permission = "elearning.submit_course"
    anchor = "review"

    def act(self, request: HttpRequest, course: Course):
        form = SubmitForm(data=request.POST)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.submit_for_review(
            course=course, by=request.user, improvements_made=form.cleaned_data["improvements_made"]
        )
        return _(
            "The course is submitted: a content reviewer will check it against the portal's "
            "quality standards. It cannot be changed meanwhile."
        )


class ImprovementsView(CourseActionView):
    """``POST .../improvements/``: what the team changed in answer to the reviewer."""

    anchor = "review"

    def act(self, request: HttpRequest, course: Course):
        if not is_organisation_member(request.user, course):
            raise PermissionDenied
        form = ImprovementsForm(data=request.POST)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.record_course_improvements(
            course=course, by=request.user, improvements_made=form.cleaned_data["improvements_made"]
        )
        return _("Thank you: the reviewer will read what you improved when you submit again.")


class ArchiveView(CourseActionView):
    """``POST .../archive/``: archive a published course."""

    permission = "elearning.archive_course"

    def act(self, request: HttpRequest, course: Course):
        services.archive_course(course=course, by=request.user)
        return _("The course is archived: it takes no new enrolment.")


class CohortCreateView(CourseActionView):
    """``POST .../cohorts/new/``: a cohort to invite learners to."""

    permission = "elearning.manage_cohorts"
    anchor = "cohorts"

    def act(self, request: HttpRequest, course: Course):
        form = CohortForm(data=request.POST, prefix="cohort")
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[name].label}: {error}" if name in form.fields else error
                    for name, errors in form.errors.items()
                    for error in errors
                ]
            )
        cohort = services.create_cohort(course=course, by=request.user, **form.cleaned_data)
        return _("The cohort “%(name)s” is created.") % {"name": cohort.name}


class InviteView(CourseActionView):
    """``POST .../invite/``: invite email addresses to the course (and a cohort)."""

    permission = "elearning.manage_cohorts"
    anchor = "cohorts"

    def act(self, request: HttpRequest, course: Course):
        # The learning area's service (written alongside), read when it is used.
        from ..services.learning import invite_to_course

        form = InviteForm(data=request.POST, course=course, prefix="invite")
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        invitations = invite_to_course(
            course=course,
            emails=form.addresses(),
            cohort=form.cleaned_data["cohort"],
            by=request.user,
        )
        return _("Invitations sent: %(count)s.") % {"count": len(invitations)}


class DeleteView(LoginRequiredMixin, TemplateView):
    """A confirmation page, then the deletion (course, module, lesson or question)."""

    template_name = "elearning/authoring/confirm_delete.html"
    permission = CHANGE
    # ``delete()`` below deletes the object, it is no HTTP handler: an HTTP DELETE is 405.
    http_method_names = ["get", "post"]
    course: Course

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = self.load(**kwargs)
        if not request.user.has_perm(self.permission, self.course):
            check_course(request.user, self.course)
            if is_organisation_member(request.user, self.course):
                messages.info(request, self.refusal())
                return redirect(course_url(self.course))
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs: Any):
        raise NotImplementedError

    def refusal(self):
        """Why the team may not delete it now."""
        return frozen_message(self.course)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                course=self.course, obj=self.obj, what=self.what, cancel_url=self.back_url()
            )
        )

    def back_url(self) -> str:
        return course_url(self.course)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.delete()
        except ValidationError as error:
            show_errors(request, error)
            return redirect(self.back_url())
        messages.success(request, _("Deleted: %(title)s.") % {"title": str(self.obj)})
        return redirect(self.done_url())

    def done_url(self) -> str:
        return course_url(self.course)


class CourseDeleteView(DeleteView):
    permission = "elearning.delete_course"
    what = _("the course and everything in it")

    def load(self, **kwargs: Any):
        self.course = get_object_or_404(selectors.course_for_authoring(), pk=kwargs["pk"])
        return self.course

    def refusal(self):
        if self.course.status == CourseStatus.PUBLISHED:
            return _("A published course is not deleted: archive it instead.")
        return frozen_message(self.course)

    def delete(self) -> None:
        services.delete_course(course=self.course, by=self.request.user)

    def done_url(self) -> str:
        return reverse("elearning:authoring_list")


# --- Modules --------------------------------------------------------------------------------------
class ModuleAddView(FormPage):
    """``/learning/teach/courses/<pk>/modules/new/``."""

    title = _("Add a module")
    submit_label = _("Add the module")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(ModuleForm(instance=Module(), language=self.course.language))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ModuleForm(data=request.POST, instance=Module(), language=self.course.language)
        if form.is_valid():
            module = self.run(
                form,
                lambda: services.add_module(
                    course=self.course, by=request.user, **form.service_fields()
                ),
            )
            if module is not None:
                messages.success(request, _("The module is added: now add its lessons."))
                return redirect(course_url(self.course, f"module-{module.pk}"))
        return self.render_form(form)


class ModulePage(FormPage):
    module: Module

    def load(self, **kwargs: Any) -> None:
        self.module = get_object_or_404(selectors.module_for_authoring(), pk=kwargs["pk"])
        self.course = self.module.course


class ModuleEditView(ModulePage):
    """``/learning/teach/modules/<pk>/edit/``."""

    title = _("Edit the module")

    def form(self, **kwargs: Any) -> ModuleForm:
        return ModuleForm(instance=copy.copy(self.module), language=self.course.language, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(data=request.POST)
        if form.is_valid() and self.run(
            form,
            lambda: services.update_module(
                module=self.module, by=request.user, **form.service_fields()
            ),
        ):
            messages.success(request, _("The module is saved."))
            return redirect(course_url(self.course, f"module-{self.module.pk}"))
        return self.render_form(form)


class ModuleDeleteView(DeleteView):
    what = _("the module and its lessons")

    def load(self, **kwargs: Any):
        module = get_object_or_404(selectors.module_for_authoring(), pk=kwargs["pk"])
        self.course = module.course
        return module

    def delete(self) -> None:
        services.delete_module(module=self.obj, by=self.request.user)


class MoveView(LoginRequiredMixin, View):
    """``POST .../move/`` with ``direction`` up or down: reorder a module or a lesson."""

    http_method_names = ["post"]

    def load(self, pk: int):
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj, course = self.load(pk)
        if not request.user.has_perm(CHANGE, course):
            check_course(request.user, course)
            if is_organisation_member(request.user, course):
                messages.info(request, frozen_message(course))
                return redirect(course_url(course))
            raise PermissionDenied
        try:
            moved = self.move(obj, request.user, request.POST.get("direction", ""))
        except ValidationError as error:
            show_errors(request, error)
            return redirect(course_url(course))
        return redirect(course_url(course, self.anchor(moved)))


class ModuleMoveView(MoveView):
    def load(self, pk: int):
        module = get_object_or_404(selectors.module_for_authoring(), pk=pk)
        return module, module.course

    def move(self, module, user, direction):
        return services.move_module(module=module, by=user, direction=direction)

    def anchor(self, module) -> str:
        return f"module-{module.pk}"


# --- Lessons --------------------------------------------------------------------------------------
class LessonAddView(ModulePage):
    """``/learning/teach/modules/<pk>/lessons/new/``: a content lesson."""

    title = _("Add a lesson")
    submit_label = _("Add the lesson")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(
            LessonForm(instance=Lesson(), language=self.course.language), module=self.module
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LessonForm(
            data=request.POST,
            files=request.FILES,
            instance=Lesson(course=self.course, module=self.module),
            language=self.course.language,
        )
        if form.is_valid():
            lesson = self.run(
                form,
                lambda: services.add_lesson(
                    module=self.module, by=request.user, **form.service_fields()
                ),
            )
            if lesson is not None:
                messages.success(request, _("The lesson is added."))
                return redirect(course_url(self.course, f"lesson-{lesson.pk}"))
        return self.render_form(form, module=self.module)


class QuizAddView(ModulePage):
    """``/learning/teach/modules/<pk>/quizzes/new/``: a quiz (its questions come next)."""

    title = _("Add a quiz")
    submit_label = _("Add the quiz")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(QuizForm(), module=self.module)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = QuizForm(data=request.POST)
        if form.is_valid():
            lesson = self.run(
                form,
                lambda: services.add_quiz_lesson(
                    module=self.module, by=request.user, **form.cleaned_data
                ),
            )
            if lesson is not None:
                messages.success(request, _("The quiz is added: now write its questions."))
                return redirect("elearning:authoring_quiz", pk=lesson.pk)
        return self.render_form(form, module=self.module)


class LessonPage(FormPage):
    lesson: Lesson

    def load(self, **kwargs: Any) -> None:
        self.lesson = get_object_or_404(selectors.lesson_for_authoring(), pk=kwargs["pk"])
        self.course = self.lesson.course


class LessonEditView(LessonPage):
    """``/learning/teach/lessons/<pk>/edit/``: a content lesson (a quiz has its own page)."""

    title = _("Edit the lesson")

    def form(self, **kwargs: Any) -> LessonForm:
        return LessonForm(instance=copy.copy(self.lesson), language=self.course.language, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.lesson.kind == Lesson.Kind.QUIZ:
            return redirect("elearning:authoring_quiz", pk=self.lesson.pk)
        return self.render_form(self.form(), lesson=self.lesson)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.lesson.kind == Lesson.Kind.QUIZ:
            return redirect("elearning:authoring_quiz", pk=self.lesson.pk)
        form = self.form(data=request.POST, files=request.FILES)
        if form.is_valid() and self.run(
            form,
            lambda: services.update_lesson(
                lesson=self.lesson, by=request.user, **form.service_fields()
            ),
        ):
            messages.success(request, _("The lesson is saved."))
            return redirect(course_url(self.course, f"lesson-{self.lesson.pk}"))
        return self.render_form(form, lesson=self.lesson)


class LessonDeleteView(DeleteView):
    what = _("the lesson")

    def load(self, **kwargs: Any):
        lesson = get_object_or_404(selectors.lesson_for_authoring(), pk=kwargs["pk"])
        self.course = lesson.course
        return lesson

    def delete(self) -> None:
        services.delete_lesson(lesson=self.obj, by=self.request.user)


class LessonMoveView(MoveView):
    def load(self, pk: int):
        lesson = get_object_or_404(selectors.lesson_for_authoring(), pk=pk)
        return lesson, lesson.course

    def move(self, lesson, user, direction):
        return services.move_lesson(lesson=lesson, by=user, direction=direction)

    def anchor(self, lesson) -> str:
        return f"lesson-{lesson.pk}"


# --- Quizzes and questions ------------------------------------------------------------------------
class QuizEditView(LessonPage):
    """``/learning/teach/lessons/<pk>/quiz/``: the quiz's settings and its questions."""

    template_name = "elearning/authoring/quiz.html"
    title = _("Edit the quiz")

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        if self.lesson.kind != Lesson.Kind.QUIZ:
            raise Http404

    def page(self, form) -> HttpResponse:
        return self.render_form(
            form,
            lesson=self.lesson,
            quiz=self.lesson.quiz,
            questions=selectors.quiz_questions(self.lesson.quiz),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(QuizForm(initial=QuizForm.initial_for(self.lesson, self.course.language)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = QuizForm(data=request.POST)
        if form.is_valid() and self.run(
            form,
            lambda: services.update_quiz(
                quiz=self.lesson.quiz, by=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, _("The quiz is saved."))
            return redirect("elearning:authoring_quiz", pk=self.lesson.pk)
        return self.page(form)


class QuestionPage(FormPage):
    """A question with its answers (a formset of rows)."""

    template_name = "elearning/authoring/question.html"
    question: Question | None = None
    lesson: Lesson

    def quiz_url(self) -> str:
        return reverse("elearning:authoring_quiz", kwargs={"pk": self.lesson.pk})

    def forms(self, data=None):
        question = self.question
        form = QuestionForm(
            data=data,
            instance=copy.copy(question) if question else Question(),
            language=self.course.language,
        )
        formset = ChoiceFormSet(
            data=data,
            initial=None if data is not None else choice_initial(question, self.course.language),
            prefix="choices",
        )
        return form, formset

    def page(self, form, formset) -> HttpResponse:
        return self.render_form(
            form,
            formset=formset,
            lesson=self.lesson,
            question=self.question,
            cancel_url=self.quiz_url(),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(*self.forms())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset = self.forms(request.POST)
        valid = [form.is_valid(), formset.is_valid()]  # both, so that every error shows at once
        if all(valid) and self.run(form, lambda: self.save(form, formset)):
            messages.success(request, _("The question is saved."))
            return redirect(self.quiz_url())
        return self.page(form, formset)


class QuestionAddView(QuestionPage):
    """``/learning/teach/lessons/<pk>/quiz/questions/new/``."""

    title = _("Add a question")

    def load(self, **kwargs: Any) -> None:
        self.lesson = get_object_or_404(selectors.lesson_for_authoring(), pk=kwargs["pk"])
        if self.lesson.kind != Lesson.Kind.QUIZ:
            raise Http404
        self.course = self.lesson.course

    def save(self, form, formset):
        return services.add_question(
            quiz=self.lesson.quiz,
            by=self.request.user,
            choices=formset.choices(),
            **form.service_fields(),
        )


class QuestionEditView(QuestionPage):
    """``/learning/teach/questions/<pk>/edit/``."""

    title = _("Edit the question")

    def load(self, **kwargs: Any) -> None:
        self.question = get_object_or_404(selectors.question_for_authoring(), pk=kwargs["pk"])
        self.lesson = self.question.quiz.lesson
        self.course = self.lesson.course

    def save(self, form, formset):
        return services.update_question(
            question=self.question,
            by=self.request.user,
            choices=formset.choices(),
            **form.service_fields(),
        )


class QuestionDeleteView(DeleteView):
    what = _("the question and its answers")

    def load(self, **kwargs: Any):
        question = get_object_or_404(selectors.question_for_authoring(), pk=kwargs["pk"])
        self.course = question.quiz.lesson.course
        return question

    def back_url(self) -> str:
        return reverse("elearning:authoring_quiz", kwargs={"pk": self.obj.quiz.lesson_id})

    def done_url(self) -> str:
        return self.back_url()

    def delete(self) -> None:
        services.delete_question(question=self.obj, by=self.request.user)


# --- Preview --------------------------------------------------------------------------------------
class PreviewView(LoginRequiredMixin, TemplateView):
    """``/learning/teach/courses/<pk>/preview/``: the course as learners will see it (for its
    team and reviewers); nothing is recorded."""

    template_name = "elearning/authoring/preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        course = course_for(self.request.user, kwargs["pk"])
        context.update(course=course, modules=selectors.course_outline(course))
        return context


class LessonPreviewView(LoginRequiredMixin, TemplateView):
    """``/learning/teach/lessons/<pk>/preview/``: one lesson as learners will see it; a quiz
    with its correct answers marked and the feedback of each answer."""

    template_name = "elearning/authoring/lesson_preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lesson = get_object_or_404(selectors.lesson_for_authoring(), pk=kwargs["pk"])
        course = lesson.course
        check_course(self.request.user, course)
        modules = selectors.course_outline(course)
        sequence = [row for module in modules for row in module.outline]
        index = next(i for i, row in enumerate(sequence) if row.pk == lesson.pk)
        is_quiz = lesson.kind == Lesson.Kind.QUIZ
        context.update(
            course=course,
            lesson=lesson,
            module=lesson.module,
            modules=modules,
            previous_lesson=sequence[index - 1] if index > 0 else None,
            next_lesson=sequence[index + 1] if index + 1 < len(sequence) else None,
            quiz=lesson.quiz if is_quiz else None,
            questions=selectors.quiz_questions(lesson.quiz) if is_quiz else [],
        )
        return context


urlpatterns = [
    path("teach/", AuthoringListView.as_view(), name="authoring_list"),
    path("teach/new/", CourseCreateView.as_view(), name="authoring_course_create"),
    path("teach/courses/<int:pk>/", CourseOverviewView.as_view(), name="authoring_course"),
    path("teach/courses/<int:pk>/edit/", CourseEditView.as_view(), name="authoring_course_edit"),
    path(
        "teach/courses/<int:pk>/delete/",
        CourseDeleteView.as_view(),
        name="authoring_course_delete",
    ),
    path("teach/courses/<int:pk>/submit/", SubmitView.as_view(), name="authoring_course_submit"),
    path(
        "teach/courses/<int:pk>/improvements/",
        ImprovementsView.as_view(),
        name="authoring_course_improvements",
    ),
    path("teach/courses/<int:pk>/archive/", ArchiveView.as_view(), name="authoring_course_archive"),
    path(
        "teach/courses/<int:pk>/cohorts/new/",
        CohortCreateView.as_view(),
        name="authoring_cohort_create",
    ),
    path("teach/courses/<int:pk>/invite/", InviteView.as_view(), name="authoring_invite"),
    path("teach/courses/<int:pk>/preview/", PreviewView.as_view(), name="authoring_preview"),
    path(
        "teach/courses/<int:pk>/modules/new/", ModuleAddView.as_view(), name="authoring_module_add"
    ),
    path("teach/modules/<int:pk>/edit/", ModuleEditView.as_view(), name="authoring_module_edit"),
    path(
        "teach/modules/<int:pk>/delete/",
        ModuleDeleteView.as_view(),
        name="authoring_module_delete",
    ),
    path("teach/modules/<int:pk>/move/", ModuleMoveView.as_view(), name="authoring_module_move"),
    path(
        "teach/modules/<int:pk>/lessons/new/", LessonAddView.as_view(), name="authoring_lesson_add"
    ),
    path("teach/modules/<int:pk>/quizzes/new/", QuizAddView.as_view(), name="authoring_quiz_add"),
    path("teach/lessons/<int:pk>/edit/", LessonEditView.as_view(), name="authoring_lesson_edit"),
    path(
        "teach/lessons/<int:pk>/delete/",
        LessonDeleteView.as_view(),
        name="authoring_lesson_delete",
    ),
    path("teach/lessons/<int:pk>/move/", LessonMoveView.as_view(), name="authoring_lesson_move"),
    path(
        "teach/lessons/<int:pk>/preview/",
        LessonPreviewView.as_view(),
        name="authoring_lesson_preview",
    ),
    path("teach/lessons/<int:pk>/quiz/", QuizEditView.as_view(), name="authoring_quiz"),
    path(
        "teach/lessons/<int:pk>/quiz/questions/new/",
        QuestionAddView.as_view(),
        name="authoring_question_add",
    ),
    path(
        "teach/questions/<int:pk>/edit/", QuestionEditView.as_view(), name="authoring_question_edit"
    ),
    path(
        "teach/questions/<int:pk>/delete/",
        QuestionDeleteView.as_view(),
        name="authoring_question_delete",
    ),
]
