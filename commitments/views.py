"""Pages of the Action Agenda: its home (make a commitment, statistics, latest commitments and
news), a commitment's page, the four forms, progress reports, one's own commitments, the
statistics, news and stories, and the frequently asked questions.

The list, its exports and feed come from the database (``databases.py``). A commitment that is
not published is seen only by its owner and the moderators (404 for anyone else).
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script
from chm_portal.core.forms import add_service_errors

from . import selectors, services
from .databases import COMMITMENTS, commitment_json_ld, commitment_url
from .forms import (
    DeliverableFormSet,
    ProgressReportForm,
    commitment_form_class,
    deliverables_of,
)
from .models import ActorType, Commitment, ModerationStatus
from .rules import is_moderator

PAGE_SIZE = 20
LATEST = 6


class IndexView(TemplateView):
    """The Action Agenda's home: the four ways to commit, the figures, the latest commitments
    and news, and where to find answers."""

    template_name = "commitments/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            actor_types=ActorType.choices,
            statistics=selectors.commitment_statistics(),
            latest=list(selectors.commitments_for_list()[:LATEST]),
            news=list(selectors.news_public()[:3]),
            database=COMMITMENTS,
        )
        return context


class StatisticsView(TemplateView):
    """Published commitments counted by type of actor, GBF target, region and phase."""

    template_name = "commitments/statistics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        statistics = selectors.commitment_statistics()
        total = statistics["totals"]["commitments"]
        context["statistics"] = statistics
        context["tables"] = [
            {
                "key": key,
                "legend": label,
                "rows": [
                    {**row, "percent": selectors.percent(row["count"], total)}
                    for row in statistics[key]
                ],
            }
            for key, label in selectors.STATISTIC_LABELS.items()
        ]
        context["database"] = COMMITMENTS
        return context


class CommitmentDetailView(TemplateView):
    template_name = "commitments/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            commitment = selectors.commitment_for_page(pk=self.kwargs["pk"], user=user)
        except Commitment.DoesNotExist:
            raise Http404 from None
        published_reports = [
            report
            for report in commitment.visible_reports
            if report.status == ModerationStatus.PUBLISHED
        ]
        is_owner = user.is_authenticated and commitment.owner_id == user.pk
        context.update(
            commitment=commitment,
            record=commitment,
            database=COMMITMENTS,
            progress=selectors.deliverables_with_progress(commitment, published_reports),
            reports=commitment.visible_reports,
            is_owner=is_owner,
            can_moderate=user.is_authenticated and is_moderator(user),
            json_ld=json_ld_script(commitment_json_ld(self.request, commitment))
            if commitment.is_public
            else "",
            news=list(commitment.news.filter(is_published=True)[:3]),
        )
        return context


class MyCommitmentsView(LoginRequiredMixin, TemplateView):
    """A person's own commitments, with their status and what to do next."""

    template_name = "commitments/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.commitments_of_owner(user=self.request.user), PAGE_SIZE)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["commitments"] = context["page_obj"].object_list
        context["actor_types"] = ActorType.choices
        return context


# --- The four forms ------------------------------------------------------------------------------
class CommitmentFormView(LoginRequiredMixin, TemplateView):
    """What the create and edit pages share: the kind's form and the deliverables."""

    template_name = "commitments/form.html"
    actor_type: str
    commitment: Commitment | None = None

    def make_forms(self, instance: Commitment):
        bound = {"data": self.request.POST} if self.request.method == "POST" else {}
        form = commitment_form_class(self.actor_type)(**bound, instance=instance)
        formset = DeliverableFormSet(**bound, instance=instance, prefix="deliverables")
        return form, formset

    def page(self, form, formset, *, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            formset=formset,
            commitment=self.commitment,
            actor_type=self.actor_type,
            actor_type_label=ActorType(self.actor_type).label,
            is_draft=self.commitment is None
            or self.commitment.status in (ModerationStatus.DRAFT, ModerationStatus.RETURNED),
        )
        return self.render_to_response(context, status=status)

    def saved(self, commitment: Commitment) -> HttpResponse:
        if commitment.status == ModerationStatus.SUBMITTED:
            message = _(
                "“%(title)s” is sent to the moderators; it will be public once they publish it."
            )
        else:
            message = _("“%(title)s” is saved as a draft: only you and the moderators see it.")
        messages.success(self.request, message % {"title": commitment.title})
        return redirect(commitment_url(commitment))


class CommitmentCreateView(CommitmentFormView):
    """``/commitments/new/<actor type>/``: one of the four forms."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["actor_type"] not in ActorType.values:
            raise Http404
        self.actor_type = kwargs["actor_type"]
        return super().dispatch(request, *args, **kwargs)

    def new_commitment(self) -> Commitment:
        return Commitment(actor_type=self.actor_type, owner=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset = self.make_forms(self.new_commitment())
        form.initial["language"] = request.LANGUAGE_CODE
        return self.page(form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset = self.make_forms(self.new_commitment())
        if form.is_valid() and formset.is_valid():
            try:
                commitment = services.commitment_create(
                    by=request.user,
                    actor_type=self.actor_type,
                    deliverables=deliverables_of(formset),
                    submit=request.POST.get("action") == "submit",
                    **form.commitment_arguments(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.saved(commitment)
        return self.page(form, formset, status=400)


def commitment_for_owner(request: HttpRequest, pk: int, permission: str) -> Commitment:
    commitment = get_object_or_404(
        selectors.commitments_visible_to(user=request.user).prefetch_related(
            "targets", "thematic_areas", "deliverables"
        ),
        pk=pk,
    )
    if not request.user.has_perm(permission, commitment):
        raise Http404
    return commitment


class CommitmentEditView(CommitmentFormView):
    """``/commitments/<pk>/edit/``: the owner changes the commitment (a published one goes
    back to the moderators)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.commitment = commitment_for_owner(
            request, kwargs["pk"], "commitments.change_commitment"
        )
        self.actor_type = self.commitment.actor_type
        if not self.commitment.is_editable and not is_moderator(request.user):
            messages.warning(
                request,
                _("This commitment cannot be changed while it is %(status)s.")
                % {"status": self.commitment.get_status_display().lower()},
            )
            return redirect(commitment_url(self.commitment))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(*self.make_forms(self.commitment))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The forms work on a copy, so that the page's heading keeps the saved title on errors.
        form, formset = self.make_forms(copy.copy(self.commitment))
        if form.is_valid() and formset.is_valid():
            try:
                commitment = services.commitment_update(
                    commitment=self.commitment,
                    by=request.user,
                    deliverables=deliverables_of(formset),
                    submit=request.POST.get("action") == "submit",
                    **form.commitment_arguments(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.saved(commitment)
        return self.page(form, formset, status=400)


class CommitmentActionView(LoginRequiredMixin, View):
    """``POST /commitments/<pk>/<action>/``: submit or withdraw a commitment."""

    ACTIONS = {
        "submit": (services.commitment_submit, "commitments.change_commitment"),
        "withdraw": (services.commitment_withdraw, "commitments.change_commitment"),
    }
    MESSAGES = {
        "submit": gettext_lazy("“%(title)s” is sent to the moderators."),
        "withdraw": gettext_lazy("“%(title)s” is withdrawn from the portal."),
    }

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action not in self.ACTIONS:
            raise Http404
        change, permission = self.ACTIONS[action]
        commitment = commitment_for_owner(request, pk, permission)
        try:
            commitment = change(commitment=commitment, by=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.MESSAGES[action] % {"title": commitment.title})
        return redirect(commitment_url(commitment))


class ProgressReportView(LoginRequiredMixin, TemplateView):
    """``/commitments/<pk>/report/``: the owner reports progress against each indicator."""

    template_name = "commitments/report_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.commitment = commitment_for_owner(request, kwargs["pk"], "commitments.report_progress")
        if self.commitment.status != ModerationStatus.PUBLISHED:
            messages.warning(request, _("Progress is reported on published commitments."))
            return redirect(commitment_url(self.commitment))
        return super().dispatch(request, *args, **kwargs)

    def page(self, form: ProgressReportForm, status: int = 200) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=form, commitment=self.commitment), status=status
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(ProgressReportForm(commitment=self.commitment))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProgressReportForm(request.POST, commitment=self.commitment)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.progress_report_submit(
                        commitment=self.commitment,
                        by=request.user,
                        period_end=form.cleaned_data["period_end"],
                        phase=form.cleaned_data["phase"],
                        summary=form.cleaned_data["summary"],
                        challenges=form.cleaned_data["challenges"],
                        values=form.values(),
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your progress report is sent to the moderators; it will be public once "
                        "they publish it."
                    ),
                )
                return redirect(commitment_url(self.commitment))
        return self.page(form, status=400)


# --- News and questions --------------------------------------------------------------------------
class NewsListView(TemplateView):
    template_name = "commitments/news_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.news_public(), PAGE_SIZE)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["items"] = context["page_obj"].object_list
        return context


class NewsDetailView(TemplateView):
    template_name = "commitments/news_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = get_object_or_404(selectors.news_public(), pk=self.kwargs["pk"])
        context["item"] = item
        context["json_ld"] = json_ld_script(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": item.title,
                "abstract": item.summary,
                "articleBody": item.body,
                "datePublished": item.published_at.isoformat(),
                "url": self.request.build_absolute_uri(
                    reverse("commitments:news_detail", args=[item.pk])
                ),
            }
        )
        return context


class QuestionsView(TemplateView):
    template_name = "commitments/faq.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        questions = list(selectors.questions_public())
        context["questions"] = questions
        context["json_ld"] = json_ld_script(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": question.question,
                        "acceptedAnswer": {"@type": "Answer", "text": question.answer},
                    }
                    for question in questions
                ],
            }
        )
        return context
