"""The API against its own OpenAPI description, with schemathesis: whatever a client sends, the
portal answers without a server error (no 5xx) and in the shape the schema promises.

The schema is the one drf-spectacular serves at ``/api/v1/schema/``, loaded through the WSGI
application; every generated request goes through that application too (no server), so the
requests read pytest-django's test database, where ``api_data`` puts a little of everything with
optional fields both blank and filled in, so that lists and details have rows to serialise.

- Reads (``GET``) as an anonymous visitor and as Amani, focal point of Kenya, with his token.
- Writes (``POST``, ``PUT``, ``PATCH``, ``DELETE``) as Amani.

Each operation gets ``MAX_EXAMPLES`` requests, both valid ones (positive: they fit the schema)
and invalid ones (negative: a 4xx is the right answer, never a 5xx). Checks: no server error,
the response body conforms to the schema of its status code, and its content type is the one
documented. Each operation runs in a subtest of its own, so that one failure hides no other; a
server error comes with the server's traceback. Generation is derandomised and the hypothesis
database is off: a run does not depend on the previous one.
"""

from __future__ import annotations

import traceback

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from chm_portal.accounts.roles import Role
from elearning.models import CommunityMembership
from matchmaking.models import MatchingWorkshop
from monitoring.tests.factories import CountryProfileFactory, EvaluationFactory
from tests.factories import (
    CommunityFactory,
    EnrolmentFactory,
    EventFactory,
    InitiativeFactory,
    MatchFactory,
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    PartnershipAgreementFactory,
    ProjectFactory,
    ResourceFactory,
    RoleRequestFactory,
    SuccessStoryFactory,
    UserFactory,
    build_course,
)

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    # Explicit examples and generation only: shrinking a failure would cost minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
URL = "https://www.example.org/"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def api_data(
    settings, tmp_path, country_a, country_b, focal_point_a, focal_point_b, member_x, member_y
):
    """Records of every kind the API serves, some with their optional fields blank and some
    filled in: Kenyan and Brazilian requests, organisation X's records, a match proposed at a
    workshop, pilot projects with their agreement and story, a course with enrolments, a
    community with a discussion, indicators' records, role requests."""
    settings.MEDIA_ROOT = tmp_path
    organisation_x = member_x.organisation_memberships.get().organisation
    organisation_x.website = URL
    organisation_x.save(update_fields=["website"])
    need = MatchNeedFactory(country=country_a, created_by=focal_point_a)
    MatchNeedFactory(country=country_b, created_by=focal_point_b, status="draft")
    MatchNeedFactory(
        country=country_a, created_by=focal_point_a, status="duplicate", duplicate_of=need
    )
    offer = OfferFactory(provider=organisation_x)
    OfferFactory(provider=organisation_x, status="draft", published_at=None)
    InitiativeFactory(organisation=organisation_x)
    InitiativeFactory(organisation=organisation_x, website=URL)
    ResourceFactory(organisation=organisation_x, url="", file=ContentFile(PDF, name="guide.pdf"))
    OpportunityFactory(organisation=organisation_x, applications_on_portal=True)
    event = EventFactory(organisation=organisation_x, registration_url=URL)
    EventFactory(organisation=organisation_x)
    PartnershipAgreementFactory(organisation=organisation_x)
    workshop = MatchingWorkshop.objects.create(event=event, summary="Roundtable.")
    MatchFactory(
        need=need,
        offer=offer,
        status="accepted",
        origin="workshop",
        workshop=workshop,
        provider_contact_name="Xavier Dupont",
        provider_contact_email="xavier@mangrove-alliance.example",
    )
    MatchFactory(need=need, offer=OfferFactory(provider=organisation_x))
    project = ProjectFactory(
        match__need=MatchNeedFactory(country=country_a, created_by=focal_point_a),
        match__offer=offer,
        agreement_document=ContentFile(PDF, name="agreement.pdf"),
    )
    ProjectFactory(
        match__need=MatchNeedFactory(country=country_b, created_by=focal_point_b),
        match__offer=offer,
        status="completed",
        completed_at=timezone.now(),
    )
    SuccessStoryFactory(project=project, status="published", published_at=timezone.now())
    course = build_course(organisation_x)
    EnrolmentFactory(course=course, user=focal_point_a)
    community = CommunityFactory()
    CommunityMembership.objects.create(community=community, user=focal_point_a)
    from elearning.services.communities import start_thread

    start_thread(community=community, user=focal_point_a, title="Night counts", body="Anyone?")
    CountryProfileFactory(country=country_a, maturity_level=3)
    EvaluationFactory()
    RoleRequestFactory(user=focal_point_a, country=country_b)
    RoleRequestFactory(user=focal_point_a, role=Role.CONTENT_REVIEWER)
    UserFactory(staff_roles=[Role.HELPDESK])


@pytest.fixture
def wsgi_keeps_test_connection():
    """The WSGI handler closes the database connection at the end of each request, which on
    PostgreSQL is the test's transaction; Django's test client turns that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_data, wsgi_keeps_test_connection, monkeypatch):
    """The OpenAPI schema served by the portal, through its WSGI application.

    DRF reads the throttle rates once, into a class attribute, when it is imported: overriding
    ``REST_FRAMEWORK`` with the ``settings`` fixture would not reach them.
    """
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "100000/min", "user": "100000/min", "token": "100000/min"},
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def token_header(focal_point_a) -> dict[str, str]:
    """Amani's API token, as the ``Authorization`` header."""
    token, _created = Token.objects.get_or_create(user=focal_point_a)
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture
def server_errors():
    """The tracebacks of the exceptions the portal turned into a 500, latest last."""
    errors: list[str] = []

    def remember(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(remember, weak=False)
    yield errors
    got_request_exception.disconnect(remember)


def run_operations(schema, subtests, server_errors, *, headers=None) -> int:
    """Send ``MAX_EXAMPLES`` generated requests to every operation of ``schema``, each
    operation in a subtest of its own. Returns how many operations there were."""
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in MODES))

        @HYPOTHESIS
        @given(case=strategy)
        def check(case):
            server_errors.clear()
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup
                if server_errors:
                    server = server_errors[-1]
                    raise AssertionError(f"{failure}\n\nOn the server:\n{server}") from failure
                raise

        with subtests.test(msg=operation.label):
            check()
    return count


def test_reads_as_anonymous_visitor(api_schema, subtests, server_errors):
    assert run_operations(api_schema.include(method="GET"), subtests, server_errors) > 60


def test_reads_as_focal_point(api_schema, subtests, server_errors, token_header):
    reads = api_schema.include(method="GET")
    assert run_operations(reads, subtests, server_errors, headers=token_header) > 60


def test_writes_as_focal_point(api_schema, subtests, server_errors, token_header):
    writes = api_schema.exclude(method="GET")
    assert run_operations(writes, subtests, server_errors, headers=token_header) > 60
