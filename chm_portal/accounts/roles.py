"""The roles people hold on the portal, and how staff roles map to Django groups.

Roles are held in three ways:

- **Focal point**: a :class:`~chm_portal.accounts.models.FocalPoint` row per country and kind.
- **Organisation member**: a ``partners.Membership`` row per organisation.
- **Staff roles** (help desk, content reviewer, site administrator): membership of the Django group
  named below, plus ``is_staff`` so that the person can use the admin.

Every signed-in person is a learner; nothing is stored for that.

This module imports no model, so that migrations may use :func:`sync_staff_groups` with the
historical app registry.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do on the portal, beyond what any visitor may do."""

    FOCAL_POINT = "focal_point", _("National focal point")
    ORGANISATION_MEMBER = "organisation_member", _("Member of a partner organisation")
    HELPDESK = "helpdesk", _("Help desk")
    CONTENT_REVIEWER = "content_reviewer", _("Content reviewer")
    SITE_ADMIN = "site_admin", _("Site administrator")
    LEARNER = "learner", _("Learner")


# Roles a person may ask for on the "request a role" page; the help desk decides.
REQUESTABLE_ROLES = (Role.FOCAL_POINT, Role.HELPDESK, Role.CONTENT_REVIEWER)
REQUESTABLE_ROLE_CHOICES = [(role.value, role.label) for role in REQUESTABLE_ROLES]

# Staff roles are Django groups. The names are stored in the database: do not rename them without
# a data migration.
HELPDESK_GROUP = "Help desk"
CONTENT_REVIEWERS_GROUP = "Content reviewers"
SITE_ADMINS_GROUP = "Site administrators"

STAFF_ROLE_GROUPS = {
    Role.HELPDESK: HELPDESK_GROUP,
    Role.CONTENT_REVIEWER: CONTENT_REVIEWERS_GROUP,
    Role.SITE_ADMIN: SITE_ADMINS_GROUP,
}
STAFF_ROLES = tuple(STAFF_ROLE_GROUPS)
STAFF_GROUP_NAMES = tuple(STAFF_ROLE_GROUPS.values())


class FocalPointKind(models.TextChoices):
    """The areas of work for which a Party nominates national focal points."""

    CBD = "cbd", _("National focal point for the Convention on Biological Diversity")
    CHM = "chm", _("Clearing-House Mechanism focal point")
    CAPACITY_BUILDING = (
        "capacity_building",
        _("Capacity-building and technical and scientific cooperation focal point"),
    )
    BIOSAFETY = "biosafety", _("Cartagena Protocol on Biosafety focal point")
    ABS = "abs", _("Nagoya Protocol on Access and Benefit-sharing focal point")
    SBSTTA = "sbstta", _("Scientific, technical and technological advice (SBSTTA) focal point")
    GBF_REPORTING = "gbf_reporting", _("National reporting and NBSAP focal point")
    IPLC = "iplc", _("Focal point for indigenous peoples and local communities")


# Model permissions of each staff group: {(app_label, model_name): actions}. Object-level rules in
# each app's rules.py narrow these further. Models that do not exist yet are skipped, so a later
# migration may call sync_staff_groups() again when an app adds models.
ALL_PERMISSIONS = "__all__"
STAFF_GROUP_PERMISSIONS: dict[str, dict[tuple[str, str], tuple[str, ...]] | str] = {
    HELPDESK_GROUP: {
        ("accounts", "user"): ("view", "change"),
        ("accounts", "rolerequest"): ("view", "change"),
        ("accounts", "focalpoint"): ("view", "add", "change"),
        ("partners", "organisation"): ("view", "change"),
        ("partners", "membership"): ("view", "add", "change", "delete"),
        ("partners", "invitation"): ("view", "delete"),
        # The partners' databases: the help desk moderates every record.
        ("partners", "offer"): ("view", "add", "change", "delete"),
        ("partners", "initiative"): ("view", "add", "change", "delete"),
        ("partners", "resource"): ("view", "add", "change", "delete"),
        ("partners", "resourcedownload"): ("view",),
        ("partners", "opportunity"): ("view", "add", "change", "delete"),
        ("partners", "opportunityapplication"): ("view", "change"),
        ("partners", "event"): ("view", "add", "change", "delete"),
        ("partners", "partnershipagreement"): ("view", "add", "change", "delete"),
        ("partners", "harvestsource"): ("view", "add", "change", "delete"),
        ("partners", "harvestrun"): ("view",),
        ("alerts", "savedsearch"): ("view",),
        ("alerts", "follow"): ("view",),
        ("alerts", "inboxmessage"): ("view",),
        # Requests for assistance: the triage queue. Writes go through needs.services, whose
        # object rules (needs/rules.py) decide; these let the admin show the pages and inlines.
        ("needs", "need"): ("view", "change", "triage"),
        ("needs", "assessment"): ("view", "change"),
        ("needs", "assessmententry"): ("view",),
        ("needs", "needevent"): ("view",),
        ("needs", "needmessage"): ("view", "add"),
        ("needs", "neednote"): ("view", "add"),
        ("needs", "needattachment"): ("view",),
        # The Bio-Bridge workflow: writes go through matchmaking.services (matchmaking/rules.py).
        ("matchmaking", "suggestion"): ("view",),
        ("matchmaking", "relatedsuggestion"): ("view",),
        ("matchmaking", "suggestionrefresh"): ("view",),
        ("matchmaking", "match"): ("view", "add", "change", "propose_match"),
        ("matchmaking", "matchevent"): ("view",),
        ("matchmaking", "matchingworkshop"): ("view", "add", "change", "delete"),
        ("matchmaking", "project"): ("view", "add", "change"),
        ("matchmaking", "projectevent"): ("view",),
        ("matchmaking", "progressreport"): ("view",),
        ("matchmaking", "projectevaluation"): ("view",),
        ("matchmaking", "successstory"): ("view", "add", "change"),
        # E-learning: the help desk follows learners, imports alumni and moderates communities.
        ("elearning", "course"): ("view",),
        ("elearning", "module"): ("view",),
        ("elearning", "lesson"): ("view",),
        ("elearning", "quiz"): ("view",),
        ("elearning", "question"): ("view",),
        ("elearning", "choice"): ("view",),
        ("elearning", "cohort"): ("view",),
        ("elearning", "courseinvitation"): ("view",),
        ("elearning", "enrolment"): ("view", "change"),
        ("elearning", "lessonprogress"): ("view",),
        ("elearning", "quizattempt"): ("view",),
        ("elearning", "attemptanswer"): ("view",),
        ("elearning", "certificate"): ("view", "change"),
        ("elearning", "surveyresponse"): ("view",),
        ("elearning", "alumnus"): ("view", "add", "change"),
        ("elearning", "participation"): ("view", "add", "change", "delete"),
        ("elearning", "community"): ("view", "add", "change"),
        ("elearning", "communitymembership"): ("view", "add", "change", "delete"),
        ("elearning", "thread"): ("view", "change"),
        ("elearning", "post"): ("view", "change"),
        ("elearning", "postflag"): ("view", "change"),
        ("quality", "qualityreview"): ("view",),
        ("quality", "reviewcheck"): ("view",),
        # Commitments of the Action Agenda: moderation goes through commitments.services.
        ("commitments", "commitment"): ("view", "change"),
        ("commitments", "deliverable"): ("view", "add", "change", "delete"),
        ("commitments", "progressreport"): ("view", "change"),
        ("commitments", "progressvalue"): ("view",),
        ("commitments", "newsitem"): ("view", "add", "change", "delete"),
        ("commitments", "question"): ("view", "add", "change", "delete"),
        # Monitoring: the help desk records evaluations, keeps country profiles and asks for
        # recomputes of the indicators (monitoring/rules.py); stored values are read-only.
        ("monitoring", "recomputerun"): ("view", "add"),
        ("monitoring", "indicatorvalue"): ("view",),
        ("monitoring", "gapcell"): ("view",),
        ("monitoring", "countryprofile"): ("view", "change"),
        ("monitoring", "evaluation"): ("view", "add", "change", "delete"),
        # The admin's autocomplete widgets need to read the reference lists.
        ("vocabularies", "country"): ("view",),
        ("vocabularies", "organisationtype"): ("view",),
        ("vocabularies", "region"): ("view",),
        ("vocabularies", "gbftarget"): ("view",),
        ("vocabularies", "thematicarea"): ("view",),
        ("vocabularies", "supporttype"): ("view",),
        ("vocabularies", "capacitylevel"): ("view",),
        ("vocabularies", "priority"): ("view",),
        ("vocabularies", "language"): ("view",),
        ("vocabularies", "beneficiarytype"): ("view",),
        ("vocabularies", "resourcetype"): ("view",),
        ("vocabularies", "opportunitytype"): ("view",),
        ("vocabularies", "eventtype"): ("view",),
        ("vocabularies", "countrygroup"): ("view",),
    },
    CONTENT_REVIEWERS_GROUP: {
        ("partners", "organisation"): ("view",),
        ("partners", "resource"): ("view", "change"),
        ("partners", "event"): ("view", "change"),
        # Courses are published after a quality review; reviewers moderate communities too.
        ("elearning", "course"): ("view", "change", "review_course"),
        ("elearning", "module"): ("view",),
        ("elearning", "lesson"): ("view",),
        ("elearning", "quiz"): ("view",),
        ("elearning", "question"): ("view",),
        ("elearning", "choice"): ("view",),
        ("elearning", "surveyresponse"): ("view",),
        ("elearning", "community"): ("view", "change"),
        ("elearning", "thread"): ("view", "change"),
        ("elearning", "post"): ("view", "change"),
        ("elearning", "postflag"): ("view", "change"),
        # Reviewers moderate commitments too (commitments/rules.py).
        ("commitments", "commitment"): ("view", "change"),
        ("commitments", "deliverable"): ("view", "add", "change", "delete"),
        ("commitments", "progressreport"): ("view", "change"),
        ("commitments", "progressvalue"): ("view",),
        ("commitments", "newsitem"): ("view", "add", "change", "delete"),
        ("commitments", "question"): ("view", "add", "change", "delete"),
        ("quality", "qualitystandard"): ("view", "add", "change"),
        ("quality", "qualityreview"): ("view", "add", "change"),
        ("quality", "reviewcheck"): ("view", "add", "change"),
        ("vocabularies", "country"): ("view",),
        ("vocabularies", "organisationtype"): ("view",),
        ("vocabularies", "language"): ("view",),
        ("vocabularies", "gbftarget"): ("view",),
        ("vocabularies", "thematicarea"): ("view",),
    },
    SITE_ADMINS_GROUP: ALL_PERMISSIONS,
}


def sync_staff_groups(apps) -> None:
    """Create the staff groups and add the permissions listed in ``STAFF_GROUP_PERMISSIONS``.

    ``apps`` is an app registry: the historical one in a data migration, ``django.apps.apps``
    elsewhere. Additive and idempotent: permissions granted by hand are kept.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, spec in STAFF_GROUP_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        if spec == ALL_PERMISSIONS:
            permissions = permission_model.objects.all()
        else:
            wanted = Q(pk__in=[])
            for (app_label, model_name), actions in spec.items():
                wanted |= Q(
                    content_type__app_label=app_label,
                    content_type__model=model_name,
                    codename__in=[f"{action}_{model_name}" for action in actions],
                )
            permissions = permission_model.objects.filter(wanted)
        group.permissions.add(*permissions)


def sync_staff_groups_operation(apps, schema_editor) -> None:
    """``RunPython`` body of the migrations that give the staff groups an app's permissions.

    Permissions are created first: on a fresh database they would otherwise only exist after all
    migrations (post_migrate).
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_staff_groups(apps)
