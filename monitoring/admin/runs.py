"""The admin of what the recomputes wrote: the runs, the stored values and the gap cells.

Everything here is read-only: values are written by ``monitoring.services.recompute_indicators``
only, so that what the dashboards show is always what an indicator's definition computes. The
help desk (``monitoring.request_recompute``) has one button on the list of runs, "Recompute the
indicators now": a confirmation page, then ``monitoring.services.request_recompute``, which
records the run and hands it to a worker.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from chm_portal.core.admin_tools import ReadOnlyAdminMixin

from .. import services
from ..indicators import all_indicators
from ..models import GapCell, IndicatorValue, RecomputeRun

REQUEST_TEMPLATE = "admin/monitoring/recomputerun/request_recompute.html"


def may_request_recompute(request: HttpRequest) -> bool:
    return request.user.has_perm("monitoring.request_recompute")


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The runs, newest first, with a button to ask for one now."""

    change_list_template = "admin/monitoring/recomputerun/change_list.html"
    list_display = (
        "as_of",
        "status",
        "trigger",
        "requested_by",
        "requested_at",
        "run_duration",
        "indicators_computed",
        "values_written",
    )
    list_filter = ("status", "trigger", "as_of")
    list_select_related = ("requested_by",)
    date_hierarchy = "requested_at"
    ordering = ("-requested_at", "-pk")
    fields = (
        "as_of",
        "status",
        "trigger",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "run_duration",
        "indicators_computed",
        "values_written",
        "error",
    )
    readonly_fields = fields

    @admin.display(description=_("duration"))
    def run_duration(self, run: RecomputeRun) -> str:
        duration = run.duration
        if duration is None:
            return self.get_empty_value_display()
        return _("%(seconds).1f s") % {"seconds": duration.total_seconds()}

    def get_urls(self):
        return [
            path(
                "request/",
                self.admin_site.admin_view(self.request_view),
                name="monitoring_recomputerun_request",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_request": may_request_recompute(request)}
        return super().changelist_view(request, extra_context)

    def request_view(self, request: HttpRequest):
        """GET: what a recompute does, and a button; POST: ask for it and say how it went."""
        if not may_request_recompute(request):
            raise PermissionDenied
        changelist = reverse("admin:monitoring_recomputerun_changelist")
        if request.method == "POST":
            run = services.request_recompute(user=request.user)
            # Without a broker (eager tasks) the run is done by now; with one, it waits.
            run.refresh_from_db()
            self._tell(request, run)
            return HttpResponseRedirect(changelist)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recompute the indicators now"),
            "opts": self.model._meta,
            "indicator_count": len(all_indicators()),
            "last_run": RecomputeRun.objects.select_related("requested_by").first(),
            "changelist_url": changelist,
        }
        return TemplateResponse(request, REQUEST_TEMPLATE, context)

    def _tell(self, request: HttpRequest, run: RecomputeRun) -> None:
        S = RecomputeRun.Status
        if run.status == S.SUCCEEDED:
            self.message_user(
                request,
                _("The indicators were recomputed as of %(date)s: %(count)d values written.")
                % {"date": run.as_of.isoformat(), "count": run.values_written},
                messages.SUCCESS,
            )
        elif run.status == S.FAILED:
            self.message_user(
                request,
                _("The recompute failed; the previous values are kept. Error: %(error)s")
                % {"error": run.error},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _(
                    "The recompute as of %(date)s is recorded; a worker will compute it within a "
                    "few minutes. This list shows when it is done."
                )
                % {"date": run.as_of.isoformat()},
                messages.SUCCESS,
            )


class IndicatorFilter(admin.SimpleListFilter):
    """The indicators of the registry, by code and name (not only the codes stored)."""

    title = _("indicator")
    parameter_name = "indicator"

    def lookups(self, request, model_admin):
        return [(i.code, f"{i.code} {i.name}") for i in all_indicators()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(indicator=self.value())
        return queryset


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The stored values, to check what a dashboard shows against its source."""

    list_display = ("indicator", "date", "dimension", "key", "value", "run")
    list_filter = (IndicatorFilter, "dimension", "date")
    list_select_related = ("run",)
    search_fields = ("indicator", "key")
    date_hierarchy = "date"
    ordering = ("-date", "indicator", "dimension", "key")
    show_full_result_count = False


@admin.register(GapCell)
class GapCellAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The cells of the gap analysis, day by day."""

    list_display = ("date", "scope", "target", "measure", "value")
    list_filter = ("measure", "target", "scope", "date")
    search_fields = ("target", "scope")
    date_hierarchy = "date"
    ordering = ("-date", "scope", "target", "measure")
    show_full_result_count = False
