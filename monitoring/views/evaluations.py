"""Evaluation records (activity 9, "evaluations done"): what was evaluated, when, by whom,
findings and recommendations. Public pages show published evaluations only; the help desk
writes and publishes them in the admin."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.exports import json_ld_script

from ..forms import ACTIVITY_CHOICES, EvaluationFilterSet
from ..indicators import ACTIVITIES
from ..json_ld import evaluation_json_ld
from ..models import Evaluation
from ..selectors import evaluations as selectors

PAGE_SIZE = 20


class EvaluationListView(TemplateView):
    """``/dashboards/evaluations/``: published evaluations, 20 a page, latest first, filtered by
    subject, activity, year and completion dates. Three queries: years, count, page."""

    template_name = "monitoring/evaluations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        base = selectors.published_evaluations()
        filterset = EvaluationFilterSet(request.GET or None, queryset=base, request=request)
        if filterset.is_bound:
            evaluations = filterset.qs if filterset.is_valid() else base.none()
        else:
            evaluations = base
        page_obj = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page_obj.object_list)
        for evaluation in rows:
            evaluation.activity_name = ACTIVITIES.get(evaluation.activity)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            evaluations=rows,
            query_string=query.urlencode(),
            selected={name: request.GET.get(name, "") for name in filterset.filters},
            subjects=Evaluation.Subject.choices,
            activity_choices=ACTIVITY_CHOICES,
            years=selectors.evaluation_years(),
        )
        return context


class EvaluationDetailView(TemplateView):
    """``/dashboards/evaluations/<id>/``: one published evaluation; drafts are 404."""

    template_name = "monitoring/evaluation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        evaluation = selectors.published_evaluation(kwargs["pk"])
        if evaluation is None:
            raise Http404(_("No published evaluation has this number."))
        context.update(
            evaluation=evaluation,
            json_ld=json_ld_script(evaluation_json_ld(self.request, evaluation)),
            activity_name=ACTIVITIES.get(evaluation.activity) if evaluation.activity else None,
        )
        return context
