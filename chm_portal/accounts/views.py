"""Pages of a signed-in person: their profile and roles, and the role request form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .forms import ProfileForm, RoleRequestForm
from .roles import Role


class ProfileView(LoginRequiredMixin, TemplateView):
    """``/me/``: my details (editable), my roles and my role requests."""

    template_name = "accounts/profile.html"

    def get_context_data(self, form: ProfileForm | None = None, **kwargs) -> dict:
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            form=form or ProfileForm.for_user(user),
            focal_points=selectors.focal_points_of_user(user=user),
            memberships=selectors.organisation_memberships_of_user(user=user),
            staff_groups=selectors.staff_groups_of_user(user=user),
            role_requests=selectors.role_requests_of_user(user=user),
            learner_role=Role.LEARNER.label,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ProfileForm.for_user(request.user, data=request.POST)
        if form.is_valid():
            try:
                services.profile_update(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your details are saved."))
                return redirect("accounts:profile")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RoleRequestCreateView(LoginRequiredMixin, FormView):
    """``/me/roles/request/``: ask the help desk for a role."""

    template_name = "accounts/role_request_form.html"
    form_class = RoleRequestForm

    def get_initial(self) -> dict:
        initial = super().get_initial()
        role = self.request.GET.get("role")
        if role in dict(self.form_class.base_fields["role"].choices):
            initial["role"] = role
        return initial

    def form_valid(self, form: RoleRequestForm):
        try:
            services.role_request_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent. The help desk will email you its decision."),
        )
        return redirect("accounts:profile")

    def form_invalid(self, form: RoleRequestForm):
        return self.render_to_response(self.get_context_data(form=form), status=400)
