"""Pages of partner organisations for their people: registration, the profile form, "my
organisations", members and invitations (the public page is in :mod:`.public`).

Pages read through :mod:`partners.selectors` and write only through :mod:`partners.services`.
Anonymous visitors are sent to sign in; an organisation the person may not manage answers 404,
so that pending registrations are not revealed.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.core.forms import add_service_errors

from .. import selectors, services
from ..forms.organisations import (
    InvitationForm,
    MembershipRoleForm,
    OrganisationProfileForm,
    OrganisationRegisterForm,
)
from ..models import Invitation, Membership, Organisation


def role_form(membership: Membership, data=None) -> MembershipRoleForm:
    """The role form of one member on the members' page (one per row, hence the prefix)."""
    return MembershipRoleForm(
        data=data, initial={"role": membership.role}, prefix=f"member-{membership.pk}"
    )


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- Registration -------------------------------------------------------------------------------
class OrganisationRegisterView(LoginRequiredMixin, TemplateView):
    """``/partners/organisations/register/``: a signed-in person registers an organisation; the
    help desk approves it. Organisations that look the same are listed before anything is made,
    and the person confirms theirs is a different one."""

    template_name = "partners/organisations/register.html"

    def get(self, request, *args, **kwargs):
        form = OrganisationRegisterForm(
            initial={"contact_name": request.user.full_name, "contact_email": request.user.email}
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = OrganisationRegisterForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                organisation = services.organisation_register(
                    by=request.user, **form.service_arguments()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is registered, and you are its administrator. The help desk "
                        "will check the registration and email you when it is approved; until "
                        "then only its members see it."
                    )
                    % {"name": organisation.name},
                )
                return redirect("partners:my_organisations")
        return self.render_to_response(self.get_context_data(form=form))


# --- "My organisations" -------------------------------------------------------------------------
class MyOrganisationsView(LoginRequiredMixin, TemplateView):
    """``/partners/mine/``: the organisations a person belongs to, where each stands, and the
    pages to manage them."""

    template_name = "partners/organisations/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        memberships = list(selectors.memberships_of_user(user=self.request.user))
        context["memberships"] = memberships
        return context


# --- One organisation ---------------------------------------------------------------------------
class OrganisationPermissionMixin(LoginRequiredMixin):
    """Loads ``self.organisation`` from the URL for those with ``permission`` on it (404 for
    the others; anonymous visitors are sent to sign in)."""

    permission = ""
    organisation: Organisation

    def organisations(self) -> QuerySet[Organisation]:
        return Organisation.objects.select_related("organisation_type", "country")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(self.organisations(), pk=kwargs["pk"])
        if not request.user.has_perm(self.permission, self.organisation):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrganisationEditView(OrganisationPermissionMixin, TemplateView):
    """``/partners/organisations/<pk>/edit/``: the profile, for the organisation's
    administrators and the help desk; name and description in each language."""

    permission = "partners.change_organisation"
    template_name = "partners/organisations/edit.html"

    def organisations(self) -> QuerySet[Organisation]:
        return selectors.organisation_for_edit()

    def make_form(self, **kwargs) -> OrganisationProfileForm:
        # The form writes what was typed on its instance: keep the page's organisation as it is.
        return OrganisationProfileForm(instance=copy.copy(self.organisation), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(organisation=self.organisation, form=self.make_form())
        )

    def post(self, request, *args, **kwargs):
        form = self.make_form(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                services.organisation_update(
                    organisation=self.organisation,
                    by=request.user,
                    data=form.service_data(),
                    relations=form.service_relations(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("partners:organisation_detail", self.organisation.pk)
        return self.render_to_response(
            self.get_context_data(organisation=self.organisation, form=form)
        )


# --- Members and invitations --------------------------------------------------------------------
class MembersMixin(OrganisationPermissionMixin):
    """For the organisation's administrators and the help desk."""

    permission = "partners.manage_members"

    def members_url(self) -> str:
        return reverse("partners:organisation_members", args=[self.organisation.pk])


class OrganisationMembersView(MembersMixin, TemplateView):
    """``/partners/organisations/<pk>/members/``: members with their roles, open invitations,
    and the form to invite someone."""

    template_name = "partners/members/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = self.organisation
        context["organisation"] = organisation
        context["memberships"] = [
            (membership, role_form(membership))
            for membership in selectors.memberships_of_organisation(organisation=organisation)
        ]
        context["invitations"] = list(
            selectors.invitations_open_of_organisation(organisation=organisation)
        )
        context.setdefault("invitation_form", InvitationForm())
        return context


class InvitationSendView(OrganisationMembersView):
    """``POST /partners/organisations/<pk>/invitations/``: invite someone by email; on a
    problem the members' page shows again with what was typed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = InvitationForm(data=request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_send(
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect(self.members_url())
        return self.render_to_response(self.get_context_data(invitation_form=form))


class MembershipActionView(MembersMixin, View):
    """A form posted from the members' page about one member; problems come back as messages."""

    http_method_names = ["post"]

    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "organisation"),
            pk=self.kwargs["membership_pk"],
            organisation=self.organisation,
        )

    def act(self, membership: Membership) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs) -> HttpResponse:
        membership = self.membership()
        try:
            done = self.act(membership)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            if done:
                messages.success(request, done)
        if not request.user.has_perm("partners.manage_members", self.organisation):
            # They gave up administering the organisation (or left it).
            return redirect("partners:my_organisations")
        return redirect(self.members_url())


class MembershipRoleView(MembershipActionView):
    """``POST .../members/<membership_pk>/role/``: make a member administrator or editor."""

    def act(self, membership: Membership) -> str:
        form = role_form(membership, data=self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a role from the list."))
        changed = services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=self.request.user
        )
        return _("%(person)s is now %(role)s.") % {
            "person": changed.user.get_full_name(),
            "role": changed.get_role_display().lower(),
        }


class MembershipRemoveView(MembershipActionView):
    """``POST .../members/<membership_pk>/remove/``: remove a member."""

    def act(self, membership: Membership) -> str:
        services.membership_remove(membership=membership, by=self.request.user)
        return _("%(person)s is no longer a member of %(organisation)s.") % {
            "person": membership.user.get_full_name(),
            "organisation": self.organisation.name,
        }


class InvitationRevokeView(MembersMixin, View):
    """``POST .../invitations/<invitation_pk>/revoke/``: withdraw an invitation."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs) -> HttpResponse:
        invitation = get_object_or_404(
            Invitation.objects.select_related("organisation"),
            pk=kwargs["invitation_pk"],
            organisation=self.organisation,
        )
        try:
            services.invitation_revoke(invitation=invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn: its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect(self.members_url())


class InvitationAcceptView(LoginRequiredMixin, TemplateView):
    """``/partners/invitations/<token>/``: the invited person, signed in, sees the organisation
    and the role, and accepts. A link that cannot be used says why."""

    template_name = "partners/members/invitation_accept.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invitation = selectors.invitation_by_token(self.kwargs["token"])
        context["invitation"] = invitation
        if invitation is None:
            context["problem"] = _(
                "This invitation link is not valid. Check that you copied all of it."
            )
        elif "problem" not in context:
            try:
                services.invitation_check(invitation=invitation, by=self.request.user)
            except ValidationError as error:
                context["problem"] = _error_text(error)
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 404 if context["invitation"] is None else 200
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        try:
            membership = services.invitation_accept(token=kwargs["token"], by=request.user)
        except ValidationError as error:
            context = self.get_context_data(problem=_error_text(error), **kwargs)
            return self.render_to_response(context, status=409 if context["invitation"] else 404)
        messages.success(
            request,
            _("Welcome to %(organisation)s: you are now one of its %(role)s.")
            % {
                "organisation": membership.organisation.name,
                "role": _("administrators")
                if membership.role == Membership.Role.ADMIN
                else _("editors"),
            },
        )
        return redirect("partners:my_organisations")


urlpatterns = [
    path("mine/", MyOrganisationsView.as_view(), name="my_organisations"),
    path(
        "organisations/register/",
        OrganisationRegisterView.as_view(),
        name="organisation_register",
    ),
    path("organisations/<int:pk>/edit/", OrganisationEditView.as_view(), name="organisation_edit"),
    path(
        "organisations/<int:pk>/members/",
        OrganisationMembersView.as_view(),
        name="organisation_members",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/role/",
        MembershipRoleView.as_view(),
        name="membership_role",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/",
        InvitationSendView.as_view(),
        name="invitation_send",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation_accept"),
]
