"""The services' errors over HTTP, for every app's API viewsets.

Services raise Django's ``ValidationError`` (with the model's field names) and ``PermissionDenied``
(with a translated message meant for the person). :class:`ServiceErrorsMixin` answers them as 400
with the fields at fault named as the API names them, and as 403 with the service's message.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error


class ServiceErrorsMixin:
    """Turns the services' ``ValidationError`` into 400 and ``PermissionDenied`` into 403.

    Set ``api_field_names`` (model field name -> API name) where the API names a field
    differently, or override :meth:`api_field_name`. Messages of fields that share an API name
    (``title_en`` and ``title_fr`` both under ``title``, say) are listed together.
    """

    api_field_names: Mapping[str, str] = {}

    def api_field_name(self, name: str) -> str:
        return self.api_field_names.get(name, name)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            errors: dict[str, list] = {}
            for name, messages in as_serializer_error(exc).items():
                errors.setdefault(self.api_field_name(name), []).extend(messages)
            exc = exceptions.ValidationError(errors)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(*exc.args[:1])
        return super().handle_exception(exc)
