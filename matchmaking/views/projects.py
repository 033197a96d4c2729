"""Pages of pilot projects (activity 7 of the action plan): the public list and page of each
project, launching one from an agreed match, editing it, moving it along, reporting progress,
the final evaluation by both sides and the success story; and "my projects" for the sides.

Pages read through ``matchmaking.selectors.projects`` and write only through
``matchmaking.services.projects``. A project the person may not see answers 404; one they may
see (it is public) but not act on answers 403. Anonymous visitors of a form are sent to sign in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core import iati
from chm_portal.core.exports import json_ld_script
from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies.models import Country, GBFTarget, Region

from ..forms.projects import (
    EvaluationForm,
    ProgressReportForm,
    ProjectFilterSet,
    ProjectForm,
    ProjectStatusForm,
    StoryForm,
)
from ..iati import project_activity
from ..json_ld import project_json_ld
from ..models import Match, Project, SuccessStory
from ..rules_projects import is_public_project, sides_of
from ..selectors import projects as selectors
from ..selectors.projects import ReportFlag
from ..services import projects as services

PAGE_SIZE = 20


def project_url(project: Project) -> str:
    return reverse("matchmaking:project_detail", kwargs={"pk": project.pk})


def project_for(user, pk: int, permission: str | None = None) -> Project:
    """The project for ``user``: 404 when they may not see it, 403 when they may see it but
    not do ``permission``."""
    project = get_object_or_404(selectors.project_for_page(), pk=pk)
    if not user.has_perm("matchmaking.view_project", project):
        raise Http404(_("No such pilot project."))
    if permission and not user.has_perm(permission, project):
        raise PermissionDenied
    return project


def story_of(project: Project) -> SuccessStory | None:
    try:
        return project.story
    except SuccessStory.DoesNotExist:
        return None


@dataclass(frozen=True)
class ProjectRow:
    """A line of a list: the project and, for its sides and the help desk, its reporting flag."""

    project: Project
    flag: str | None

    @property
    def flag_label(self) -> str:
        return str(ReportFlag.labels[self.flag]) if self.flag else ""


def project_rows(user, projects) -> list[ProjectRow]:
    """Rows of a page; the flag is private (roles are cached: no query per row)."""
    return [
        ProjectRow(
            project=project,
            flag=project.report_flag
            if project.status in Project.RUNNING_STATUSES
            and user.has_perm("matchmaking.view_project_private", project)
            else None,
        )
        for project in projects
    ]


# --- Lists ----------------------------------------------------------------------------------------
class ProjectListView(TemplateView):
    """``/matchmaking/projects/``: pilot projects with filters, 20 a page.

    Queries do not depend on the number of projects: count, page, targets, and the choices of
    the country, region and target filters.
    """

    template_name = "matchmaking/projects/list.html"

    def base_queryset(self) -> QuerySet[Project]:
        return selectors.project_list(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        user = request.user
        filterset = ProjectFilterSet(
            request.GET or None, queryset=self.base_queryset(), request=request
        )
        projects = filterset.qs if filterset.is_bound and filterset.is_valid() else None
        if projects is None:
            projects = self.base_queryset().none() if filterset.is_bound else filterset.queryset
        page_obj = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            paginator=page_obj.paginator,
            rows=project_rows(user, page_obj.object_list),
            query_string=query.urlencode(),
            selected={name: request.GET.getlist(name) for name in filterset.filters},
            statuses=Project.Status.choices,
            countries=Country.objects.filter(needs__matches__project__isnull=False)
            .distinct()
            .order_by("name"),
            regions=Region.objects.filter(level=Region.Level.REGION).order_by("name"),
            targets=GBFTarget.objects.order_by("number"),
            report_flags=ReportFlag.choices if user.is_authenticated else (),
        )
        return context


class MyProjectsView(LoginRequiredMixin, ProjectListView):
    """``/matchmaking/my-projects/``: the projects of the person's country, requests and
    organisations, with their reporting flags."""

    template_name = "matchmaking/projects/my_projects.html"

    def base_queryset(self) -> QuerySet[Project]:
        return selectors.project_list_of_sides(user=self.request.user)


# --- One project ----------------------------------------------------------------------------------
class ProjectDetailView(TemplateView):
    """``/matchmaking/projects/<pk>/``: the public part for everyone who may see it; budget,
    agreement, reports, evaluations and history for the sides and the help desk, with what
    they may do now."""

    template_name = "matchmaking/projects/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        project = project_for(user, kwargs["pk"])
        private = user.has_perm("matchmaking.view_project_private", project)
        story = story_of(project)
        public = is_public_project.test(user, project)
        context.update(
            project=project,
            match=project.match,
            need=project.match.need,
            offer=project.match.offer,
            is_public=public,
            # schema.org for the pages of public projects only, with their public part.
            json_ld=json_ld_script(project_json_ld(self.request, project)) if public else "",
            show_private=private,
            need_visible=user.has_perm("needs.view_need", project.match.need),
            offer_visible=user.has_perm("partners.view_offer", project.match.offer),
            story=story
            if story and user.has_perm("matchmaking.view_successstory", story)
            else None,
        )
        if private:
            evaluations = list(selectors.project_evaluations(project))
            done = {evaluation.side for evaluation in evaluations}
            status_form = ProjectStatusForm(project=project)
            context.update(
                flag=project.report_flag if project.status in Project.RUNNING_STATUSES else None,
                flag_label=ReportFlag.labels.get(project.report_flag, ""),
                reports=selectors.project_reports(project),
                evaluations=evaluations,
                history=selectors.project_history(project),
                may_change=user.has_perm("matchmaking.change_project", project)
                and (
                    project.status in Project.RUNNING_STATUSES
                    or (
                        is_helpdesk_or_site_admin(user)
                        and project.status != Project.Status.CANCELLED
                    )
                ),
                status_form=status_form if status_form.fields["status"].choices else None,
                may_report=user.has_perm("matchmaking.report_project", project)
                and project.status in services.REPORTING_STATUSES,
                evaluation_sides=[
                    side
                    for side in sides_of(user, project)
                    if side not in done and project.status == Project.Status.COMPLETED
                ],
                may_write_story=user.has_perm("matchmaking.change_successstory", project)
                and project.status in services.ENDED_STATUSES,
                may_publish_story=story is not None
                and story.status == SuccessStory.Status.DRAFT
                and user.has_perm("matchmaking.publish_successstory", story),
                may_unpublish_story=story is not None
                and story.status == SuccessStory.Status.PUBLISHED
                and user.has_perm("matchmaking.unpublish_successstory", story),
                own_story=story,
            )
        return context


class AgreementDownloadView(LoginRequiredMixin, View):
    """``/matchmaking/projects/<pk>/agreement/``: the signed agreement, for the sides and the
    help desk only (never public)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = project_for(request.user, pk)
        if not request.user.has_perm("matchmaking.view_project_private", project):
            raise Http404
        if not project.agreement_document:
            raise Http404
        try:
            handle = project.agreement_document.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=project.agreement_document.name.rsplit("/", 1)[-1],
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- IATI activity XML ----------------------------------------------------------------------------
class ProjectIatiView(View):
    """``/matchmaking/projects/<pk>/iati.xml``: the public part of a public project as an IATI
    2.03 activity; 404 for any other project, whoever asks (the export is public data only)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = get_object_or_404(selectors.projects_for_iati(), pk=pk)
        return iati.iati_response(
            project_activity(project, request.build_absolute_uri),
            filename=f"{project.reference}-iati.xml",
        )


class ProjectIatiExportView(View):
    """``/matchmaking/projects/iati.xml``: the public projects, filtered like the list, as one
    streamed IATI document (404 when none matches: the schema wants at least one activity)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = ProjectFilterSet(
            request.GET, queryset=selectors.projects_for_iati(), request=request
        )
        if not filterset.is_valid():
            return JsonResponse({"errors": filterset.errors}, status=400)
        rows = filterset.qs
        if not rows.exists():
            return HttpResponse(
                gettext("No public pilot project matches these filters."),
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        return iati.stream_iati(
            rows,
            lambda project: project_activity(project, request.build_absolute_uri),
            f"pilot-projects-{timezone.localdate().isoformat()}-iati.xml",
        )


# --- Forms ----------------------------------------------------------------------------------------
class FormPage(LoginRequiredMixin, TemplateView):
    """A page with one form about a project: the shared template and the error handling."""

    template_name = "matchmaking/projects/form.html"
    title: Any = ""
    intro: Any = ""
    submit_label: Any = _("Save")

    def render_form(self, form, *, status: int = 200, **extra: Any) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            has_files=form.is_multipart(),
            **extra,
        )
        return self.render_to_response(context, status=status)


class ProjectLaunchView(FormPage):
    """``/matchmaking/matches/<match_pk>/launch/``: the pilot project of an agreed match, by
    either side or the help desk."""

    title = _("Launch the pilot project")
    intro = _(
        "The match is agreed: describe the pilot project, its budget and dates, and attach the "
        "signed agreement. Both sides and the help desk are told."
    )
    submit_label = _("Launch the project")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.match: Match = get_object_or_404(
            selectors.agreed_match_for_launch(), pk=kwargs["match_pk"]
        )
        user = request.user
        # Only a side who may see the match (a provider does not see a requester's interest).
        if not (
            user.has_perm("matchmaking.view_match", self.match)
            and user.has_perm("matchmaking.launch_project", self.match)
        ):
            raise Http404
        if self.match.has_project:
            messages.info(request, _("This match has already launched its project."))
            return redirect(project_url(Project.objects.get(match=self.match)))
        return super().dispatch(request, *args, **kwargs)

    def initial(self) -> dict[str, Any]:
        need = self.match.need
        initial = {
            "title": need.title,
            "objectives": need.objectives,
            "start_date": need.desired_start,
            "end_date": need.desired_end,
            "currency": "USD",
        }
        # The request's budget is private to its owners and the help desk.
        if self.request.user.has_perm("needs.view_need_private", need):
            initial.update(budget=need.estimated_budget, currency=need.budget_currency or "USD")
        return initial

    def page(self, form) -> HttpResponse:
        return self.render_form(
            form,
            match=self.match,
            not_agreed=self.match.status != Match.Status.AGREED,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(ProjectForm(initial=self.initial(), instance=Project(match=self.match)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProjectForm(
            data=request.POST, files=request.FILES, instance=Project(match=self.match)
        )
        if form.is_valid():
            try:
                project = services.project_launch(
                    match=self.match, by=request.user, data=form.service_data()
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The pilot project %(reference)s is launched.")
                    % {"reference": project.reference},
                )
                return redirect(project_url(project))
        return self.page(form)


class ProjectFormPage(FormPage):
    """A form page about an existing project; ``permission`` is needed (403 otherwise)."""

    permission = "matchmaking.change_project"
    project: Project

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = project_for(request.user, kwargs["pk"], self.permission)
        refusal = self.refuse()
        if refusal:
            messages.info(request, refusal)
            return redirect(project_url(self.project))
        return super().dispatch(request, *args, **kwargs)

    def refuse(self) -> str | None:
        """Why the form is not possible in the project's status, or None."""
        return None

    def render_form(self, form, *, status: int = 200, **extra: Any) -> HttpResponse:
        return super().render_form(form, status=status, project=self.project, **extra)

    def done(self, message) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(project_url(self.project))

    def run(self, form, call) -> bool:
        """Call the service; True when it succeeded, else its errors are on the form (a refusal
        is 403)."""
        try:
            call()
        except ValidationError as error:
            add_service_errors(form, error)
            return False
        return True


class ProjectEditView(ProjectFormPage):
    """``/matchmaking/projects/<pk>/edit/``: the sides while it runs; the help desk always."""

    title = _("Edit the pilot project")

    def refuse(self) -> str | None:
        user = self.request.user
        if self.project.status in Project.RUNNING_STATUSES or (
            is_helpdesk_or_site_admin(user) and self.project.status != Project.Status.CANCELLED
        ):
            return None
        return _("%(reference)s is “%(status)s”: it can no longer be edited.") % {
            "reference": self.project.reference,
            "status": self.project.get_status_display(),
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(ProjectForm(instance=copy.copy(self.project)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProjectForm(data=request.POST, files=request.FILES, instance=copy.copy(self.project))
        if form.is_valid() and self.run(
            form,
            lambda: services.project_update(
                project=self.project, by=request.user, data=form.service_data()
            ),
        ):
            return self.done(_("Your changes to the pilot project are saved."))
        return self.render_form(form)


class ProjectStatusView(LoginRequiredMixin, View):
    """``POST /matchmaking/projects/<pk>/status/``: move the project along (or cancel it)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = project_for(request.user, pk, "matchmaking.change_project")
        # The choices are those of the status the person saw: if it changed meanwhile, the
        # service says "reload" rather than the form "not a valid choice".
        seen = copy.copy(project)
        if request.POST.get("current") in Project.Status.values:
            seen.status = request.POST["current"]
        form = ProjectStatusForm(data=request.POST, project=seen)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(project_url(project))
        # The status the person saw: if it changed meanwhile, the service says "reload".
        project.status = form.cleaned_data["current"]
        try:
            services.project_set_status(
                project=project,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(reference)s is now “%(status)s”.")
                % {"reference": project.reference, "status": project.get_status_display()},
            )
        return redirect(project_url(project))


class ProgressReportView(ProjectFormPage):
    """``/matchmaking/projects/<pk>/report/``: a progress report by either side."""

    permission = "matchmaking.report_project"
    title = _("Report progress")
    intro = _("What was done in the period, what got in the way, and what comes next.")
    submit_label = _("Submit the report")

    def refuse(self) -> str | None:
        if self.project.status in services.REPORTING_STATUSES:
            return None
        return _("Progress is reported on running and completed projects only.")

    def initial(self) -> dict[str, Any]:
        start = (
            timezone.localdate(self.project.last_report_at)
            if self.project.last_report_at
            else self.project.start_date
        )
        return {"period_start": start, "period_end": timezone.localdate()}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(ProgressReportForm(initial=self.initial()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProgressReportForm(data=request.POST)
        if form.is_valid() and self.run(
            form,
            lambda: services.progress_report_submit(
                project=self.project, by=request.user, data=form.service_data()
            ),
        ):
            return self.done(_("Thank you: the progress report is recorded."))
        return self.render_form(form)


class EvaluationView(ProjectFormPage):
    """``/matchmaking/projects/<pk>/evaluate/``: the final evaluation of one side."""

    permission = "matchmaking.evaluate_project"
    title = _("Evaluate the pilot project")
    intro = _(
        "Rate how effective the support was and its quality, from 1 (poor) to 5 (excellent), "
        "and share the lessons learned. Each side evaluates once."
    )
    submit_label = _("Submit the evaluation")

    def sides(self) -> list[str]:
        done = set(self.project.evaluations.values_list("side", flat=True))
        return [side for side in sides_of(self.request.user, self.project) if side not in done]

    def refuse(self) -> str | None:
        if self.project.status != Project.Status.COMPLETED:
            return _("A project is evaluated once it is completed, once by each side.")
        if not self.sides():
            return _("Your side has already evaluated this project.")
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(EvaluationForm(sides=self.sides()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EvaluationForm(data=request.POST, sides=self.sides())
        if form.is_valid() and self.run(
            form,
            lambda: services.project_evaluate(
                project=self.project,
                by=request.user,
                side=form.cleaned_data["side"],
                data=form.service_data(),
            ),
        ):
            return self.done(_("Thank you: the evaluation is recorded."))
        return self.render_form(form)


class StoryEditView(ProjectFormPage):
    """``/matchmaking/projects/<pk>/story/``: the success story of a completed project."""

    permission = "matchmaking.change_successstory"
    title = _("The success story")
    intro = _(
        "Tell donors and the public what the project achieved. The story stays a draft until "
        "one of the sides or the help desk publishes it."
    )

    def refuse(self) -> str | None:
        if self.project.status in services.ENDED_STATUSES:
            return None
        return _("A success story is written once the project is completed.")

    def instance(self) -> SuccessStory:
        story = story_of(self.project)
        return copy.copy(story) if story else SuccessStory(project=self.project)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StoryForm(instance=self.instance())
        if not form.instance.pk:
            form.initial.update(title=self.project.title, language=request.LANGUAGE_CODE)
        return self.render_form(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StoryForm(data=request.POST, instance=self.instance())
        if form.is_valid() and self.run(
            form,
            lambda: services.success_story_save(
                project=self.project, by=request.user, data=form.service_data()
            ),
        ):
            return self.done(_("The success story is saved."))
        return self.render_form(form)


class StoryPublishView(LoginRequiredMixin, View):
    """``POST /matchmaking/projects/<pk>/story/publish/``: publish the draft story (either side
    or the help desk), or with ``action=unpublish`` take it down (the help desk)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        project = project_for(request.user, pk, "matchmaking.view_project_private")
        story = story_of(project)
        if story is None:
            raise Http404
        unpublish = request.POST.get("action") == "unpublish"
        try:
            if unpublish:
                services.success_story_unpublish(story=story, by=request.user)
            else:
                services.success_story_publish(story=story, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The success story is taken down.")
                if unpublish
                else _("The success story is published."),
            )
        return redirect(project_url(project))


urlpatterns = [
    path("projects/", ProjectListView.as_view(), name="project_list"),
    path("my-projects/", MyProjectsView.as_view(), name="my_projects"),
    path("projects/iati.xml", ProjectIatiExportView.as_view(), name="project_export_iati"),
    path("projects/<int:pk>/", ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/iati.xml", ProjectIatiView.as_view(), name="project_iati"),
    path("projects/<int:pk>/edit/", ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/status/", ProjectStatusView.as_view(), name="project_status"),
    path("projects/<int:pk>/report/", ProgressReportView.as_view(), name="project_report"),
    path("projects/<int:pk>/evaluate/", EvaluationView.as_view(), name="project_evaluate"),
    path("projects/<int:pk>/story/", StoryEditView.as_view(), name="project_story"),
    path(
        "projects/<int:pk>/story/publish/",
        StoryPublishView.as_view(),
        name="project_story_publish",
    ),
    path(
        "projects/<int:pk>/agreement/",
        AgreementDownloadView.as_view(),
        name="project_agreement",
    ),
    path("matches/<int:match_pk>/launch/", ProjectLaunchView.as_view(), name="project_launch"),
]
