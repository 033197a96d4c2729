"""Writes of what people do with the partners' records: downloading resources (the indicator
"downloads from the databases by Parties and other users") and applying to opportunities through
the portal's form, up to the decision on the application (see partners/services/__init__.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from chm_portal.accounts.models import User
from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from chm_portal.core.background import enqueue_reliably
from chm_portal.core.validators import validate_no_markup

from ..models import (
    Opportunity,
    OpportunityApplication,
    RecordStatus,
    Resource,
    ResourceDownload,
)

__all__ = [
    "APPLICATION_FIELDS",
    "application_decide",
    "application_notify_decision",
    "application_submit",
    "application_withdraw",
    "applications_may_review",
    "resource_download_record",
]

# What an applicant writes in the portal's form (the CV is passed on its own).
APPLICATION_FIELDS = frozenset({"country", "organisation_name", "motivation"})

ApplicationStatus = OpportunityApplication.Status


# --- Downloads ------------------------------------------------------------------------------------
def _downloader_country(user: User) -> tuple[int | None, bool]:
    """The country a download counts for, and whether it was made by a Party's focal point.

    The country is the person's own (profile), else that of their earliest active focal-point
    role; a focal point of a CBD Party downloads on a Party's behalf.
    """
    if not user.is_authenticated:
        return None, False
    roles = list(
        user.focal_points.filter(revoked_at__isnull=True)
        .order_by("granted_at", "pk")
        .values_list("country_id", "country__is_cbd_party")
    )
    country_id = user.country_id or (roles[0][0] if roles else None)
    return country_id, any(is_party for _country, is_party in roles)


@transaction.atomic
def resource_download_record(
    *, resource: Resource, user: User | AnonymousUser | None
) -> ResourceDownload:
    """Count one download of ``resource`` by ``user`` (anyone, signed in or not).

    Records a :class:`ResourceDownload` with the downloader's country when known and adds one to
    ``resource.download_count`` in the database (an ``F()`` update, so simultaneous downloads are
    all counted). Only people who may see the resource download it: the public for public
    resources, the organisation's members and the help desk for the others.
    """
    user = user or AnonymousUser()
    if not user.has_perm("partners.view_resource", resource):
        raise PermissionDenied(_("This resource is not public."))
    country_id, by_focal_point = _downloader_country(user)
    download = ResourceDownload.objects.create(
        resource=resource,
        user=user if user.is_authenticated else None,
        country_id=country_id,
        by_focal_point=by_focal_point,
    )
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    return download


# --- Applications to opportunities ----------------------------------------------------------------
def _not_open_error(opportunity: Opportunity, now) -> ValidationError | None:
    """Why ``opportunity`` takes no application now, or None when it does."""
    if not opportunity.applications_on_portal:
        return ValidationError(
            _("This opportunity takes applications through its own link, not on the portal."),
            code="not_on_portal",
        )
    if opportunity.deadline <= now:
        return ValidationError(
            _("The deadline has passed: this opportunity no longer takes applications."),
            code="deadline_passed",
        )
    if opportunity.status == RecordStatus.CLOSED:
        return ValidationError(
            _("This opportunity is closed: it no longer takes applications."), code="closed"
        )
    if not opportunity.is_public:
        return ValidationError(
            _("This opportunity is not published: it does not take applications."),
            code="not_published",
        )
    if opportunity.opens_at and opportunity.opens_at > now:
        return ValidationError(
            _("Applications open on %(date)s."),
            code="not_yet_open",
            params={
                "date": formats.date_format(
                    timezone.localtime(opportunity.opens_at), "DATETIME_FORMAT"
                )
            },
        )
    return None


def _forget_file(name: str) -> None:
    """Delete a replaced CV from storage once the change is committed (personal data)."""
    if name:
        storage = OpportunityApplication._meta.get_field("cv").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_submit(
    *,
    opportunity: Opportunity,
    by: User,
    data: Mapping[str, Any],
    cv: File | None = None,
) -> OpportunityApplication:
    """Apply to ``opportunity`` with the portal's form (``data``: ``country``,
    ``organisation_name``, ``motivation``; ``cv``: an optional PDF).

    Only while the opportunity is open (published, opened, before its deadline) and takes its
    applications on the portal; one application per person, though someone who withdrew may apply
    again while it is open. Locks the opportunity row, so that two clicks make one application.
    """
    if not by.is_authenticated:
        raise PermissionDenied(_("Sign in to apply."))
    unknown = set(data) - APPLICATION_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in sorted(unknown)}
        )
    locked = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=opportunity.pk)
    )
    error = _not_open_error(locked, timezone.now())
    if error is not None:
        raise error
    application = (
        OpportunityApplication.objects.select_for_update()
        .filter(opportunity=locked, applicant=by)
        .first()
    )
    if application is not None and application.status != ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("You have already applied to this opportunity."), code="unique")
    if application is None:
        application = OpportunityApplication(opportunity=locked, applicant=by)
    else:
        # Applying again after withdrawing: the earlier answers and decision are replaced.
        _forget_file(application.cv.name)
        application.cv = ""
        application.reviewed_at = application.reviewed_by = None
        application.review_note = ""
        application.submitted_at = timezone.now()
    for name, value in data.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    if cv is not None:
        application.cv = cv
    application.status = ApplicationStatus.SUBMITTED
    application.full_clean(exclude=["opportunity", "applicant"], validate_constraints=False)
    application.save()
    return application


@transaction.atomic
def application_withdraw(
    *, application: OpportunityApplication, by: User
) -> OpportunityApplication:
    """The applicant withdraws their application (submitted, or accepted when they cannot take
    the place after all). Locks the application; withdrawing twice changes nothing."""
    locked = OpportunityApplication.objects.select_for_update().get(pk=application.pk)
    if not by.is_authenticated or locked.applicant_id != by.pk:
        raise PermissionDenied(_("Only the applicant may withdraw an application."))
    if locked.status == ApplicationStatus.WITHDRAWN:
        return locked
    if locked.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED):
        raise ValidationError(
            _("This application was not selected: there is nothing to withdraw."),
            code="invalid_status",
        )
    locked.status = ApplicationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    application.status = locked.status
    return locked


def applications_may_review(*, user: User | AnonymousUser, opportunity: Opportunity) -> bool:
    """Whether ``user`` reviews the applications to ``opportunity``: its organisation's members
    and the help desk; for the portal's own programme, the help desk and site administrators only.
    """
    if not user.is_authenticated:
        return False
    if opportunity.is_portal_programme:
        return bool(is_helpdesk_or_site_admin(user))
    return user.has_perm("partners.review_applications", opportunity)


@transaction.atomic
def application_decide(
    *, application: OpportunityApplication, by: User, accept: bool, note: str = ""
) -> OpportunityApplication:
    """Accept or decline a submitted application, with an optional note to the applicant, who is
    emailed the decision in their language once it is committed.

    Locks the opportunity (decisions on it are made one at a time, so its ``places`` are never
    exceeded) and the application, which must still be submitted.
    """
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=application.opportunity_id)
    )
    if not applications_may_review(user=by, opportunity=opportunity):
        if opportunity.is_portal_programme:
            raise PermissionDenied(
                _("Only the help desk decides on applications to the portal's programme.")
            )
        raise PermissionDenied(
            _("Only the organisation's members decide on applications to its opportunities.")
        )
    note = (note or "").strip()
    try:
        validate_no_markup(note)
    except ValidationError as error:
        raise ValidationError({"note": error.error_list}) from error
    locked = OpportunityApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("This application is already “%(status)s”: it cannot be decided again."),
            code="invalid_status",
            params={"status": locked.get_status_display()},
        )
    if accept and opportunity.places is not None:
        accepted = opportunity.applications.filter(status=ApplicationStatus.ACCEPTED).count()
        if accepted >= opportunity.places:
            raise ValidationError(
                _("All %(places)s places are taken: no more applicants can be accepted."),
                code="no_places",
                params={"places": opportunity.places},
            )
    locked.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.REJECTED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.review_note = note
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note"])
    for name in ("status", "reviewed_at", "reviewed_by", "review_note"):
        setattr(application, name, getattr(locked, name))

    from .. import tasks  # tasks import services; the cycle is resolved at call time

    enqueue_reliably(tasks.notify_application_decision, locked.pk)
    return locked


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def application_notify_decision(*, application_id: int) -> bool:
    """Email the applicant the decision on their application, in their preferred language.
    Returns whether an email went out (none while the application awaits a decision)."""
    application = OpportunityApplication.objects.select_related(
        "applicant", "opportunity__organisation", "reviewed_by"
    ).get(pk=application_id)
    if application.status not in (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED):
        return False
    applicant = application.applicant
    with translation.override(applicant.preferred_language or settings.LANGUAGE_CODE):
        opportunity = application.opportunity
        context = {
            "application": application,
            "opportunity": opportunity,
            "user": applicant,
            "accepted": application.status == ApplicationStatus.ACCEPTED,
            "opportunity_url": _absolute(
                reverse("partners:opportunity_detail", args=[opportunity.pk])
            ),
            "applications_url": _absolute(reverse("partners:my_applications")),
        }
        subject = " ".join(
            render_to_string("partners/email/application_decided_subject.txt", context).split()
        )
        body = render_to_string("partners/email/application_decided.txt", context)
    send_mail(subject, body, None, [applicant.email])
    return True
