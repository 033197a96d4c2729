"""Pages of the alumni network: the opt-in directory and profiles (for people signed in), and
one's own profile.

Only alumni who chose "show me in the alumni directory" appear in the directory and have a
profile others may open; anyone may open their own. Pages read through
``elearning.selectors.alumni`` and write through ``elearning.services.alumni``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.forms import add_service_errors
from chm_portal.vocabularies.models import Language, Region, ThematicArea

from ..forms.alumni import AlumnusFilterSet, AlumnusProfileForm
from ..models import Participation
from ..selectors import alumni as selectors
from ..services import alumni as services

PAGE_SIZE = 20


class AlumniDirectoryView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """``/learning/alumni/``: the alumni who opted in, 20 a page, filtered by name, country,
    region, expertise, language and kind of activity. Queries do not depend on the number of
    alumni: the filters' choices, count, page, and three prefetches."""

    template_name = "elearning/alumni/directory.html"
    permission_required = "elearning.view_alumni_directory"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        base = selectors.alumni_directory()
        filterset = AlumnusFilterSet(request.GET or None, queryset=base, request=request)
        if filterset.is_bound:
            alumni = filterset.qs if filterset.is_valid() else base.none()
        else:
            alumni = base
        page_obj = Paginator(alumni, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            alumni=page_obj.object_list,
            query_string=query.urlencode(),
            selected={name: request.GET.getlist(name) for name in filterset.filters},
            countries=selectors.directory_countries(),
            regions=Region.objects.filter(level=Region.Level.REGION).order_by("name"),
            areas=ThematicArea.objects.filter(is_active=True),
            languages=Language.objects.filter(is_active=True).order_by("name"),
            kinds=Participation.Kind.choices,
            own=selectors.alumnus_of(request.user),
        )
        return context


class AlumnusProfileView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """``/learning/alumni/<pk>/``: the profile of an alumnus in the directory, or one's own."""

    template_name = "elearning/alumni/profile.html"
    permission_required = "elearning.view_alumni_directory"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        alumnus = get_object_or_404(selectors.alumnus_for_page(), pk=kwargs["pk"])
        own = alumnus.user_id is not None and alumnus.user_id == self.request.user.pk
        if not (alumnus.in_directory or own):
            raise Http404(_("No such alumnus in the directory."))
        context.update(alumnus=alumnus, own=own)
        return context


class AlumnusProfileEditView(LoginRequiredMixin, TemplateView):
    """``/learning/alumni/me/``: one's own profile. A person who is not an alumnus (no course
    completed, not imported) is told how one becomes one."""

    template_name = "elearning/alumni/profile_edit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.alumnus = services.link_alumnus(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: AlumnusProfileForm | None) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, alumnus=self.alumnus))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.alumnus is None:
            return self.render_form(None)
        return self.render_form(AlumnusProfileForm(instance=self.alumnus))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.alumnus is None:
            return self.render_form(None)
        # A copy, so that a refused change leaves the alumnus as it is stored.
        form = AlumnusProfileForm(
            data=request.POST,
            instance=selectors.alumnus_for_page().get(pk=self.alumnus.pk),
        )
        if form.is_valid():
            try:
                services.update_profile(
                    alumnus=self.alumnus, user=request.user, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your alumni profile is saved."))
                return redirect(reverse("elearning:alumni_profile", args=[self.alumnus.pk]))
        return self.render_form(form)


urlpatterns = [
    path("alumni/", AlumniDirectoryView.as_view(), name="alumni_directory"),
    path("alumni/me/", AlumnusProfileEditView.as_view(), name="alumni_profile_edit"),
    path("alumni/<int:pk>/", AlumnusProfileView.as_view(), name="alumni_profile"),
]
