"""The public summary of the Parties' capacity assessments: the targets with the largest gaps."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .. import selectors


class CapacitySummaryView(TemplateView):
    """Each Party's latest submitted assessment, with its largest capacity gaps (public)."""

    template_name = "needs/capacity/summary.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.assessment_public_latest(), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        gaps = selectors.assessment_largest_gaps_by_assessment(
            [assessment.pk for assessment in page.object_list], limit=3
        )
        context.update(
            page_obj=page,
            rows=[(assessment, gaps.get(assessment.pk, [])) for assessment in page.object_list],
        )
        return context
