"""The moderators' admin of commitments: the queue of commitments and progress reports waiting
for moderation, publication and return (with a message for the owner) through the services,
and the news, stories and frequently asked questions of the Action Agenda."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from chm_portal.core.admin_tools import (
    ConflictCheckAdminMixin,
    ReadOnlyInline,
    RegionFilter,
    apply_to_each,
)

from . import services
from .forms import ModerationNoteForm
from .models import Commitment, Deliverable, NewsItem, ProgressReport, ProgressValue, Question

ACTION_FORM_TEMPLATE = "admin/action_form.html"


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ("position", "description", "indicator", "unit", "baseline", "target", "target_date")


class ReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ("period_end", "phase", "status", "summary")
    show_change_link = True


class ModerationActions:
    """Publish and return (asking for the message first) through the services."""

    publish_service = None
    return_service = None
    object_argument = ""

    def _publish(self, request, queryset, message) -> None:
        apply_to_each(
            self,
            request,
            queryset,
            lambda obj: type(self).publish_service(**{self.object_argument: obj}, by=request.user),
            message,
        )

    def _return(self, request, queryset, *, action: str, title: str, message):
        form = ModerationNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            note = form.cleaned_data["note"]
            apply_to_each(
                self,
                request,
                queryset,
                lambda obj: type(self).return_service(
                    **{self.object_argument: obj}, by=request.user, note=note
                ),
                message,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "objects": list(queryset.order_by("pk")),
            "action": action,
            "submit_label": gettext("Return to the owner"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


@admin.register(Commitment)
class CommitmentAdmin(ModerationActions, ConflictCheckAdminMixin, TranslationAdmin):
    publish_service = staticmethod(services.commitment_publish)
    return_service = staticmethod(services.commitment_return)
    object_argument = "commitment"

    list_display = (
        "title",
        "actor_type",
        "actor_name",
        "country",
        "phase",
        "status",
        "submitted_at",
    )
    list_filter = (
        "status",
        "actor_type",
        "phase",
        "scope",
        "is_biosafety",
        RegionFilter,
        "targets",
    )
    list_select_related = ("country",)
    search_fields = ("title_en", "title_fr", "title_es", "actor_name", "owner__email")
    autocomplete_fields = ("owner", "organisation", "country", "targets", "thematic_areas")
    readonly_fields = (
        "status",
        "moderation_note",
        "submitted_at",
        "published_at",
        "moderated_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = (DeliverableInline, ReportInline)
    actions = ("publish_selected", "return_selected")
    ordering = ("-submitted_at", "-created_at")

    @admin.action(description=_("Publish the selected commitments"))
    def publish_selected(self, request, queryset: QuerySet[Commitment]) -> None:
        self._publish(
            request,
            queryset,
            lambda count: (
                ngettext(
                    "%(count)d commitment published.", "%(count)d commitments published.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Return the selected commitments to their owners…"))
    def return_selected(self, request, queryset: QuerySet[Commitment]):
        return self._return(
            request,
            queryset,
            action="return_selected",
            title=gettext("Return commitments to their owners"),
            message=lambda count: (
                ngettext("%(count)d commitment returned.", "%(count)d commitments returned.", count)
                % {"count": count}
            ),
        )


class ValueInline(ReadOnlyInline):
    model = ProgressValue
    fields = ("deliverable", "value", "note")


@admin.register(ProgressReport)
class ProgressReportAdmin(ModerationActions, admin.ModelAdmin):
    publish_service = staticmethod(services.progress_report_publish)
    return_service = staticmethod(services.progress_report_return)
    object_argument = "report"

    list_display = ("commitment", "period_end", "phase", "status", "created_at")
    list_filter = ("status", "phase")
    list_select_related = ("commitment",)
    search_fields = ("commitment__title_en", "commitment__title_fr", "commitment__title_es")
    readonly_fields = (
        "commitment",
        "period_end",
        "phase",
        "summary",
        "challenges",
        "status",
        "moderation_note",
        "created_by",
        "created_at",
        "published_at",
    )
    inlines = (ValueInline,)
    actions = ("publish_selected", "return_selected")

    def has_add_permission(self, request) -> bool:
        return False  # owners report on the portal

    @admin.action(description=_("Publish the selected progress reports"))
    def publish_selected(self, request, queryset: QuerySet[ProgressReport]) -> None:
        self._publish(
            request,
            queryset,
            lambda count: (
                ngettext(
                    "%(count)d progress report published.",
                    "%(count)d progress reports published.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Return the selected progress reports to their owners…"))
    def return_selected(self, request, queryset: QuerySet[ProgressReport]):
        return self._return(
            request,
            queryset,
            action="return_selected",
            title=gettext("Return progress reports to their owners"),
            message=lambda count: (
                ngettext(
                    "%(count)d progress report returned.",
                    "%(count)d progress reports returned.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(NewsItem)
class NewsItemAdmin(TranslationAdmin):
    list_display = ("title", "kind", "is_published", "published_at")
    list_filter = ("kind", "is_published")
    search_fields = ("title_en", "title_fr", "title_es")
    autocomplete_fields = ("commitment",)
    date_hierarchy = "published_at"


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    list_display = ("question", "position", "is_published")
    list_editable = ("position", "is_published")
    list_filter = ("is_published",)
    search_fields = ("question_en", "question_fr", "question_es")
