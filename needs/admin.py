"""Django admin of requests for assistance: the help desk's triage queue, assessments, history.

Every write goes through ``needs.services``. The workflow actions of the queue (also offered as
buttons on a request's page, which post to the same actions) call one service per request, each
in its own transaction, and report per request what could not be done. The change form hands its
edits to ``need_update`` and ``need_assign``, and its new notes and messages to ``need_add_note``
and ``need_post_message``. Status, reference and workflow dates are read-only: the status only
changes through the actions.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Now
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chm_portal.accounts.models import User
from chm_portal.accounts.selectors import helpdesk_staff
from chm_portal.core import admin_tools
from chm_portal.core.admin_tools import RegionFilter, error_text
from chm_portal.vocabularies.models import COUNTRY_GROUP_FLAGS, CountryGroup
from chm_portal.vocabularies.translation import translation_field_names

from . import services, workflow
from .models import (
    Assessment,
    AssessmentEntry,
    Need,
    NeedAttachment,
    NeedEvent,
    NeedMessage,
    NeedNote,
    NeedSupport,
)
from .workflow import AWAITING_HELPDESK, HELPDESK_ACTIONS, TransitionNotAllowed, allowed_actions

A = NeedEvent.Action
# The first bucket of the age filter, in working days.
RECENT_WORKING_DAYS = 5


# --- Filters of the queue -----------------------------------------------------------------------
class CountryGroupFilter(admin.SimpleListFilter):
    """Countries with special needs: least developed, small island, landlocked, in transition."""

    title = _("country group")
    parameter_name = "country_group"

    def lookups(self, request, model_admin):
        names = {
            group.code: group.name
            for group in CountryGroup.objects.filter(code__in=list(COUNTRY_GROUP_FLAGS))
        }
        return [(code, names.get(code, code)) for code in COUNTRY_GROUP_FLAGS]

    def queryset(self, request, queryset):
        flag = COUNTRY_GROUP_FLAGS.get(self.value() or "")
        if flag:
            return queryset.filter(**{f"country__{flag}": True})
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        people = (
            User.objects.filter(assigned_needs__isnull=False)
            .distinct()
            .order_by("full_name", "email")
        )
        return [
            ("me", _("Me")),
            ("nobody", _("Nobody (unassigned)")),
            *((str(person.pk), person.get_full_name()) for person in people),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class AgeFilter(admin.SimpleListFilter):
    """Time since submission, in working days; "overdue" is the help desk's broken commitment."""

    title = _("waiting since submission")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        days = settings.HELPDESK_RESPONSE_WORKING_DAYS
        return [
            (
                "recent",
                _("Less than %(days)d working days") % {"days": RECENT_WORKING_DAYS},
            ),
            (
                "waiting",
                _("%(low)d to %(high)d working days") % {"low": RECENT_WORKING_DAYS, "high": days},
            ),
            (
                "overdue",
                _("Overdue: no decision after %(days)d working days") % {"days": days},
            ),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        recent_since = workflow.working_days_before(now, RECENT_WORKING_DAYS)
        overdue_before = workflow.overdue_cutoff(now)
        if self.value() == "recent":
            return queryset.filter(submitted_at__gte=recent_since)
        if self.value() == "waiting":
            return queryset.filter(submitted_at__lt=recent_since, submitted_at__gte=overdue_before)
        if self.value() == "overdue":
            return queryset.filter(status__in=AWAITING_HELPDESK, submitted_at__lt=overdue_before)
        return queryset


# --- Forms of the actions that ask for something --------------------------------------------------
class HelpdeskMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} <{obj.email}>"


class AssignForm(forms.Form):
    assignee = HelpdeskMemberChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        help_text=_("Members of the help desk and site administrators."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = helpdesk_staff()


class ClarificationForm(forms.Form):
    message = forms.CharField(
        label=_("Question to the requester"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Emailed to the requester and shown on “My requests”. The request waits for their "
            "answer, then comes back to the queue."
        ),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Emailed to the requester: say why, and what they could do instead."),
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Reference of the original request"),
        max_length=30,
        help_text=_("For example NEED-2026-00042. The requester is told which request it is."),
    )

    def clean_original(self) -> Need:
        reference = self.cleaned_data["original"].strip()
        original = Need.objects.filter(reference__iexact=reference).first()
        if original is None:
            raise ValidationError(
                _("No request has the reference %(reference)s."),
                code="unknown_reference",
                params={"reference": reference},
            )
        return original


# --- Inlines of a request ---------------------------------------------------------------------
class NeedSupportInline(admin.TabularInline):
    """The support types asked for: part of the request, saved with it through need_update."""

    model = NeedSupport
    fields = ("support_type", "details")
    autocomplete_fields = ("support_type",)
    extra = 0
    # Short rows in the table; the requester's text is usually a sentence or two.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("support_type")

    # The rows belong to the request: whoever may change it may change them.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.view_need_private", obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.change_need", obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.change_need", obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.change_need", obj)


class ReadOnlyInline(admin_tools.ReadOnlyInline):
    """Rows shown as they are: they are written by the services, never edited here."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class NeedAttachmentInline(ReadOnlyInline):
    model = NeedAttachment
    fields = ("download", "content_type", "size", "uploaded_by", "uploaded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("need", "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, attachment: NeedAttachment) -> str:
        url = reverse(
            "needs:attachment_download",
            kwargs={"reference": attachment.need.reference, "pk": attachment.pk},
        )
        return format_html('<a href="{}">{}</a>', url, attachment)


class NeedEventInline(ReadOnlyInline):
    """The whole history, internal events included."""

    model = NeedEvent
    fields = (
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "note",
        "is_internal",
        "notified_at",
    )
    ordering = ("created_at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AddOnlyInline(admin.TabularInline):
    """Existing rows read-only; new rows are saved by a service (see ``NeedAdmin.save_formset``).

    Without the change permission Django shows the existing rows read-only and still offers
    empty rows for adding.
    """

    fields = ("body", "author", "created_at")
    readonly_fields = ("author", "created_at")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NeedMessageInline(AddOnlyInline):
    model = NeedMessage
    fields = ("body", "from_helpdesk", "author", "created_at")
    readonly_fields = ("from_helpdesk", "author", "created_at")
    ordering = ("created_at", "pk")
    verbose_name = _("message with the requester")
    verbose_name_plural = _(
        "messages with the requester (shown to them on the request's page; not emailed: to ask "
        "for an answer, use “Request clarification”)"
    )


class NeedNoteInline(AddOnlyInline):
    model = NeedNote
    verbose_name_plural = _("internal notes (the help desk only)")


# --- Requests for assistance: the queue --------------------------------------------------------
# Admin action name -> the workflow action it performs (the assignment ones are always possible).
WORKFLOW_ACTION_OF = {
    "request_clarification": A.CLARIFICATION_REQUESTED,
    "publish": A.PUBLISHED,
    "reject": A.REJECTED,
    "mark_duplicate": A.MARKED_DUPLICATE,
}


@admin.register(Need)
class NeedAdmin(admin_tools.ConflictCheckAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "country",
        "status",
        "assigned_to",
        "age",
        "submitted_at",
        "expressed_with_helpdesk",
    )
    list_display_links = ("reference", "title")
    list_filter = (
        "status",
        ("country", admin.RelatedOnlyFieldListFilter),
        RegionFilter,
        CountryGroupFilter,
        "targets",
        "thematic_areas",
        "support_types",
        AssigneeFilter,
        AgeFilter,
        "requester_kind",
        "source",
    )
    list_select_related = ("country", "assigned_to")
    search_fields = (
        "reference",
        "title",
        "problem_statement",
        "requesting_organisation",
        *(f"country__{name}" for name in translation_field_names("name")),
    )
    date_hierarchy = "submitted_at"
    ordering = (F("submitted_at").desc(nulls_last=True), "-pk")
    autocomplete_fields = (
        "country",
        "other_countries",
        "targets",
        "thematic_areas",
        "capacity_levels",
        "working_languages",
        "beneficiary_types",
        "priority",
        "assigned_to",
        "duplicate_of",
    )
    # Set by the services only: the workflow, provenance and identity of the request.
    readonly_fields = (
        "reference",
        "status",
        "country",
        "duplicate_of",
        "rejection_reason",
        "escalated_at",
        "source",
        "external_id",
        "expressed_with_helpdesk",
        "assessment_entry",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "status_changed_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("reference", "status"),
                    "title",
                    "language",
                    "country",
                    "other_countries",
                    "application_level",
                    "requesting_organisation",
                    "requester_kind",
                    "visibility",
                )
            },
        ),
        (
            _("Triage"),
            {
                "fields": (
                    "assigned_to",
                    "escalated_at",
                    "duplicate_of",
                    "rejection_reason",
                )
            },
        ),
        (_("Contact"), {"fields": ("contact_name", "contact_email", "contact_phone")}),
        (
            _("The request"),
            {
                "fields": (
                    "problem_statement",
                    "objectives",
                    "expected_outputs",
                    "outcomes_and_indicators",
                )
            },
        ),
        (
            _("What is needed"),
            {
                "fields": (
                    "targets",
                    "thematic_areas",
                    "thematic_area_other",
                    "support_type_other",
                    "capacity_levels",
                    "priority",
                    "beneficiary_types",
                    "beneficiary_other",
                )
            },
        ),
        (
            _("Practicalities"),
            {
                "fields": (
                    ("desired_start", "desired_end"),
                    "working_languages",
                    ("estimated_budget", "budget_currency"),
                    "cofinancing_available",
                    "cofinancing_details",
                    "builds_on",
                    "submitted_elsewhere",
                    "submitted_elsewhere_details",
                )
            },
        ),
        (
            _("Provenance and dates"),
            {
                "classes": ("collapse",),
                "fields": (
                    "source",
                    "external_id",
                    "expressed_with_helpdesk",
                    "assessment_entry",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "submitted_at",
                    "published_at",
                    "status_changed_at",
                ),
            },
        ),
    )
    inlines = (
        NeedSupportInline,
        NeedAttachmentInline,
        NeedMessageInline,
        NeedNoteInline,
        NeedEventInline,
    )
    actions = [
        "assign_to_me",
        "assign_to_colleague",
        "request_clarification",
        "publish",
        "reject",
        "mark_duplicate",
    ]

    # --- The list ---------------------------------------------------------------------------
    def get_queryset(self, request):
        # The age and the overdue flag are computed by the database, so that the list sorts by
        # age and shows the flag with no query per row.
        return (
            super()
            .get_queryset(request)
            .select_related("country", "assigned_to")
            .annotate(
                since_submission=ExpressionWrapper(
                    Now() - F("submitted_at"), output_field=DurationField()
                ),
                is_overdue=Case(
                    When(
                        status__in=AWAITING_HELPDESK,
                        submitted_at__lt=workflow.overdue_cutoff(),
                        then=Value(True),
                    ),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        )

    @admin.display(description=_("days since submission"), ordering="since_submission")
    def age(self, need: Need) -> str:
        waited = getattr(need, "since_submission", None)
        if waited is None:
            return "-"
        if not getattr(need, "is_overdue", False):
            return str(waited.days)
        return format_html(
            '{} <span class="need-overdue" style="background:#ba2121;color:#fff;'
            'padding:1px 6px;border-radius:3px;white-space:nowrap">{}</span>',
            waited.days,
            _("⚑ untriaged > %(days)d working days")
            % {"days": settings.HELPDESK_RESPONSE_WORKING_DAYS},
        )

    # --- Permissions: the object rules of needs/rules.py -------------------------------------
    # The admin shows contact details, internal notes and the internal history: it is the
    # help desk's tool, so every page also needs the triage permission.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.triage_need") and request.user.has_perm(
            "needs.view_need_private", obj
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.triage_need") and request.user.has_perm(
            "needs.change_need", obj
        )

    def has_add_permission(self, request) -> bool:
        # Requests are created on the portal's "new request" page (by the help desk too, on a
        # country's behalf), where need_create records who expressed it.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A request is a record: it is withdrawn, rejected or closed as duplicate, never deleted.
        return False

    def has_triage_permission(self, request) -> bool:
        return request.user.has_perm("needs.triage_need")

    # --- The change form: edits go through the services --------------------------------------
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = helpdesk_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Need, form, change: bool) -> None:
        # Saved in save_related, together with the support rows, by need_update.
        pass

    def save_related(self, request, form, formsets, change: bool) -> None:
        need: Need = form.instance
        changed = set(form.changed_data)
        fields = {
            name: form.cleaned_data[name] for name in changed if name in services.EDITABLE_FIELDS
        }
        related = {
            name: form.cleaned_data[name] for name in changed if name in services.RELATED_FIELDS
        }
        support = None
        for formset in formsets:
            # Fills new/changed/deleted_objects for the change message; writes nothing.
            formset.save(commit=False)
            if formset.model is NeedSupport and formset.has_changed():
                support = {
                    row.cleaned_data["support_type"]: row.cleaned_data.get("details") or ""
                    for row in formset.forms
                    if row.cleaned_data.get("support_type") and row not in formset.deleted_forms
                }
        if "assigned_to" in changed:
            services.need_assign(
                need=need, assignee=form.cleaned_data["assigned_to"], by=request.user
            )
        if fields or related or support is not None:
            services.need_update(
                need=need, by=request.user, fields=fields, related=related, support=support
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        need: Need = form.instance
        if formset.model is NeedNote:
            formset.new_objects = [
                services.need_add_note(need=need, by=request.user, body=note.body)
                for note in formset.new_objects
            ]
        elif formset.model is NeedMessage:
            formset.new_objects = [
                services.need_post_message(need=need, by=request.user, body=message.body)
                for message in formset.new_objects
            ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_triage_permission(request):
            context["workflow_actions"] = self._workflow_actions(request, obj)
            context["action_checkbox_name"] = helpers.ACTION_CHECKBOX_NAME
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_actions(self, request, need: Need) -> list[tuple[str, str]]:
        """The list actions possible for ``need`` now, as (name, label) for its page's buttons."""
        possible = set(allowed_actions(need.status, actions=HELPDESK_ACTIONS))
        return [
            (name, label)
            for name, (_func, _name, label) in self.get_actions(request).items()
            if name in ("assign_to_me", "assign_to_colleague")
            or WORKFLOW_ACTION_OF.get(name) in possible
        ]

    # --- Actions ------------------------------------------------------------------------------
    def _apply(
        self,
        request,
        queryset: QuerySet[Need],
        change: Callable[[Need], Any],
        message: Callable[[int], str],
    ) -> None:
        """Call ``change`` on each request in its own transaction; report successes and failures.

        A request someone else moved on meanwhile fails with TransitionNotAllowed and is left as
        it is; the others still change.
        """
        done, failures = 0, []
        for need in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    change(need)
            except TransitionNotAllowed as exc:
                failures.append(str(exc))  # names the request already
            except (PermissionDenied, ValidationError) as exc:
                failures.append(f"{need.reference}: {error_text(exc)}")
            else:
                done += 1
        if done:
            self.message_user(request, message(done), messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)

    def _after(self, request, queryset: QuerySet[Need]):
        """Back to the request's page when the action was started from there."""
        if request.POST.get("_from_change"):
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            if len(selected) == 1 and selected[0].isdigit():
                return HttpResponseRedirect(
                    reverse("admin:needs_need_change", args=[int(selected[0])])
                )
        return None

    def _ask(
        self,
        request,
        queryset: QuerySet[Need],
        *,
        action: str,
        form_class: type[forms.Form],
        title: str,
        submit: str,
        apply: Callable[[Need, dict], Any],
        message: Callable[[int, dict], str],
    ):
        """An action that asks for something first: an intermediate page keeping the selection."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply(
                request,
                queryset,
                lambda need: apply(need, data),
                lambda count: message(count, data),
            )
            return self._after(request, queryset)
        needs = list(queryset.order_by("pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "objects": needs,
            "action": action,
            "submit_label": submit,
            "from_change": bool(request.POST.get("_from_change")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/needs/need/action_form.html", context)

    @admin.action(description=_("Assign to me"), permissions=["triage"])
    def assign_to_me(self, request, queryset: QuerySet[Need]):
        self._apply(
            request,
            queryset,
            lambda need: services.need_assign(need=need, assignee=request.user, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d request assigned to you.",
                    "%(count)d requests assigned to you.",
                    count,
                )
                % {"count": count}
            ),
        )
        return self._after(request, queryset)

    @admin.action(description=_("Assign to a colleague…"), permissions=["triage"])
    def assign_to_colleague(self, request, queryset: QuerySet[Need]):
        return self._ask(
            request,
            queryset,
            action="assign_to_colleague",
            form_class=AssignForm,
            title=_("Assign requests to a colleague"),
            submit=_("Assign"),
            apply=lambda need, data: services.need_assign(
                need=need, assignee=data["assignee"], by=request.user
            ),
            message=lambda count, data: (
                ngettext(
                    "%(count)d request assigned to %(name)s.",
                    "%(count)d requests assigned to %(name)s.",
                    count,
                )
                % {"count": count, "name": data["assignee"].get_full_name()}
            ),
        )

    @admin.action(description=_("Request clarification…"), permissions=["triage"])
    def request_clarification(self, request, queryset: QuerySet[Need]):
        return self._ask(
            request,
            queryset,
            action="request_clarification",
            form_class=ClarificationForm,
            title=_("Ask the requesters to clarify"),
            submit=_("Send the question"),
            apply=lambda need, data: services.need_request_clarification(
                need=need, by=request.user, message=data["message"]
            ),
            message=lambda count, data: (
                ngettext(
                    "Clarification requested for %(count)d request.",
                    "Clarification requested for %(count)d requests.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Publish (open for matching)"), permissions=["triage"])
    def publish(self, request, queryset: QuerySet[Need]):
        self._apply(
            request,
            queryset,
            lambda need: services.need_publish(need=need, by=request.user),
            lambda count: (
                ngettext("%(count)d request published.", "%(count)d requests published.", count)
                % {"count": count}
            ),
        )
        return self._after(request, queryset)

    @admin.action(description=_("Reject with a reason…"), permissions=["triage"])
    def reject(self, request, queryset: QuerySet[Need]):
        return self._ask(
            request,
            queryset,
            action="reject",
            form_class=RejectionForm,
            title=_("Reject requests"),
            submit=_("Reject and send the reason"),
            apply=lambda need, data: services.need_reject(
                need=need, by=request.user, reason=data["reason"]
            ),
            message=lambda count, data: (
                ngettext("%(count)d request rejected.", "%(count)d requests rejected.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Close as duplicate…"), permissions=["triage"])
    def mark_duplicate(self, request, queryset: QuerySet[Need]):
        return self._ask(
            request,
            queryset,
            action="mark_duplicate",
            form_class=DuplicateForm,
            title=_("Close requests as duplicates"),
            submit=_("Close as duplicate"),
            apply=lambda need, data: services.need_mark_duplicate(
                need=need, original=data["original"], by=request.user
            ),
            message=lambda count, data: (
                ngettext(
                    "%(count)d request closed as duplicate of %(reference)s.",
                    "%(count)d requests closed as duplicates of %(reference)s.",
                    count,
                )
                % {"count": count, "reference": data["original"].reference}
            ),
        )


# --- Assessments ------------------------------------------------------------------------------
class AssessmentEntryInline(ReadOnlyInline):
    model = AssessmentEntry
    fields = (
        "target",
        "thematic_area",
        "capacity_individual",
        "capacity_organisational",
        "capacity_systemic",
        "gap",
        "priority",
        "gap_description",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target", "thematic_area", "priority")

    @admin.display(description=_("gap score"))
    def gap(self, entry: AssessmentEntry) -> str:
        score = entry.gap_score
        return "-" if score is None else f"{score:.1f}"


COMPLETE_ENTRY = Q(
    entries__capacity_individual__isnull=False,
    entries__capacity_organisational__isnull=False,
    entries__capacity_systemic__isnull=False,
    entries__priority__isnull=False,
)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Countries' capacity assessments, read-only: focal points fill them in on the portal."""

    list_display = ("country", "cycle", "status", "progress", "submitted_at", "updated_at")
    list_filter = ("status", "cycle", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country",)
    search_fields = tuple(f"country__{name}" for name in translation_field_names("name"))
    date_hierarchy = "updated_at"
    fields = (
        "country",
        "cycle",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_by",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = (AssessmentEntryInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                entry_count=Count("entries", distinct=True),
                complete_count=Count("entries", filter=COMPLETE_ENTRY, distinct=True),
            )
        )

    @admin.display(description=_("progress"), ordering="complete_count")
    def progress(self, assessment: Assessment) -> str:
        return ngettext(
            "%(complete)d of %(count)d entry complete",
            "%(complete)d of %(count)d entries complete",
            assessment.entry_count,
        ) % {"complete": assessment.complete_count, "count": assessment.entry_count}

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("needs.view_assessment", obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- History ------------------------------------------------------------------------------------
class NotifiedFilter(admin.SimpleListFilter):
    """Whether the emails an event calls for went out; the sweep retries the pending ones."""

    title = _("emails")
    parameter_name = "notified"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent")), ("no", _("Not yet sent"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(notified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(notified_at__isnull=True)
        return queryset


@admin.register(NeedEvent)
class NeedEventAdmin(admin.ModelAdmin):
    """Every request's history in one list, read-only."""

    list_display = (
        "created_at",
        "need",
        "action",
        "from_status",
        "to_status",
        "actor",
        "is_internal",
        "notified_at",
    )
    list_filter = ("action", "is_internal", NotifiedFilter)
    list_select_related = ("need", "actor")
    search_fields = ("need__reference", "need__title", "note")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
