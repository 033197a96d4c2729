"""Serializer building blocks shared by every app's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def blank_or(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI schema of a value that may also be the empty string: an optional field left
    blank is answered as "", which a ``format`` such as ``uri`` or ``email`` does not accept."""
    return {"oneOf": [schema, {"type": "string", "enum": [""]}]}


@extend_schema_field(blank_or({"type": "string", "format": "uri"}))
class OptionalURLField(serializers.URLField):
    """A link that may be blank ("" in the API, not null)."""


@extend_schema_field(blank_or({"type": "string", "format": "email"}))
class OptionalEmailField(serializers.EmailField):
    """An email address that may be blank ("" in the API, not null)."""


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare (400), naming read-only ones as such.

    ``read_only_keys`` maps keys a client may not send to the reason given to them (e.g. "The
    portal gives the reference."); other unknown keys are "Unknown field".
    """

    read_only_keys: Mapping[str, Any] = {}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            self.read_only_keys.get(name, _("Unknown field: it is not accepted."))
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)
