"""The common capacity-assessment format (CBD action plan, activity 1): a country's focal points
score its capacity per GBF target, row by row, submit the assessment and turn its largest gaps into
draft requests. Pages read through :mod:`needs.selectors` and write only through
:mod:`needs.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies import selectors as vocabularies
from chm_portal.vocabularies.models import Priority

from .. import selectors, services
from ..forms import (
    AssessmentAreaRowForm,
    AssessmentDraftNeedsForm,
    AssessmentEntryForm,
    AssessmentStartForm,
)
from ..models import Assessment, AssessmentEntry


# --- Capacity assessments ------------------------------------------------------------------------
class AssessmentMixin(LoginRequiredMixin):
    """Loads ``self.assessment``: 404 unless it is of the person's country (or they are staff)."""

    assessment: Assessment

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assessment = get_object_or_404(
            selectors.assessment_list_for_user(request.user), pk=kwargs["pk"]
        )
        if not request.user.has_perm("needs.change_assessment", self.assessment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def edit_url(self, anchor: str = "") -> str:
        url = reverse("needs:assessment_edit", args=[self.assessment.pk])
        return f"{url}#{anchor}" if anchor else url


class AssessmentListView(PermissionRequiredMixin, TemplateView):
    """``/needs/assessments/``: the assessments of the person's countries, and starting one."""

    template_name = "needs/requester/assessment_list.html"
    permission_required = "needs.add_assessment"

    def get_context_data(self, start_form: AssessmentStartForm | None = None, **kwargs) -> dict:
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            assessments=selectors.assessment_list_with_progress(user),
            target_count=vocabularies.gbf_target_list().count(),
            start_form=start_form
            or AssessmentStartForm(countries=selectors.countries_user_may_assess(user)),
        )
        return context


class AssessmentStartView(AssessmentListView):
    """``POST /needs/assessments/start/``: open the country's assessment of a year, or resume
    the one already started."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AssessmentStartForm(
            data=request.POST, countries=selectors.countries_user_may_assess(request.user)
        )
        if form.is_valid():
            try:
                assessment = services.assessment_start(
                    country=form.cleaned_data["country"],
                    cycle=form.cleaned_data["cycle"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, PermissionDenied):
                    error = ValidationError(str(error))
                add_service_errors(form, error)
            else:
                return redirect("needs:assessment_edit", assessment.pk)
        return self.render_to_response(self.get_context_data(start_form=form))


def _row_key(target_number: int, area_code: str | None = None) -> str:
    return f"target-{target_number}" + (f"-{area_code}" if area_code else "")


def _is_scored(entry: AssessmentEntry) -> bool:
    return bool(entry.scores)


class AssessmentEditView(AssessmentMixin, TemplateView):
    """``/needs/assessments/<pk>/``: one row per GBF target, each its own small form, so that
    the page saves as the focal point goes (``static/js/assessment.js`` saves on change; without
    JavaScript each row has its own Save button)."""

    template_name = "needs/requester/assessment_edit.html"

    def wants_json(self) -> bool:
        return self.request.headers.get("X-Requested-With") == "fetch"

    def load(self):
        self.targets = list(vocabularies.gbf_target_list())
        self.priorities = list(vocabularies.term_list(model=Priority, active_only=True))
        self.entries = list(selectors.assessment_entries(self.assessment))

    def progress(self) -> dict:
        assessed = {entry.target_id for entry in self.entries if _is_scored(entry)}
        return {"assessed": len(assessed), "total": len(self.targets)}

    def rows(self, bound_form: AssessmentEntryForm | None = None) -> list[dict]:
        by_key = {(entry.target_id, entry.thematic_area_id): entry for entry in self.entries}
        area_entries: dict[int, list[AssessmentEntry]] = {}
        for entry in self.entries:
            if entry.thematic_area_id is not None:
                area_entries.setdefault(entry.target_id, []).append(entry)
        bound_key = None
        if bound_form is not None:
            bound_key = bound_form.form_id
        rows = []
        for target in self.targets:
            lines = [(None, by_key.get((target.pk, None)))]
            lines += [(entry.thematic_area, entry) for entry in area_entries.get(target.pk, [])]
            for area, entry in lines:
                key = _row_key(target.number, area.code if area else None)
                if f"{key}-form" == bound_key:
                    form = bound_form
                else:
                    form = AssessmentEntryForm(
                        initial=AssessmentEntryForm.initial_from(entry, target, area),
                        priorities=self.priorities,
                        form_id=f"{key}-form",
                    )
                rows.append(
                    {"key": key, "target": target, "area": area, "entry": entry, "form": form}
                )
        return rows

    def get_context_data(self, bound_form=None, area_form=None, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        assessment = self.assessment
        progress = self.progress()
        # Gaps that can become requests: scored, and without a request yet.
        candidates = selectors.assessment_entries(assessment).filter(
            pk__in=[entry.pk for entry in self.entries if _is_scored(entry)], need_count=0
        )
        context.update(
            assessment=assessment,
            rows=self.rows(bound_form),
            progress=progress,
            progress_text=progress_text(progress),
            scale=AssessmentEntryForm.base_fields["capacity_individual"].choices[1:],
            area_form=area_form or AssessmentAreaRowForm(),
            draft_form=AssessmentDraftNeedsForm(entries=candidates),
            has_candidates=any(
                _is_scored(entry) and not entry.need_count for entry in self.entries
            ),
            largest_gaps=(
                selectors.assessment_largest_gaps(assessment)
                if assessment.status == Assessment.Status.SUBMITTED
                else None
            ),
        )
        return context

    def get(self, request, *args, **kwargs):
        self.load()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.load()
        if request.POST.get("action") == "add_row":
            return self.add_area_row()
        target_id = request.POST.get("target")
        area_id = request.POST.get("thematic_area") or None
        target = next((t for t in self.targets if str(t.pk) == target_id), None)
        if target is None:
            raise Http404
        area_code = None
        if area_id:
            entry = next(
                (
                    e
                    for e in self.entries
                    if e.target_id == target.pk and str(e.thematic_area_id) == area_id
                ),
                None,
            )
            if entry is None:
                raise Http404
            area_code = entry.thematic_area.code
        key = _row_key(target.number, area_code)
        form = AssessmentEntryForm(
            data=request.POST, priorities=self.priorities, form_id=f"{key}-form"
        )
        if form.is_valid():
            try:
                services.assessment_save_entry(
                    assessment=self.assessment, by=request.user, **form.service_arguments()
                )
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            if self.wants_json():
                return JsonResponse(
                    {"saved": False, "errors": form.errors.get_json_data()}, status=400
                )
            return self.render_to_response(self.get_context_data(bound_form=form))
        self.entries = list(selectors.assessment_entries(self.assessment))
        progress = self.progress()
        if self.wants_json():
            return JsonResponse(
                {"saved": True, **progress, "progress_text": str(progress_text(progress))}
            )
        messages.success(request, _("Saved: %(target)s.") % {"target": target.code})
        return HttpResponseRedirect(self.edit_url(key))

    def add_area_row(self):
        form = AssessmentAreaRowForm(data=self.request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(area_form=form))
        target, area = form.cleaned_data["target"], form.cleaned_data["thematic_area"]
        exists = any(
            e.target_id == target.pk and e.thematic_area_id == area.pk for e in self.entries
        )
        if not exists:
            services.assessment_save_entry(
                assessment=self.assessment, by=self.request.user, target=target, thematic_area=area
            )
        return HttpResponseRedirect(self.edit_url(_row_key(target.number, area.code)))


def progress_text(progress: dict) -> str:
    return (
        ngettext(
            "%(assessed)s of %(total)s target assessed",
            "%(assessed)s of %(total)s targets assessed",
            progress["total"],
        )
        % progress
    )


class AssessmentSubmitView(AssessmentMixin, View):
    """``POST /needs/assessments/<pk>/submit/``: declare the assessment complete."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.assessment_submit(assessment=self.assessment, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.edit_url())
        messages.success(
            request, _("The assessment is submitted. Its largest gaps are shown below.")
        )
        return redirect(self.edit_url("results"))


class AssessmentDraftNeedsView(AssessmentMixin, View):
    """``POST /needs/assessments/<pk>/draft-requests/``: turn gaps into draft requests (the
    ticked ones, or every high-priority gap without a request)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("needs.add_need"):
            raise PermissionDenied
        form = AssessmentDraftNeedsForm(
            data=request.POST,
            entries=selectors.assessment_entries(self.assessment),
        )
        if not form.is_valid():
            for error in form.errors.get("entries", []):
                messages.error(request, error)
            return redirect(self.edit_url("draft-requests"))
        chosen = form.cleaned_data["entries"]
        try:
            drafts = services.assessment_draft_needs(
                assessment=self.assessment, by=request.user, entries=chosen or None
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.edit_url("draft-requests"))
        if not drafts:
            messages.info(
                request,
                _(
                    "Every high-priority gap already has a request. Tick the gaps you want to "
                    "turn into requests."
                ),
            )
            return redirect(self.edit_url("draft-requests"))
        messages.success(
            request,
            ngettext(
                "%(count)s draft request created. Complete it and submit it to the help desk.",
                "%(count)s draft requests created. Complete them and submit them to the help desk.",
                len(drafts),
            )
            % {"count": len(drafts)},
        )
        return redirect("needs:my_requests")
