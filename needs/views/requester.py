"""The requester's pages (CBD action plan, activities 1 and 4): expressing needs step by step,
and following them with the help desk (assessments are in :mod:`needs.views.assessments`).

Requesters are focal points (for their country), members of IPLC organisations and the help desk
on a country's behalf. Pages read through :mod:`needs.selectors` and write only through
:mod:`needs.services`. A request the person may not see answers 404; one they may see but not
manage answers 403; one that can no longer be edited sends them to its page with a message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView, View

from chm_portal.core.forms import add_service_errors

from .. import selectors, services
from ..forms import (
    MyRequestsFilterForm,
    NeedAboutForm,
    NeedAnswerForm,
    NeedAttachmentForm,
    NeedMessageForm,
    NeedNeededForm,
    NeedPracticalitiesForm,
    NeedStepForm,
    NeedSubmitForm,
    NeedWithdrawForm,
    request_language_choices,
)
from ..models import Need, NeedEvent
from ..workflow import TransitionNotAllowed, helpdesk_response_due

S = Need.Status


# --- Where a request stands ----------------------------------------------------------------------
STAGE_COUNT = 5
# status -> (stage number or None when closed, what is happening)
STAGES: dict[str, tuple[int | None, Promise]] = {
    S.DRAFT: (1, _("being written")),
    S.SUBMITTED: (2, _("with the help desk")),
    S.IN_TRIAGE: (2, _("with the help desk")),
    S.CLARIFICATION_REQUESTED: (2, _("the help desk is waiting for your answer")),
    S.PUBLISHED: (3, _("open for matching with partners")),
    S.MATCHED: (4, _("matched with a partner")),
    S.IN_PROGRESS: (4, _("support under way")),
    S.FULFILLED: (5, _("fulfilled")),
    S.WITHDRAWN: (None, _("closed: withdrawn")),
    S.REJECTED: (None, _("closed: not accepted by the help desk")),
    S.DUPLICATE: (None, _("closed: duplicate of another request")),
}


def stage_of(need: Need) -> str:
    """E.g. "step 2 of 5: with the help desk"."""
    number, description = STAGES[need.status]
    if number is None:
        return str(description)
    return _("step %(number)s of %(total)s: %(stage)s") % {
        "number": number,
        "total": STAGE_COUNT,
        "stage": description,
    }


# --- Loading a request ---------------------------------------------------------------------------
def need_for_requester(user, reference: str) -> Need:
    """The request, for its owners and the help desk: 404 when ``user`` may not see it at all,
    403 when they may see it (it is public) but it is not theirs."""
    need = get_object_or_404(selectors.need_visible_to(user), reference=reference)
    if not user.has_perm("needs.view_need_private", need):
        raise PermissionDenied
    return need


class NeedRequesterMixin(LoginRequiredMixin):
    """Loads ``self.need`` from the URL's reference for its requester side."""

    need: Need

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.need = need_for_requester(request.user, kwargs["reference"])
        refusal = self.refuse()
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def refuse(self):
        """A response instead of the page, when the person may see the request but not this."""
        return None

    def manage_url(self) -> str:
        return reverse("needs:manage", args=[self.need.reference])


class NeedEditMixin(NeedRequesterMixin):
    """As :class:`NeedRequesterMixin`, for what only those who may change the request do now."""

    def refuse(self):
        if self.request.user.has_perm("needs.change_need", self.need):
            return None
        messages.info(
            self.request,
            _("%(reference)s is “%(status)s”: it can no longer be edited.")
            % {"reference": self.need.reference, "status": self.need.get_status_display()},
        )
        return redirect(self.manage_url())


# --- Landing page --------------------------------------------------------------------------------
class IndexView(TemplateView):
    """``/needs/``: what the area is for, and where each person starts."""

    template_name = "needs/index.html"

    def get_context_data(self, **kwargs) -> dict:
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            may_express_needs=user.is_authenticated and user.has_perm("needs.add_need"),
            may_assess=user.is_authenticated and user.has_perm("needs.add_assessment"),
        )
        return context


# --- The request form, step by step --------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    form_class: type[NeedStepForm] | None


STEPS = (
    Step("about", _("About the request"), NeedAboutForm),
    Step("needed", _("What is needed"), NeedNeededForm),
    Step("practicalities", _("Practicalities"), NeedPracticalitiesForm),
    Step("review", _("Review and submit"), None),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
# The step on which each field the submission needs is filled in.
STEP_OF_FIELD = {
    name: step.slug
    for step in STEPS
    if step.form_class is not None
    for name in step.form_class.base_fields
}


def next_step(slug: str) -> Step:
    slugs = [step.slug for step in STEPS]
    return STEPS[min(slugs.index(slug) + 1, len(STEPS) - 1)]


class NeedFormPageMixin:
    """Renders a step of the request form (also for the create page and the attachment and
    submit views, which show a step again when something is wrong)."""

    template_name = "needs/requester/need_form.html"
    request: Any

    def step_context(
        self,
        *,
        step: Step,
        need: Need | None,
        form=None,
        attachment_form: NeedAttachmentForm | None = None,
        submit_form: NeedSubmitForm | None = None,
    ) -> dict:
        context: dict[str, Any] = {
            "need": need,
            "steps": STEPS,
            "step": step,
            "step_number": STEPS.index(step) + 1,
            "step_count": len(STEPS),
            "form": form,
            "required_to_submit": services.REQUIRED_TO_SUBMIT,
            "response_days": settings.HELPDESK_RESPONSE_WORKING_DAYS,
        }
        if step.slug == "practicalities" and need is not None:
            context.update(
                attachments=selectors.need_attachments(need),
                attachment_form=attachment_form or NeedAttachmentForm(),
            )
        if step.slug == "review" and need is not None:
            context.update(
                summary=need_summary(need),
                missing=[
                    {
                        "message": message,
                        "url": reverse(
                            "needs:edit_step", args=[need.reference, STEP_OF_FIELD[name]]
                        )
                        + f"#id_{name}",
                    }
                    for name, message in services.need_missing_for_submission(need).items()
                ],
                submit_form=submit_form or NeedSubmitForm(),
                attachments=selectors.need_attachments(need),
            )
        return context


class NeedCreateView(PermissionRequiredMixin, NeedFormPageMixin, TemplateView):
    """``/needs/new/``: the first step for a new request; saving it creates the draft."""

    # Anonymous people are sent to sign in; signed-in people without the role get 403.
    permission_required = "needs.add_need"

    def countries(self):
        return services.countries_user_may_request_for(self.request.user)

    def initial(self) -> dict:
        user = self.request.user
        return {
            "creation_token": uuid.uuid4(),
            "contact_name": user.full_name,
            "contact_email": user.email,
            "requesting_organisation": user.organisation_name,
            "language": self.request.LANGUAGE_CODE,
        }

    def get(self, request, *args, **kwargs):
        form = NeedAboutForm(initial=self.initial(), countries=self.countries())
        return self.render_to_response(self.step_context(step=STEPS[0], need=None, form=form))

    def post(self, request, *args, **kwargs):
        form = NeedAboutForm(data=request.POST, countries=self.countries())
        if form.is_valid():
            arguments = form.service_arguments()
            fields = arguments["fields"]
            try:
                need = services.need_create(
                    by=request.user,
                    country=form.cleaned_data["country"],
                    title=fields.pop("title"),
                    creation_token=form.cleaned_data["creation_token"],
                    fields=fields,
                    related=arguments["related"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Draft %(reference)s is saved. You can come back to it at any time.")
                    % {"reference": need.reference},
                )
                step = "about" if request.POST.get("action") == "save" else "needed"
                return redirect("needs:edit_step", need.reference, step)
        return self.render_to_response(self.step_context(step=STEPS[0], need=None, form=form))


class NeedStepView(NeedEditMixin, NeedFormPageMixin, TemplateView):
    """``/needs/<reference>/edit/<step>/``: one step of a draft (or of a request the help desk
    asked to clarify); "Save and continue" goes on, "Save draft" stays."""

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEP_BY_SLUG:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def step(self) -> Step:
        return STEP_BY_SLUG[self.kwargs["step"]]

    def make_form(self, data=None):
        form_class = self.step.form_class
        if form_class is None:
            return None
        return form_class(data=data, initial=form_class.initial_from(self.need))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.step_context(step=self.step, need=self.need, form=self.make_form())
        )

    def post(self, request, *args, **kwargs):
        step = self.step
        if step.form_class is None:  # the review step has nothing to save
            return redirect("needs:edit_step", self.need.reference, step.slug)
        form = self.make_form(data=request.POST)
        if form.is_valid():
            try:
                services.need_update(need=self.need, by=request.user, **form.service_arguments())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.POST.get("action") == "save":
                    messages.success(request, _("Your draft is saved."))
                    return redirect("needs:edit_step", self.need.reference, step.slug)
                return redirect("needs:edit_step", self.need.reference, next_step(step.slug).slug)
        return self.render_to_response(self.step_context(step=step, need=self.need, form=form))


def _display(value) -> str:
    """A value of the review, formatted for the active language."""
    if value is None:
        return ""
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def need_summary(need: Need) -> list[dict]:
    """What the review step shows: per step, (label, text) rows; lists are joined."""

    def label(name: str):
        return Need._meta.get_field(name).verbose_name

    def names(objects) -> str:
        return "; ".join(str(obj.name) for obj in objects)

    def row(name: str, text: Any = None, *, items: list | None = None) -> dict:
        if text is None and items is None:
            text = getattr(need, name)
        return {"label": label(name), "text": _display(text), "items": items, "id": name}

    budget = ""
    if need.estimated_budget is not None:
        amount = formats.number_format(need.estimated_budget, 2, force_grouping=True)
        budget = f"{amount} {need.budget_currency}".strip()
    return [
        {
            "step": STEP_BY_SLUG["about"],
            "rows": [
                row("country", need.country.name),
                row("title"),
                row("language", dict(request_language_choices()).get(need.language, need.language)),
                row("problem_statement"),
                row("objectives"),
                row("expected_outputs"),
                row("outcomes_and_indicators"),
                row("other_countries", names(need.other_countries.all())),
                row("application_level", need.get_application_level_display()),
                row("requesting_organisation"),
                row("requester_kind", need.get_requester_kind_display()),
                row("contact_name"),
                row("contact_email"),
                row("contact_phone"),
            ],
        },
        {
            "step": STEP_BY_SLUG["needed"],
            "rows": [
                row("targets", items=[str(target) for target in need.targets.all()]),
                row("thematic_areas", names(need.thematic_areas.all())),
                row("thematic_area_other"),
                row(
                    "support_types",
                    items=[
                        f"{support.support_type.name}: {support.details}"
                        if support.details
                        else str(support.support_type.name)
                        for support in need.support_details.all()
                    ],
                ),
                row("support_type_other"),
                row("capacity_levels", names(need.capacity_levels.all())),
                row("priority", need.priority.name if need.priority else ""),
                row("beneficiary_types", names(need.beneficiary_types.all())),
                row("beneficiary_other"),
            ],
        },
        {
            "step": STEP_BY_SLUG["practicalities"],
            "rows": [
                row("desired_start"),
                row("desired_end"),
                row("working_languages", names(need.working_languages.all())),
                row("estimated_budget", budget),
                row("cofinancing_available", _("Yes") if need.cofinancing_available else _("No")),
                row("cofinancing_details"),
                row("builds_on"),
                row("submitted_elsewhere", _("Yes") if need.submitted_elsewhere else _("No")),
                row("submitted_elsewhere_details"),
                row("visibility", need.get_visibility_display()),
            ],
        },
    ]


class NeedSubmitView(NeedRequesterMixin, NeedFormPageMixin, TemplateView):
    """``POST /needs/<reference>/submit/``: send the draft to the help desk.

    A second click (or a second tab) finds the request already submitted and shows the
    confirmation again rather than an error.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        need = self.need
        if need.status != S.DRAFT:
            if need.submitted_at is not None:
                return redirect("needs:submitted", need.reference)
            return redirect(self.manage_url())
        submit_form = NeedSubmitForm(data=request.POST)
        submit_form.is_valid()
        try:
            services.need_submit(need=need, by=request.user)
        except ValidationError as error:
            # The review lists what is missing with links to the fields; only other problems
            # are added to the form.
            errors = error.error_dict if hasattr(error, "error_dict") else {None: error.messages}
            for name, messages_of_field in errors.items():
                if name not in STEP_OF_FIELD:
                    submit_form.add_error(None, messages_of_field)
            context = self.step_context(
                step=STEP_BY_SLUG["review"], need=need, submit_form=submit_form
            )
            context["submit_failed"] = True
            return self.render_to_response(context)
        except TransitionNotAllowed:
            pass  # submitted by a click a moment earlier
        return redirect("needs:submitted", need.reference)


class NeedSubmittedView(NeedRequesterMixin, TemplateView):
    """``/needs/<reference>/submitted/``: the confirmation, with the reference and what next."""

    template_name = "needs/requester/need_submitted.html"

    def get(self, request, *args, **kwargs):
        if self.need.status == S.DRAFT:
            return redirect("needs:edit_step", self.need.reference, "review")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            need=self.need,
            response_due=helpdesk_response_due(self.need),
            response_days=settings.HELPDESK_RESPONSE_WORKING_DAYS,
        )
        return context


# --- My requests ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestRow:
    need: Need
    stage: str
    response_due: date | None


class MyRequestsView(LoginRequiredMixin, ListView):
    """``/needs/mine/``: the requests of the person's countries and those they created."""

    template_name = "needs/requester/my_requests.html"
    paginate_by = 25
    context_object_name = "needs"

    def get_queryset(self):
        self.filter_form = MyRequestsFilterForm(data=self.request.GET or None)
        queryset = selectors.need_list_for_requester(self.request.user)
        if self.filter_form.is_bound and self.filter_form.is_valid():
            status = self.filter_form.cleaned_data["status"]
            if status:
                queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            rows=[
                RequestRow(
                    need=need, stage=stage_of(need), response_due=helpdesk_response_due(need)
                )
                for need in context["page_obj"].object_list
            ],
            query_string=query.urlencode(),
            may_express_needs=self.request.user.has_perm("needs.add_need"),
            response_days=settings.HELPDESK_RESPONSE_WORKING_DAYS,
        )
        return context


# --- Managing one request ------------------------------------------------------------------------
class NeedManageView(NeedRequesterMixin, TemplateView):
    """``/needs/<reference>/manage/``: where a request stands, its history, the conversation
    with the help desk, the answer to a clarification, attachments and withdrawal."""

    template_name = "needs/requester/need_manage.html"

    def get_context_data(self, **kwargs) -> dict:
        user = self.request.user
        need = self.need
        history = list(
            selectors.need_history(need, include_internal=user.has_perm("needs.triage_need"))
        )
        question = None
        if need.status == S.CLARIFICATION_REQUESTED:
            question = next(
                (
                    event
                    for event in reversed(history)
                    if event.action == NeedEvent.Action.CLARIFICATION_REQUESTED
                ),
                None,
            )
        context = super().get_context_data(**kwargs)
        context.update(
            need=need,
            stage=stage_of(need),
            response_due=helpdesk_response_due(need),
            response_days=settings.HELPDESK_RESPONSE_WORKING_DAYS,
            history=history,
            conversation=selectors.need_messages(need),
            attachments=selectors.need_attachments(need),
            question=question,
            may_edit=user.has_perm("needs.change_need", need),
            may_withdraw=user.has_perm("needs.withdraw_need", need),
            may_message=user.has_perm("needs.message_need", need),
            message_form=kwargs.get("message_form") or NeedMessageForm(auto_id="message-%s"),
            answer_form=kwargs.get("answer_form") or NeedAnswerForm(auto_id="answer-%s"),
            withdraw_form=kwargs.get("withdraw_form") or NeedWithdrawForm(auto_id="withdraw-%s"),
        )
        return context


class NeedActionView(NeedManageView):
    """A form posted from the manage page; on a problem the manage page shows again with it."""

    http_method_names = ["post"]
    form_class: type
    form_context_name: str
    auto_id: str

    def act(self, form) -> None:
        raise NotImplementedError

    def already_done(self) -> str | None:
        """What to tell someone whose action was done a moment ago (a second click, a colleague
        in another tab), instead of refusing it."""
        return None

    def post(self, request, *args, **kwargs):
        done = self.already_done()
        if done:
            messages.info(request, done)
            return redirect(self.manage_url())
        form = self.form_class(data=request.POST, auto_id=self.auto_id)
        if form.is_valid():
            try:
                self.act(form)
            except ValidationError as error:
                add_service_errors(form, error)
            except TransitionNotAllowed as error:
                messages.error(request, str(error))
                return redirect(self.manage_url())
            else:
                return redirect(self.manage_url())
        return self.render_to_response(self.get_context_data(**{self.form_context_name: form}))


class NeedMessageView(NeedActionView):
    """``POST /needs/<reference>/message/``: write to the help desk about the request."""

    form_class = NeedMessageForm
    form_context_name = "message_form"
    auto_id = "message-%s"

    def act(self, form) -> None:
        services.need_post_message(
            need=self.need, by=self.request.user, body=form.cleaned_data["body"]
        )
        messages.success(self.request, _("Your message is sent."))


class NeedAnswerView(NeedActionView):
    """``POST /needs/<reference>/answer/``: answer the help desk's question; the request goes
    back to the help desk."""

    form_class = NeedAnswerForm
    form_context_name = "answer_form"
    auto_id = "answer-%s"

    def already_done(self) -> str | None:
        if self.need.status == S.CLARIFICATION_REQUESTED:
            return None
        return _("The help desk's question is already answered: the request is “%(status)s”.") % {
            "status": self.need.get_status_display()
        }

    def act(self, form) -> None:
        services.need_answer_clarification(
            need=self.need, by=self.request.user, message=form.cleaned_data["message"]
        )
        messages.success(
            self.request, _("Your answer is sent. The request is back with the help desk.")
        )


class NeedWithdrawView(NeedActionView):
    """``POST /needs/<reference>/withdraw/``: withdraw the request (a ticked box confirms)."""

    form_class = NeedWithdrawForm
    form_context_name = "withdraw_form"
    auto_id = "withdraw-%s"

    def already_done(self) -> str | None:
        if self.need.status != S.WITHDRAWN:
            return None
        return _("%(reference)s is already withdrawn.") % {"reference": self.need.reference}

    def act(self, form) -> None:
        services.need_withdraw(
            need=self.need, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request, _("%(reference)s is withdrawn.") % {"reference": self.need.reference}
        )


# --- Attachments ---------------------------------------------------------------------------------
class NeedAttachmentAddView(NeedEditMixin, NeedFormPageMixin, TemplateView):
    """``POST /needs/<reference>/attachments/``: attach a document (checked by content)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = NeedAttachmentForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                attachment = services.need_add_attachment(
                    need=self.need,
                    by=request.user,
                    file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("“%(name)s” is attached.") % {"name": str(attachment)})
                return redirect(
                    reverse("needs:edit_step", args=[self.need.reference, "practicalities"])
                    + "#attachments"
                )
        step = STEP_BY_SLUG["practicalities"]
        step_form = step.form_class(initial=step.form_class.initial_from(self.need))
        return self.render_to_response(
            self.step_context(step=step, need=self.need, form=step_form, attachment_form=form)
        )


class NeedAttachmentDeleteView(NeedEditMixin, View):
    """``POST /needs/<reference>/attachments/<pk>/delete/``."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        attachment = get_object_or_404(selectors.need_attachments(self.need), pk=kwargs["pk"])
        name = str(attachment)
        services.need_remove_attachment(attachment=attachment, by=request.user)
        messages.success(request, _("“%(name)s” is removed.") % {"name": name})
        return redirect(
            reverse("needs:edit_step", args=[self.need.reference, "practicalities"])
            + "#attachments"
        )


class NeedAttachmentDownloadView(LoginRequiredMixin, View):
    """``/needs/<reference>/attachments/<pk>/``: the document, for the request's owners and the
    help desk only (attachments are never public, even on a published request)."""

    def get(self, request, *args, **kwargs):
        need = get_object_or_404(
            selectors.need_visible_to(request.user), reference=kwargs["reference"]
        )
        if not request.user.has_perm("needs.view_need_private", need):
            raise Http404
        attachment = get_object_or_404(selectors.need_attachments(need), pk=kwargs["pk"])
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.file.name.rsplit("/", 1)[-1],
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
