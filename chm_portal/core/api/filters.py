from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# The largest id a row may have (a bigint): filters by id refuse larger numbers with a 400, which
# SQLite could not even bind (a 500).
MAX_ID = 2**63 - 1

# Query parameters that are not filters but that the API understands everywhere.
RESERVED_QUERY_PARAMETERS = frozenset({"page", "page_size", "format", "ordering"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter backend that rejects unknown query parameters with a 400.

    A misspelt filter would otherwise return the unfiltered list, which a client cannot tell apart
    from a correct answer.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(RESERVED_QUERY_PARAMETERS)
        if filterset_class is not None:
            known.update(filterset_class.base_filters.keys())
            for name, filter_ in filterset_class.base_filters.items():
                # Range filters read suffixed parameters (``year_min``, ``date_after``).
                widget = getattr(filter_.field_class, "widget", None)
                suffixes = getattr(widget, "suffixes", None) or ()
                known.update(f"{name}_{suffix}" for suffix in suffixes)
        known.update(getattr(view, "extra_query_parameters", ()))
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("Unknown filter parameter. Allowed: %(allowed)s.")
                        % {"allowed": ", ".join(sorted(known))}
                    ]
                    for name in unknown
                }
            )
        try:
            return super().filter_queryset(request, queryset, view)
        except OverflowError as error:
            # An id beyond 64 bits (``?organisation=99999999999999999999``): PostgreSQL finds
            # nothing, SQLite cannot even bind it while the filter form checks the ids.
            raise ValidationError(
                {"detail": [_("A number in the filters is too large.")]}
            ) from error
