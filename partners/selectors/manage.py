"""Reads: a member's view of their organisation's records, in every status (drafts included).

The members' pages (``partners/views/manage.py``) name record types by the slug of their
database (``offers``, ``initiatives``... ``agreements``): :data:`MANAGED_RECORD_TYPES`.
"""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Value

from ..models import (
    Event,
    Initiative,
    Offer,
    Opportunity,
    Organisation,
    PartnerRecord,
    PartnershipAgreement,
    Resource,
)

__all__ = [
    "MANAGED_RECORD_TYPES",
    "managed_record_kind",
    "managed_record_status_counts",
    "managed_records_latest",
    "managed_records_of_kind",
    "organisations_for_manage",
    "records_for_edit",
]

# Slug of the record type in addresses (the key of its database) -> model, in page order.
MANAGED_RECORD_TYPES: dict[str, type[PartnerRecord]] = {
    "offers": Offer,
    "initiatives": Initiative,
    "resources": Resource,
    "opportunities": Opportunity,
    "events": Event,
    "agreements": PartnershipAgreement,
}
_KIND_OF_MODEL = {model: kind for kind, model in MANAGED_RECORD_TYPES.items()}

# What the rows of the members' list show besides the record's own columns.
_ROW_RELATIONS: dict[type[PartnerRecord], tuple[str, ...]] = {
    Resource: ("resource_type",),
    Opportunity: ("opportunity_type",),
    Event: ("event_type",),
}

# Every many-to-many field of each record type, loaded by the edit form in one query each.
_FORM_PREFETCHES: dict[type[PartnerRecord], tuple[str, ...]] = {
    model: tuple(field.name for field in model._meta.many_to_many)
    for model in MANAGED_RECORD_TYPES.values()
}


def organisations_for_manage() -> QuerySet[Organisation]:
    """Organisations in any status (the view checks that the person is a member)."""
    return Organisation.objects.all()


def managed_record_kind(record: PartnerRecord) -> str:
    """The slug of ``record``'s type in the members' pages (``offers``, ``agreements``...)."""
    return _KIND_OF_MODEL[type(record)]


def managed_records_of_kind(*, organisation: Organisation, kind: str) -> QuerySet:
    """All the organisation's records of one type, in any status, last changed first."""
    model = MANAGED_RECORD_TYPES[kind]
    return (
        model.objects.of_organisations([organisation.pk])
        .select_related(*_ROW_RELATIONS.get(model, ()))
        .order_by(F("updated_at").desc(), "-pk")
    )


def managed_records_latest(*, organisation: Organisation, limit: int) -> dict[str, list]:
    """The ``limit`` records of each type the organisation changed last (one query per type)."""
    return {
        kind: list(managed_records_of_kind(organisation=organisation, kind=kind)[:limit])
        for kind in MANAGED_RECORD_TYPES
    }


def managed_record_status_counts(*, organisation: Organisation) -> dict[str, dict[str, int]]:
    """``{kind: {status: count}}`` of the organisation's records, in one query (a union)."""
    queries = [
        model.objects.of_organisations([organisation.pk])
        .order_by()
        .values("status")
        .annotate(kind=Value(kind), count=Count("pk"))
        .values_list("kind", "status", "count")
        for kind, model in MANAGED_RECORD_TYPES.items()
    ]
    counts: dict[str, dict[str, int]] = {kind: {} for kind in MANAGED_RECORD_TYPES}
    for kind, status, count in queries[0].union(*queries[1:], all=True):
        counts[kind][status] = count
    return counts


def records_for_edit(*, kind: str) -> QuerySet:
    """Records of one type with their organisation and every many-to-many field loaded (any
    status: the view checks who may change them)."""
    model = MANAGED_RECORD_TYPES[kind]
    return model.objects.select_related(model.ORGANISATION_FIELD).prefetch_related(
        *_FORM_PREFETCHES[model]
    )
