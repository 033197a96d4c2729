"""Pilot projects as IATI activities (see :mod:`chm_portal.core.iati`).

Public projects only (of a public request, not cancelled: ``selectors.projects.public_project_q``)
and only their public part, as their page shows it to everyone: title, objectives, status, dates,
the requesting country, the provider and the request's GBF targets. The budget, co-financing,
signed agreement, progress reports and evaluations are for the project's two sides and the help
desk (``matchmaking.view_project_private``), so they are not published here.

The provider carries the project out (implementing). The project's texts are written in no
recorded language, so its narratives carry none (the request has one, the project not
necessarily the same).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chm_portal.core import iati
from partners.iati import organisation_participant, target_sectors

from .models import Project
from .selectors.projects import projects_for_iati

S = Project.Status

# Project.Status -> IATI ActivityStatus. A completed project waits for its evaluation by both
# sides (finalisation: complete, open pending M&E); an evaluated one is closed.
PROJECT_STATUS = {
    S.PLANNING: iati.STATUS_PIPELINE,
    S.IMPLEMENTATION: iati.STATUS_IMPLEMENTATION,
    S.COMPLETED: iati.STATUS_FINALISATION,
    S.EVALUATED: iati.STATUS_CLOSED,
    S.CANCELLED: iati.STATUS_CANCELLED,
}
STARTED_STATUSES = (S.IMPLEMENTATION, S.COMPLETED, S.EVALUATED)
ENDED_STATUSES = (S.COMPLETED, S.EVALUATED)


def project_activity(project: Project, absolute: Callable[[str], str]) -> iati.Activity:
    """The IATI activity of a public project; ``absolute`` makes a path a full address.

    Reads the relations :func:`matchmaking.selectors.projects.projects_for_iati` loads.
    """
    need = project.match.need
    provider = project.match.offer.provider
    ended = project.status in ENDED_STATUSES
    end = project.end_date
    if end is None and ended and project.completed_at:
        completed_on = timezone.localdate(project.completed_at)
        if project.start_date is None or completed_on >= project.start_date:
            end = completed_on
    titles = (iati.Narrative(project.title),)
    return iati.Activity(
        identifier=iati.iati_identifier(project.reference),
        titles=titles,
        descriptions=(
            iati.Description(iati.DESCRIPTION_OBJECTIVES, (iati.Narrative(project.objectives),)),
        ),
        participants=(organisation_participant(provider, iati.ROLE_IMPLEMENTING),),
        status=PROJECT_STATUS[project.status],
        dates=iati.activity_dates(
            start=project.start_date,
            end=end,
            started=project.status in STARTED_STATUSES,
            ended=ended,
            recorded_on=timezone.localdate(project.created_at),
        ),
        last_updated=project.updated_at,
        countries=(iati.Place(need.country.code),),
        sectors=target_sectors(list(need.targets.all())),
        links=(
            iati.Link(
                absolute(reverse("matchmaking:project_detail", kwargs={"pk": project.pk})), titles
            ),
        ),
    )


IATI_SOURCES = [
    iati.IatiSource(
        key="projects",
        label=_("Pilot projects"),
        rows=projects_for_iati,
        activity=project_activity,
    )
]
