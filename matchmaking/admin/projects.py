"""The help desk's admin of pilot projects, success stories and matchmaking workshops.

Every write goes through ``matchmaking.services.projects``: the project's change form hands its
edits to ``project_update``; the list actions move projects along (``project_set_status``, one
transaction per project, reporting what could not be done), remind their sides, and publish or
take down stories. Reports, evaluations and the history are read-only: the sides write them on
the portal. Projects are launched from agreed matches on the portal or the API, not here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chm_portal.core.admin_tools import ConflictCheckAdminMixin, ReadOnlyInline, apply_to_each
from chm_portal.core.validators import upload_validator
from chm_portal.vocabularies.models import Country

from ..forms.projects import WorkshopForm
from ..models import (
    MatchingWorkshop,
    ProgressReport,
    Project,
    ProjectEvaluation,
    ProjectEvent,
    SuccessStory,
)
from ..selectors.projects import ReportFlag, with_report_flag
from ..services import projects as services

S = Project.Status
CANCEL_TEMPLATE = "matchmaking/projects/admin_cancel.html"


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = readonly_fields = (
        "period_start",
        "period_end",
        "progress_percent",
        "achievements",
        "challenges",
        "submitted_by",
        "submitted_at",
    )


class EvaluationInline(ReadOnlyInline):
    model = ProjectEvaluation
    fields = readonly_fields = (
        "side",
        "effectiveness",
        "quality",
        "achievement",
        "lessons_learned",
        "evaluated_by",
        "evaluated_at",
    )


class ProjectEventInline(ReadOnlyInline):
    model = ProjectEvent
    fields = readonly_fields = (
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "note",
        "notified_at",
    )
    ordering = ("created_at", "pk")


class StoryInline(ReadOnlyInline):
    model = SuccessStory
    fields = readonly_fields = ("title", "status", "language", "published_at", "story_link")
    show_change_link = True

    @admin.display(description=_("story"))
    def story_link(self, story: SuccessStory) -> str:
        if not story.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matchmaking_successstory_change", args=[story.pk]),
            _("Open the story"),
        )


# --- Filters ---------------------------------------------------------------------------------
class ReportFlagFilter(admin.SimpleListFilter):
    """On time, late or stale (six months without a report), computed by the database."""

    title = _("progress reports")
    parameter_name = "reporting"

    def lookups(self, request, model_admin):
        return ReportFlag.choices

    def queryset(self, request, queryset):
        if self.value() in ReportFlag.labels:
            return queryset.filter(status__in=Project.RUNNING_STATUSES, report_flag=self.value())
        return queryset


class CountryFilter(admin.SimpleListFilter):
    """The requesting country (of the match's request)."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        countries = (
            Country.objects.filter(needs__matches__project__isnull=False)
            .distinct()
            .order_by("name")
        )
        return [(country.code, country.name) for country in countries]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(match__need__country__code=self.value())
        return queryset


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the projects cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Both sides are told, with this reason."),
    )


@admin.register(Project)
class ProjectAdmin(ConflictCheckAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "status",
        "reporting",
        "country",
        "provider",
        "next_report_due",
        "created_at",
    )
    list_filter = (
        "status",
        ReportFlagFilter,
        CountryFilter,
        ("match__offer__provider", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "reference",
        "title",
        "match__need__reference",
        "match__need__title",
        "match__offer__provider__name",
    )
    date_hierarchy = "created_at"
    list_select_related = ("match__need__country", "match__offer__provider")
    # Checked on the form: the service checks it too, but its refusal would come after the form
    # was accepted, as a server error.
    formfield_overrides = {
        models.FileField: {
            "validators": [
                upload_validator(
                    allowed=services.AGREEMENT_TYPES, max_size=services.MAX_AGREEMENT_SIZE
                )
            ]
        }
    }
    readonly_fields = (
        "reference",
        "match_link",
        "status",
        "last_report_at",
        "next_report_due",
        "reminded_at",
        "created_by",
        "created_at",
        "updated_at",
        "status_changed_at",
        "completed_at",
    )
    fieldsets = (
        (None, {"fields": ("reference", "match_link", "status", "title", "objectives")}),
        (
            _("Budget and agreement"),
            {
                "fields": (
                    ("budget", "cofinancing", "currency"),
                    "cofinancing_sources",
                    ("start_date", "end_date"),
                    ("agreement_signed_on", "agreement_document"),
                )
            },
        ),
        (
            _("Reporting"),
            {
                "fields": (
                    "report_every_months",
                    "last_report_at",
                    "next_report_due",
                    "reminded_at",
                )
            },
        ),
        (
            _("Record"),
            {
                "classes": ("collapse",),
                "fields": (
                    "created_by",
                    "created_at",
                    "updated_at",
                    "status_changed_at",
                    "completed_at",
                ),
            },
        ),
    )
    inlines = (ProgressReportInline, EvaluationInline, StoryInline, ProjectEventInline)
    actions = ["start_implementation", "mark_completed", "cancel", "remind_now"]

    def get_queryset(self, request):
        # The reporting flag is computed by the database: the list shows and filters it with no
        # query per row.
        return with_report_flag(super().get_queryset(request))

    def has_add_permission(self, request) -> bool:
        # Projects are launched from agreed matches (the match's page or the API).
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A cancelled project is a closed record: shown, not edited.
        return super().has_change_permission(request, obj) and (
            obj is None
            or (
                obj.status != S.CANCELLED
                and request.user.has_perm("matchmaking.change_project", obj)
            )
        )

    @admin.display(description=_("progress reports"), ordering="report_flag")
    def reporting(self, project: Project) -> str:
        if project.status not in Project.RUNNING_STATUSES:
            return "-"
        flag = getattr(project, "report_flag", ReportFlag.ON_TIME)
        label = ReportFlag.labels[flag]
        if flag == ReportFlag.ON_TIME:
            return str(label)
        colour = "#ba2121" if flag == ReportFlag.STALE else "#b35c00"
        return format_html(
            '<span style="background:{};color:#fff;padding:1px 6px;border-radius:3px;'
            'white-space:nowrap">⚑ {}</span>',
            colour,
            label,
        )

    @admin.display(description=_("country"), ordering="match__need__country__name")
    def country(self, project: Project) -> str:
        return project.match.need.country.name

    @admin.display(description=_("provider"), ordering="match__offer__provider__name")
    def provider(self, project: Project) -> str:
        return project.match.offer.provider.name

    @admin.display(description=_("match"))
    def match_link(self, project: Project) -> str:
        match = project.match
        return format_html(
            '<a href="{}">{} ↔ {}</a>',
            reverse("admin:matchmaking_match_change", args=[match.pk]),
            match.need.reference,
            match.offer.title,
        )

    # --- The change form: edits go through the service -------------------------------------
    def save_model(self, request, obj: Project, form, change: bool) -> None:
        names = [name for name in form.changed_data if name in services.EDITABLE_FIELDS]
        data = {name: form.cleaned_data[name] for name in names}
        if "agreement_document" in form.changed_data and form.cleaned_data.get(
            "agreement_document"
        ):
            data["agreement_document"] = form.cleaned_data["agreement_document"]
        if data:
            stored = Project.objects.get(pk=obj.pk)
            services.project_update(project=stored, by=request.user, data=data)

    # --- Actions ---------------------------------------------------------------------------
    def _move(self, request, queryset: QuerySet[Project], status: str, note: str = "") -> None:
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda project: services.project_set_status(
                project=project, by=request.user, status=status, note=note
            ),
            lambda count: (
                ngettext(
                    "%(count)d project is now “%(status)s”.",
                    "%(count)d projects are now “%(status)s”.",
                    count,
                )
                % {"count": count, "status": S(status).label}
            ),
        )

    @admin.action(description=_("Start implementation"), permissions=["change"])
    def start_implementation(self, request, queryset: QuerySet[Project]) -> None:
        self._move(request, queryset, S.IMPLEMENTATION)

    @admin.action(description=_("Mark completed"), permissions=["change"])
    def mark_completed(self, request, queryset: QuerySet[Project]) -> None:
        self._move(request, queryset, S.COMPLETED)

    @admin.action(description=_("Cancel…"), permissions=["change"])
    def cancel(self, request, queryset: QuerySet[Project]):
        """Asks for the reason first, on an intermediate page that keeps the selection."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._move(request, queryset, S.CANCELLED, note=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel pilot projects"),
            "opts": self.model._meta,
            "form": form,
            "objects": list(queryset.order_by("pk")),
            "action": "cancel",
            "submit_label": _("Cancel the projects"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, CANCEL_TEMPLATE, context)

    @admin.action(description=_("Remind the sides of overdue reports now"), permissions=["change"])
    def remind_now(self, request, queryset: QuerySet[Project]) -> None:
        # The daily job's rules (overdue, not reminded in the last week), for the selection
        # only: nobody is reminded twice.
        reminded = services.projects_remind_overdue(
            project_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d project with an overdue report was reminded.",
                "%(count)d projects with an overdue report were reminded.",
                len(reminded),
            )
            % {"count": len(reminded)},
            messages.SUCCESS,
        )


@admin.register(SuccessStory)
class SuccessStoryAdmin(ConflictCheckAdminMixin, admin.ModelAdmin):
    list_display = ("title", "project", "status", "language", "published_at")
    list_filter = ("status", "language")
    search_fields = ("title", "summary", "project__reference", "project__title")
    list_select_related = ("project",)
    readonly_fields = ("status", "written_by", "created_at", "updated_at", "published_at")
    autocomplete_fields = ("project",)
    fields = (
        "project",
        "language",
        "title",
        "summary",
        "body",
        "status",
        "written_by",
        "published_at",
        "created_at",
        "updated_at",
    )
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "project")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            # A story is written once its project is completed, and only one per project.
            kwargs["queryset"] = Project.objects.filter(
                status__in=services.ENDED_STATUSES, story__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: SuccessStory, form, change: bool) -> None:
        project = obj.project
        story = services.success_story_save(
            project=project,
            by=request.user,
            data={name: form.cleaned_data[name] for name in services.STORY_FIELDS},
        )
        obj.pk = story.pk
        obj.status = story.status

    @admin.action(description=_("Publish the selected stories"), permissions=["change"])
    def publish(self, request, queryset: QuerySet[SuccessStory]) -> None:
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda story: services.success_story_publish(story=story, by=request.user),
            lambda count: (
                ngettext("%(count)d story published.", "%(count)d stories published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Take the selected stories down"), permissions=["change"])
    def unpublish(self, request, queryset: QuerySet[SuccessStory]) -> None:
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda story: services.success_story_unpublish(story=story, by=request.user),
            lambda count: (
                ngettext("%(count)d story taken down.", "%(count)d stories taken down.", count)
                % {"count": count}
            ),
        )


@admin.register(MatchingWorkshop)
class MatchingWorkshopAdmin(admin.ModelAdmin):
    form = WorkshopForm
    list_display = ("event", "event_type", "starts_at", "need_count", "offer_count")
    search_fields = ("event__title", "summary")
    list_select_related = ("event__event_type",)
    autocomplete_fields = ("event", "needs", "offers")
    readonly_fields = ("page_link", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("event", *self.readonly_fields)
        return self.readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                need_total=Count("needs", distinct=True),
                offer_total=Count("offers", distinct=True),
            )
        )

    @admin.display(description=_("type"))
    def event_type(self, workshop: MatchingWorkshop) -> str:
        return workshop.event.event_type.name

    @admin.display(description=_("date"), ordering="event__starts_at")
    def starts_at(self, workshop: MatchingWorkshop):
        return workshop.event.starts_at

    @admin.display(description=_("requests discussed"), ordering="need_total")
    def need_count(self, workshop: MatchingWorkshop) -> int:
        return workshop.need_total

    @admin.display(description=_("offers discussed"), ordering="offer_total")
    def offer_count(self, workshop: MatchingWorkshop) -> int:
        return workshop.offer_total

    @admin.display(description=_("public page"))
    def page_link(self, workshop: MatchingWorkshop) -> str:
        if not workshop.pk:
            return "-"
        url = reverse("matchmaking:workshop_detail", kwargs={"pk": workshop.pk})
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj: MatchingWorkshop, form, change: bool) -> None:
        workshop = services.workshop_save(
            event=obj.event if change else form.cleaned_data["event"],
            by=request.user,
            needs=form.cleaned_data["needs"],
            offers=form.cleaned_data["offers"],
            summary=form.cleaned_data["summary"],
        )
        obj.pk = workshop.pk
        obj.created_at = workshop.created_at

    def save_related(self, request, form, formsets, change: bool) -> None:
        # The requests and offers were saved by workshop_save; there are no inlines.
        pass
