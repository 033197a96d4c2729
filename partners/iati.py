"""The partners' initiatives as IATI activities (see :mod:`chm_portal.core.iati`).

Public initiatives only, with their public fields: the same as their page and JSON export.
An initiative is reported by the portal (the reporting organisation) and carried out by its
lead organisation (accountable and implementing) with its approved partner organisations
(implementing). Its GBF targets are sectors of the reporting organisation's own vocabulary
(99), beside the DAC purpose code for biodiversity that every activity of the portal serves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core import iati
from chm_portal.vocabularies.models import GBFTarget
from chm_portal.vocabularies.translation import translations_of

from . import selectors
from .models import Initiative, Organisation

GBF_TARGETS_VOCABULARY_URI = "https://www.cbd.int/gbf/targets"

# Initiative.Stage -> IATI ActivityStatus. A completed initiative has no evaluation step on the
# portal, so it is closed.
STAGE_STATUS = {
    Initiative.Stage.PLANNED: iati.STATUS_PIPELINE,
    Initiative.Stage.ONGOING: iati.STATUS_IMPLEMENTATION,
    Initiative.Stage.COMPLETED: iati.STATUS_CLOSED,
}

# Portal organisation types -> IATI OrganisationType, where the meaning is the same. The others
# (NGOs, which IATI splits into international, regional and national; IPLC organisations;
# funders; networks) are left without a type rather than guessed.
ORGANISATION_TYPES = {
    "government": "10",
    "local_government": "11",
    "igo": "40",
    "un_agency": "40",
    "private_sector": "70",
    "academia": "80",
    "other": "90",
}


def organisation_participant(organisation: Organisation, role: str) -> iati.Participant:
    return iati.Participant(
        role=role,
        names=iati.narratives(translations_of(organisation, "name")),
        type=ORGANISATION_TYPES.get(organisation.organisation_type.code, ""),
    )


def target_sectors(targets: list[GBFTarget]) -> tuple[iati.Sector, ...]:
    """The DAC code for biodiversity, and the GBF targets in the reporting organisation's
    vocabulary (99: IATI asks such codes to carry their names)."""
    return (
        iati.Sector(iati.SECTOR_VOCABULARY_DAC, iati.DAC_BIODIVERSITY),
        *(
            iati.Sector(
                iati.SECTOR_VOCABULARY_REPORTING_ORG,
                target.code,
                iati.narratives(translations_of(target, "title")),
                GBF_TARGETS_VOCABULARY_URI,
            )
            for target in targets
        ),
    )


def initiative_activity(initiative: Initiative, absolute: Callable[[str], str]) -> iati.Activity:
    """The IATI activity of a public initiative; ``absolute`` makes a path a full address.

    Reads the relations :func:`partners.selectors.initiatives_for_iati` loads.
    """
    titles = iati.narratives(translations_of(initiative, "title"))
    descriptions = [
        iati.Description(
            iati.DESCRIPTION_GENERAL, iati.narratives(translations_of(initiative, "description"))
        )
    ]
    results = iati.narratives(translations_of(initiative, "results"))
    if results:
        descriptions.append(iati.Description(iati.DESCRIPTION_OTHER, results))
    lead = initiative.organisation
    participants = [
        organisation_participant(lead, iati.ROLE_ACCOUNTABLE),
        organisation_participant(lead, iati.ROLE_IMPLEMENTING),
        *(
            organisation_participant(partner, iati.ROLE_IMPLEMENTING)
            for partner in initiative.partner_organisations.all()
            if partner.is_approved and partner.pk != lead.pk
        ),
    ]
    stage = initiative.stage
    budget = None
    if initiative.budget is not None and initiative.start_date and initiative.end_date:
        budget = iati.Budget(
            initiative.budget,
            initiative.budget_currency,
            initiative.start_date,
            initiative.end_date,
        )
    links = [
        iati.Link(absolute(reverse("partners:initiative_detail", args=[initiative.pk])), titles)
    ]
    if initiative.website:
        links.append(
            iati.Link(initiative.website, (iati.interface_text(_("Website of the initiative")),))
        )
    return iati.Activity(
        identifier=iati.iati_identifier(f"INITIATIVE-{initiative.pk}"),
        titles=titles,
        descriptions=tuple(descriptions),
        participants=tuple(participants),
        status=STAGE_STATUS.get(stage, iati.STATUS_IMPLEMENTATION),
        dates=iati.activity_dates(
            start=initiative.start_date,
            end=initiative.end_date,
            started=stage in (Initiative.Stage.ONGOING, Initiative.Stage.COMPLETED),
            ended=stage == Initiative.Stage.COMPLETED,
            recorded_on=timezone.localdate(initiative.published_at or initiative.created_at),
        ),
        default_language=initiative.language,
        last_updated=initiative.updated_at,
        countries=tuple(iati.Place(country.code) for country in initiative.countries.all()),
        sectors=target_sectors(list(initiative.targets.all())),
        budget=budget,
        links=tuple(links),
    )


IATI_SOURCES = [
    iati.IatiSource(
        key="initiatives",
        label=_("Initiatives"),
        rows=selectors.initiatives_for_iati,
        activity=initiative_activity,
    )
]
