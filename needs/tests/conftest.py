"""Fixtures of the requests-for-assistance tests, on top of the named people of ``conftest.py``.

Requests are made through the services, as the portal makes them: ``make_need`` writes a complete
draft (everything ``need_submit`` asks for) that a test then moves along the workflow.
``submitted_need`` and ``published_need`` are Amani's Kenyan request at those stages.

Naira Lemaiyan, a member of an approved IPLC organisation, is the IPLC requester: she may ask for
support for any Party.
"""

import pytest

from chm_portal.accounts.roles import Role
from needs import services
from needs.models import Need
from partners.models import Membership
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    UserFactory,
)

# What a complete request says, unless a test says otherwise.
COMPLETE_FIELDS = {
    "problem_statement": "County officers cannot identify the waterbirds counted at Lake Nakuru.",
    "objectives": "Train 40 officers to run the January waterbird census on their own.",
    "expected_outputs": "A field guide in Kiswahili; 40 officers certified.",
    "requesting_organisation": "Ministry of Environment, Climate Change and Forestry",
    "contact_name": "Amani Otieno",
    "contact_email": "amani.otieno@environment.go.ke",
}
COMPLETE_RELATED = {
    "targets": ["GBF-T4", "GBF-T21"],
    "thematic_areas": ["monitoring_data", "inland_waters"],
    "capacity_levels": ["individual"],
    "working_languages": ["en", "sw"],
}
COMPLETE_SUPPORT = {"training": "Two field courses of five days at Lake Nakuru."}


@pytest.fixture
def make_need(focal_point_a, country_a):
    """``make_need(by=..., country=..., title=..., **fields)``: a complete draft, via services.

    By default Amani's request for Kenya. Keyword arguments other than ``by``, ``country`` and
    ``title`` override the fields of :data:`COMPLETE_FIELDS` (any editable field may be given).
    """

    def make(
        *, by=None, country=None, title="Waterbird monitoring at the Rift Valley lakes", **fields
    ):
        return services.need_create(
            by=by or focal_point_a,
            country=country or country_a,
            title=title,
            fields={**COMPLETE_FIELDS, **fields},
            related=COMPLETE_RELATED,
            support=COMPLETE_SUPPORT,
        )

    return make


@pytest.fixture
def draft_need(make_need):
    """Amani's complete Kenyan draft."""
    return make_need()


@pytest.fixture
def submitted_need(draft_need, focal_point_a):
    """Amani's Kenyan request, submitted to the help desk."""
    return services.need_submit(need=draft_need, by=focal_point_a)


@pytest.fixture
def published_need(submitted_need, helpdesk_user):
    """Amani's Kenyan request, published by Hana (public, open for matching)."""
    return services.need_publish(need=submitted_need, by=helpdesk_user)


@pytest.fixture
def need_in_status(make_need):
    """``need_in_status(status)``: a Kenyan request put straight into ``status`` in the database.

    For the workflow tables, which start from every status; a duplicate points to an original.
    """

    def make(status, **fields):
        need = make_need(**fields)
        updates = {"status": status}
        if status == Need.Status.DUPLICATE:
            updates["duplicate_of"] = make_need(title="The original request")
        Need.objects.filter(pk=need.pk).update(**updates)
        need.refresh_from_db()
        return need

    return make


@pytest.fixture
def iplc_organisation(db):
    """Il Ngwesi Community Trust, an approved IPLC organisation."""
    return OrganisationFactory(
        name="Il Ngwesi Community Trust",
        organisation_type=OrganisationTypeFactory(
            code="iplc", name="Indigenous peoples' or local community organization"
        ),
    )


@pytest.fixture
def iplc_member(iplc_organisation):
    """Naira Lemaiyan, editor at Il Ngwesi Community Trust: no focal point, no staff role."""
    user = UserFactory(email="naira@ilngwesi.example", full_name="Naira Lemaiyan")
    MembershipFactory(user=user, organisation=iplc_organisation, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def second_helpdesk_user(db):
    """Hugo Lambert, Hana's colleague at the help desk."""
    return UserFactory(
        email="hugo.lambert@chm-portal.example",
        full_name="Hugo Lambert",
        staff_roles=[Role.HELPDESK],
    )
