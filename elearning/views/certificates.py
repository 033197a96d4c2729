"""``/certificates/``: the public check of certificates of completion.

``verify/<code>/`` confirms the learner's name, the course, its provider and the date as the
certificate says them; an unknown or altered code answers 404 with a clear message (a checksum in
the code catches typos before any lookup), a revoked certificate 410 with the reason. The index
is a small form to type a code. The pages are not indexed by search engines (they name people).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..forms.learning import VerifyForm
from ..services.certificates import normalise_certificate_code, verify


class VerifyFormView(TemplateView):
    """``/certificates/``: type a code (``?code=``) to go to its verification page."""

    template_name = "elearning/certificates/verify_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = VerifyForm(request.GET if "code" in request.GET else None)
        if form.is_bound and form.is_valid():
            code = normalise_certificate_code(form.cleaned_data["code"])
            if code is not None:
                return redirect("certificates:verify", code=code)
            form.add_error(
                "code",
                _(
                    "This is not a valid certificate code: check it for typos. A code has 16 "
                    "letters and digits."
                ),
            )
        return self.render_to_response(self.get_context_data(form=form))


class VerifyView(TemplateView):
    """``/certificates/verify/<code>/``: what the certificate with this code says, or why there
    is none to confirm."""

    template_name = "elearning/certificates/verify.html"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        certificate = verify(code)
        if certificate is None:
            status = 404
        elif certificate.revoked_at is not None:
            status = 410
        else:
            status = 200
        context = self.get_context_data(
            code=code,
            certificate=certificate,
            revoked=certificate is not None and certificate.revoked_at is not None,
            form=VerifyForm(initial={"code": code}) if certificate is None else None,
        )
        return self.render_to_response(context, status=status)


urlpatterns = [
    path("", VerifyFormView.as_view(), name="verify_form"),
    path("verify/<str:code>/", VerifyView.as_view(), name="verify"),
]
