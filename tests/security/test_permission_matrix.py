"""Who gets what from every API endpoint and every page about one record: the permission matrix.

Each table below is one resource. A row is a route (its URL name), a method and a record (see
``world.py``); each column a person, and the cell the status that person gets:

- ``200``, ``201``, ``204``: allowed (the write is done and answered);
- ``302``: allowed, and sent on (a page's form, after it did its work);
- ``login``: sent to the sign-in page (a page that needs a signed-in person);
- ``403``: refused (the person may see the record, or may not act at all);
- ``404``: not found (the person may not know the record exists: drafts are not revealed);
- ``400`` or ``409``: past the permission checks, refused by the record's rules (e.g. a quiz
  one is not enrolled in).

The design is ``docs/roles-and-permissions.md`` and the apps' ``rules.py``; the people and the
records are described in ``world.py`` (A side: Kenya and organisation X; B side: Brazil and
organisation Y). ``root`` is a superuser: Django gives superusers every permission, so ``root``
passes even the rules the design keeps for one side of a workflow (answering a proposal for the
provider, confirming for the requester, editing someone's post).

Every request runs in a savepoint that is rolled back, so every person meets the records in the
same state. Files deleted on disk are not restored: a row that downloads a file comes before the
row that deletes it.

``test_every_route_is_in_the_matrix`` walks the URL resolver: a new API endpoint, or a new page
whose URL names a record, fails it until it has rows here (or an exemption with its reason).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from .world import World, make_people

pytestmark = pytest.mark.django_db

API_PREFIX = "api/v1/"
CODES = {"200", "201", "204", "302", "400", "403", "404", "405", "409", "login"}


# --- The tables --------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Row:
    route: str
    method: str
    record: str
    expected: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    people: tuple[str, ...]
    rows: tuple[Row, ...]


def table(name: str, text: str, namespace: str = "") -> Table:
    """Parse a table: a header ``route method record <people...>``, then one row a line.

    Route names without a namespace get ``namespace`` (``"needs:"``), to keep rows short."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, body = lines[0], lines[1:]
    assert header[:3] == ["route", "method", "record"], name
    people = tuple(header[3:])
    rows = []
    for route, method, record, *cells in body:
        assert len(cells) == len(people), f"{name}: {route} {method} has {len(cells)} cells"
        assert set(cells) <= CODES, f"{name}: {route} {method}: {cells}"
        if namespace and ":" not in route:
            route = namespace + route
        rows.append(Row(route, method, record, tuple(cells)))
    return Table(name, people, tuple(rows))


# The reference data: public and read-only (no record is anyone's).
VOCABULARIES_API = table(
    "reference data (API)",
    """
route                       method record anon lea hana
country-list                GET    -      200  200 200
country-detail              GET    ref    200  200 200
region-list                 GET    -      200  200 200
region-detail               GET    ref    200  200 200
regional-group-list         GET    -      200  200 200
regional-group-detail       GET    ref    200  200 200
gbf-goal-list               GET    -      200  200 200
gbf-goal-detail             GET    ref    200  200 200
gbf-target-list             GET    -      200  200 200
gbf-target-detail           GET    ref    200  200 200
aichi-strategic-goal-list   GET    -      200  200 200
aichi-strategic-goal-detail GET    ref    200  200 200
aichi-target-list           GET    -      200  200 200
aichi-target-detail         GET    ref    200  200 200
sdg-list                    GET    -      200  200 200
sdg-detail                  GET    ref    200  200 200
thematic-area-list          GET    -      200  200 200
thematic-area-detail        GET    ref    200  200 200
support-type-list           GET    -      200  200 200
support-type-detail         GET    ref    200  200 200
capacity-level-list         GET    -      200  200 200
capacity-level-detail       GET    ref    200  200 200
organisation-type-list      GET    -      200  200 200
organisation-type-detail    GET    ref    200  200 200
resource-type-list          GET    -      200  200 200
resource-type-detail        GET    ref    200  200 200
opportunity-type-list       GET    -      200  200 200
opportunity-type-detail     GET    ref    200  200 200
event-type-list             GET    -      200  200 200
event-type-detail           GET    ref    200  200 200
priority-list               GET    -      200  200 200
priority-detail             GET    ref    200  200 200
language-list               GET    -      200  200 200
language-detail             GET    ref    200  200 200
beneficiary-type-list       GET    -      200  200 200
beneficiary-type-detail     GET    ref    200  200 200
country-group-list          GET    -      200  200 200
country-group-detail        GET    ref    200  200 200
""",
)

# Lea asked to be focal point of Kenya (role_request); the help desk decides in the admin.
ACCOUNTS_API = table(
    "accounts (API)",
    """
route               method record       anon lea amani xavier rui hana root
api-me              GET    -            403  200 200   200    200 200  200
role-request-list   GET    -            403  200 200   200    200 200  200
role-request-list   POST   -            403  201 201   201    400 201  201
role-request-detail GET    role_request 403  200 404   404    404 200  200
""",
)

# Naira (IPLC) wrote the Kenyan draft; Amani, focal point of Kenya, owns it with her. Amani's
# Kenyan requests are submitted (the help desk's turn), asked to clarify, or published.
NEEDS_API = table(
    "requests for assistance (API)",
    """
route                      method record             anon lea amani beatriz naira xavier hana root
need-list                  GET    -                  200  200 200   200     200   200    200  200
need-list                  POST   -                  403  403 201   403     201   403    201  201
need-detail                GET    need_published     200  200 200   200     200   200    200  200
need-detail                GET    need_draft         404  404 200   404     200   404    200  200
need-detail                PATCH  need_draft         403  404 200   404     200   404    200  200
need-detail                PUT    need_draft         403  404 200   404     200   404    200  200
need-detail                PATCH  need_published     403  403 403   403     403   403    200  200
need-submit                POST   need_draft         403  404 200   404     200   404    200  200
need-withdraw              POST   need_draft         403  404 200   404     200   404    200  200
need-answer                POST   need_clarification 403  404 200   404     404   404    200  200
need-assign                POST   need_submitted     403  404 403   404     404   404    200  200
need-request-clarification POST   need_submitted     403  404 403   404     404   404    200  200
need-publish               POST   need_submitted     403  404 403   404     404   404    200  200
need-reject                POST   need_submitted     403  404 403   404     404   404    200  200
need-mark-duplicate        POST   need_submitted     403  404 403   404     404   404    200  200
assessment-list            GET    -                  403  200 200   200     200   200    200  200
assessment-list            POST   -                  403  403 201   403     403   403    201  201
assessment-detail          GET    assessment         403  404 200   404     404   404    200  200
assessment-entries         POST   assessment         403  404 200   404     404   404    200  200
assessment-submit          POST   assessment         403  404 200   404     404   404    200  200
""",
)

# Organisation X (Xavier administers it, Ximena edits) owns every record; Yara is another
# organisation's administrator; Rui reviews content (resources and events).
PARTNERS_API = table(
    "partners' databases (API)",
    """
route                 method record         anon lea amani xavier ximena yara rui hana root
organisation-list     GET    -              200  200 200   200    200    200  200 200  200
organisation-list     POST   -              403  201 201   201    201    201  201 201  201
organisation-detail   GET    org_x          200  200 200   200    200    200  200 200  200
organisation-detail   PATCH  org_x          403  403 403   200    403    403  403 200  200
offer-list            GET    -              200  200 200   200    200    200  200 200  200
offer-list            POST   -              403  403 403   201    201    403  403 201  201
offer-detail          GET    offer          200  200 200   200    200    200  200 200  200
offer-detail          GET    offer_draft    404  404 404   200    200    404  404 200  200
offer-detail          PATCH  offer          403  403 403   200    200    403  403 200  200
offer-detail          PATCH  offer_draft    403  404 404   200    200    404  404 200  200
offer-detail          PUT    offer          403  403 403   200    200    403  403 200  200
offer-detail          DELETE offer          403  403 403   204    403    403  403 204  204
offer-publish         POST   offer_draft    403  404 404   200    200    404  404 200  200
offer-pause           POST   offer          403  403 403   200    200    403  403 200  200
offer-close           POST   offer          403  403 403   200    200    403  403 200  200
offer-unpublish       POST   offer          403  403 403   200    200    403  403 200  200
initiative-list       GET    -              200  200 200   200    200    200  200 200  200
initiative-list       POST   -              403  403 403   201    201    403  403 201  201
initiative-detail     GET    initiative     200  200 200   200    200    200  200 200  200
initiative-detail     PATCH  initiative     403  403 403   200    200    403  403 200  200
initiative-detail     PUT    initiative     403  403 403   200    200    403  403 200  200
initiative-detail     DELETE initiative     403  403 403   204    403    403  403 204  204
initiative-publish    POST   initiative     403  403 403   200    200    403  403 200  200
initiative-close      POST   initiative     403  403 403   200    200    403  403 200  200
initiative-unpublish  POST   initiative     403  403 403   200    200    403  403 200  200
resource-list         GET    -              200  200 200   200    200    200  200 200  200
resource-list         POST   -              403  403 403   201    201    403  403 201  201
resource-detail       GET    resource       200  200 200   200    200    200  200 200  200
resource-detail       GET    resource_draft 404  404 404   200    200    404  200 200  200
resource-detail       PATCH  resource       403  403 403   200    200    403  200 200  200
resource-detail       PUT    resource       403  403 403   200    200    403  200 200  200
resource-detail       DELETE resource       403  403 403   204    403    403  403 204  204
resource-publish      POST   resource       403  403 403   200    200    403  200 200  200
resource-close        POST   resource       403  403 403   200    200    403  200 200  200
resource-unpublish    POST   resource       403  403 403   200    200    403  200 200  200
opportunity-list      GET    -              200  200 200   200    200    200  200 200  200
opportunity-list      POST   -              403  403 403   201    201    403  403 201  201
opportunity-detail    GET    opportunity    200  200 200   200    200    200  200 200  200
opportunity-detail    PATCH  opportunity    403  403 403   200    200    403  403 200  200
opportunity-detail    PUT    opportunity    403  403 403   200    200    403  403 200  200
opportunity-detail    DELETE opportunity    403  403 403   204    403    403  403 204  204
opportunity-publish   POST   opportunity    403  403 403   200    200    403  403 200  200
opportunity-close     POST   opportunity    403  403 403   200    200    403  403 200  200
opportunity-unpublish POST   opportunity    403  403 403   200    200    403  403 200  200
event-list            GET    -              200  200 200   200    200    200  200 200  200
event-list            POST   -              403  403 403   201    201    403  403 201  201
event-detail          GET    event          200  200 200   200    200    200  200 200  200
event-detail          PATCH  event          403  403 403   200    200    403  200 200  200
event-detail          PUT    event          403  403 403   200    200    403  200 200  200
event-detail          DELETE event          403  403 403   204    403    403  403 204  204
event-publish         POST   event          403  403 403   200    200    403  200 200  200
event-close           POST   event          403  403 403   200    200    403  200 200  200
event-unpublish       POST   event          403  403 403   200    200    403  200 200  200
agreement-list        GET    -              200  200 200   200    200    200  200 200  200
agreement-list        POST   -              403  403 403   201    201    403  403 201  201
agreement-detail      GET    agreement      200  200 200   200    200    200  200 200  200
agreement-detail      PATCH  agreement      403  403 403   200    200    403  403 200  200
agreement-detail      PUT    agreement      403  403 403   200    200    403  403 200  200
agreement-detail      DELETE agreement      403  403 403   204    403    403  403 204  204
agreement-publish     POST   agreement      403  403 403   200    200    403  403 200  200
agreement-close       POST   agreement      403  403 403   200    200    403  403 200  200
agreement-unpublish   POST   agreement      403  403 403   200    200    403  403 200  200
""",
)

# Lea's commitments: one published, one draft, one waiting for the moderators. Anyone signed in
# may commit; the owner changes, submits, withdraws and reports; moderators (Rui, Hana) publish,
# return and correct.
COMMITMENTS_API = table(
    "commitments (API)",
    """
route                 method record               anon lea amani xavier yara rui hana root
commitment-list       GET    -                    200  200 200   200    200  200 200  200
commitment-list       POST   -                    403  201 201   201    201  201 201  201
commitment-statistics GET    -                    200  200 200   200    200  200 200  200
commitment-detail     GET    commitment           200  200 200   200    200  200 200  200
commitment-detail     GET    commitment_draft     404  200 404   404    404  200 200  200
commitment-detail     PUT    commitment           403  200 403   403    403  200 200  200
commitment-detail     PUT    commitment_draft     403  200 404   404    404  200 200  200
commitment-submit     POST   commitment_draft     403  200 404   404    404  403 403  403
commitment-withdraw   POST   commitment           403  200 403   403    403  200 200  200
commitment-publish    POST   commitment_submitted 403  403 404   404    404  200 200  200
commitment-send-back  POST   commitment           403  403 403   403    403  200 200  200
commitment-phase      POST   commitment           403  200 403   403    403  200 200  200
commitment-reports    GET    commitment           200  200 200   200    200  200 200  200
commitment-reports    POST   commitment           403  201 403   403    403  403 403  201
""",
)

# Amani's published Kenyan request and organisation X's offer: a match proposed to X, one X
# accepted, one agreed; the pilot project of another agreed match of theirs (planning) and its
# published story. Naira wrote none of these.
MATCHMAKING_API = table(
    "matches and pilot projects (API)",
    """
route                  method record         anon lea amani beatriz naira xavier yara hana root
need-suggestion-list   GET    need_published 200  200 200   200     200   200    200  200  200
need-suggestion-list   GET    need_draft     404  404 200   404     200   404    404  200  200
match-list             GET    -              403  200 200   200     200   200    200  200  200
match-list             POST   -              403  403 201   403     403   403    403  403  201
match-propose          POST   -              403  403 403   403     403   403    403  201  201
match-detail           GET    match_proposed 403  404 200   404     404   200    404  200  200
match-history          GET    match_proposed 403  404 200   404     404   200    404  200  200
match-accept           POST   match_proposed 403  404 403   404     404   200    404  403  200
match-decline          POST   match_proposed 403  404 403   404     404   200    404  403  200
match-withdraw         POST   match_proposed 403  404 200   404     404   403    404  200  200
match-propose-interest POST   match_interest 403  404 403   404     404   404    404  200  200
match-confirm          POST   match_accepted 403  404 200   404     404   403    404  403  200
project-list           GET    -              200  200 200   200     200   200    200  200  200
project-list           POST   -              403  403 201   403     403   201    403  201  201
project-detail         GET    project        200  200 200   200     200   200    200  200  200
project-detail         PATCH  project        403  403 200   403     403   200    403  200  200
project-change-status  POST   project        403  403 200   403     403   200    403  200  200
project-reports        GET    project        403  403 200   403     403   200    403  200  200
project-reports        POST   project        403  403 201   403     403   201    403  201  201
project-evaluations    GET    project        403  403 200   403     403   200    403  200  200
project-evaluations    POST   project_done   403  403 201   403     403   201    403  201  201
successstory-list      GET    -              200  200 200   200     200   200    200  200  200
successstory-detail    GET    story          200  200 200   200     200   200    200  200  200
""",
)

# Organisation X's published course; Lea is enrolled in it (enrolment, a quiz attempt) and
# completed another (enrolment_completed, with her certificate). In the community, Lea is a
# member and wrote the discussion (thread, post); Yara moderates it.
ELEARNING_API = table(
    "e-learning (API)",
    """
route                    method record              anon lea xavier yara rui hana root
course-list              GET    -                   200  200 200    200  200 200  200
course-detail            GET    course              200  200 200    200  200 200  200
course-detail            GET    course_draft        404  404 404    404  404 404  404
my-enrolment-list        GET    -                   403  200 200    200  200 200  200
my-enrolment-list        POST   -                   403  200 201    201  201 201  201
my-enrolment-detail      GET    enrolment           403  200 404    404  404 404  404
my-enrolment-progress    GET    enrolment           403  200 404    404  404 404  404
my-enrolment-lesson-seen POST   enrolment           403  204 404    404  404 404  404
my-enrolment-lesson-done POST   enrolment           403  200 404    404  404 404  404
my-enrolment-withdraw    POST   enrolment           403  200 404    404  404 404  404
my-enrolment-survey      GET    enrolment_completed 403  404 404    404  404 404  404
my-enrolment-survey      POST   enrolment_completed 403  201 404    404  404 404  404
my-certificate-list      GET    -                   403  200 200    200  200 200  200
my-certificate-detail    GET    certificate         403  200 404    404  404 404  404
quiz-attempt-list        GET    -                   403  200 200    200  200 200  200
quiz-attempt-list        POST   -                   403  201 400    400  400 400  400
quiz-attempt-detail      GET    attempt             403  200 404    404  404 404  404
quiz-attempt-submit      POST   attempt             403  200 404    404  404 404  404
community-list           GET    -                   200  200 200    200  200 200  200
community-detail         GET    community           200  200 200    200  200 200  200
community-join           POST   community           403  200 200    200  200 200  200
community-leave          POST   community           403  200 200    200  200 200  200
community-thread-list    GET    -                   403  200 200    200  200 200  200
community-thread-list    POST   -                   403  201 403    201  201 201  201
community-thread-detail  GET    thread              403  200 200    200  200 200  200
community-post-list      GET    -                   403  200 200    200  200 200  200
community-post-list      POST   -                   403  201 403    201  201 201  201
community-post-detail    GET    post                403  200 200    200  200 200  200
community-post-detail    PATCH  post                403  200 403    403  403 403  200
community-post-flag      POST   post                403  400 403    201  403 403  201
""",
)

# Indicators and published evaluations are public; Kenya's profile is kept by its focal points.
MONITORING_API = table(
    "monitoring (API)",
    """
route                  method record          anon lea amani beatriz xavier hana root
indicator-list         GET    -               200  200 200   200     200    200  200
indicator-detail       GET    indicator       200  200 200   200     200    200  200
indicator-values       GET    indicator       200  200 200   200     200    200  200
evaluation-list        GET    -               200  200 200   200     200    200  200
evaluation-detail      GET    evaluation      200  200 200   200     200    200  200
country-profile-list   GET    -               200  200 200   200     200    200  200
country-profile-detail GET    country_profile 200  200 200   200     200    200  200
country-profile-detail PATCH  country_profile 403  403 200   403     403    200  200
national-node-list     GET    -               200  200 200   200     200    200  200
national-node-detail   GET    country_profile 200  200 200   200     200    200  200
national-node-detail   PATCH  country_profile 403  403 200   403     403    200  200
""",
)

# --- Pages about one record --------------------------------------------------------------------
# Naira's Kenyan draft (with an attachment), Amani's Kenyan requests, Kenya's assessment.
NEEDS_PAGES = table(
    "requests for assistance (pages)",
    """
route                  method record             anon  lea amani beatriz naira xavier hana root
detail                 GET    need_published     200   200 200   200     200   200    200  200
detail                 GET    need_draft         404   404 200   404     200   404    200  200
edit_step              GET    need_draft         login 404 200   404     200   404    200  200
edit_step              POST   need_draft         login 404 200   404     200   404    200  200
submit                 POST   need_draft         login 404 302   404     302   404    302  302
submitted              GET    need_draft         login 404 302   404     302   404    302  302
manage                 GET    need_draft         login 404 200   404     200   404    200  200
withdraw               POST   need_draft         login 404 200   404     200   404    200  200
message                POST   need_draft         login 404 302   404     302   404    302  302
answer                 POST   need_clarification login 404 302   404     404   404    302  302
attachment_add         POST   need_draft         login 404 200   404     200   404    200  200
attachment_download    GET    need_attachment    login 404 200   404     200   404    200  200
attachment_delete      POST   need_attachment    login 404 302   404     302   404    302  302
assessment_edit        GET    assessment         login 404 200   404     404   404    200  200
assessment_edit        POST   assessment         login 404 302   404     404   404    302  302
assessment_submit      POST   assessment         login 404 302   404     404   404    302  302
assessment_draft_needs POST   assessment         login 404 302   404     404   404    302  302
""",
    "needs:",
)

# Organisation X's profile, members and records (Xavier administers it, Ximena edits).
PARTNERS_PAGES = table(
    "partners' databases (pages)",
    """
route                    method record         anon  lea amani xavier ximena yara rui hana root
organisation_detail      GET    org_x          200   200 200   200    200    200  200 200  200
organisation_edit        GET    org_x          login 404 404   200    404    404  404 200  200
organisation_edit        POST   org_x          login 404 404   200    404    404  404 200  200
organisation_members     GET    org_x          login 404 404   200    404    404  404 200  200
membership_role          POST   membership     login 404 404   302    404    404  404 302  302
membership_remove        POST   membership     login 404 404   302    404    404  404 302  302
invitation_send          POST   org_x          login 404 404   302    404    404  404 302  302
invitation_revoke        POST   invitation     login 404 404   302    404    404  404 302  302
invitation_accept        GET    invitation     login 200 200   200    200    200  200 200  200
invitation_accept        POST   invitation     login 302 302   409    409    302  302 302  302
manage_records           GET    org_x          login 404 404   200    200    404  404 200  200
record_create            GET    org_x          login 404 404   200    200    404  404 200  200
record_create            POST   org_x          login 404 404   200    200    404  404 200  200
record_edit              GET    offer          login 404 404   200    200    404  404 200  200
record_edit              POST   offer          login 404 404   200    200    404  404 200  200
record_edit              GET    resource       login 404 404   200    200    404  200 200  200
record_translate         GET    offer          login 404 404   200    200    404  404 200  200
record_translate         POST   offer          login 404 404   302    302    404  404 302  302
record_status            POST   offer          login 404 404   302    302    404  404 302  302
record_delete            GET    offer          login 404 404   200    404    404  404 200  200
record_delete            POST   offer          login 404 404   302    404    404  404 302  302
offer_detail             GET    offer          200   200 200   200    200    200  200 200  200
offer_detail             GET    offer_draft    404   404 404   200    200    404  404 200  200
initiative_detail        GET    initiative     200   200 200   200    200    200  200 200  200
initiative_iati          GET    initiative     200   200 200   200    200    200  200 200  200
resource_detail          GET    resource       200   200 200   200    200    200  200 200  200
resource_detail          GET    resource_draft 404   404 404   200    200    404  200 200  200
resource_download        GET    resource       302   302 302   302    302    302  302 302  302
opportunity_detail       GET    opportunity    200   200 200   200    200    200  200 200  200
opportunity_apply        GET    opportunity    login 200 200   200    200    200  200 200  200
opportunity_apply        POST   opportunity    login 400 400   400    400    400  400 400  400
opportunity_applications GET    opportunity    login 404 404   200    200    404  404 200  200
opportunity_applications POST   opportunity    login 404 404   302    302    404  404 302  302
application_withdraw     POST   application    login 302 404   404    404    404  404 404  404
application_cv           GET    application    login 200 404   200    200    404  404 200  200
event_detail             GET    event          200   200 200   200    200    200  200 200  200
event_ics                GET    event          200   200 200   200    200    200  200 200  200
agreement_detail         GET    agreement      200   200 200   200    200    200  200 200  200
""",
    "partners:",
)

COMMITMENTS_PAGES = table(
    "commitments (pages)",
    """
route              method record           anon  lea amani xavier yara rui hana root
commitment_detail  GET    commitment       200   200 200   200    200  200 200  200
commitment_detail  GET    commitment_draft 404   200 404   404    404  200 200  200
create             GET    actor            login 200 200   200    200  200 200  200
create             POST   actor            login 400 400   400    400  400 400  400
edit               GET    commitment       login 200 404   404    404  200 200  200
edit               POST   commitment       login 400 404   404    404  400 400  400
report             GET    commitment       login 200 404   404    404  404 404  200
report             POST   commitment       login 400 404   404    404  404 404  400
commitment_action  POST   commitment       login 302 404   404    404  302 302  302
commitment_action  POST   commitment_draft login 302 404   404    404  404 404  404
news_detail        GET    news             200   200 200   200    200  200 200  200
""",
    "commitments:",
)

# As in the API: Amani's published request, X's offers, the matches and the pilot project.
MATCHMAKING_PAGES = table(
    "matches and pilot projects (pages)",
    """
route                 method record         anon  lea amani beatriz naira xavier yara hana root
need_suggestions      GET    need_published 200   200 200   200     200   200    200  200  200
need_suggestions      GET    need_draft     404   404 200   404     200   404    404  200  200
express_interest      POST   need_published login 404 302   404     404   404    404  403  302
match_detail          GET    match_proposed login 404 200   404     404   200    404  200  200
match_accept          POST   match_proposed login 404 403   404     404   302    404  403  302
match_decline         POST   match_proposed login 404 403   404     404   302    404  403  302
match_withdraw        POST   match_proposed login 404 302   404     404   403    404  302  302
match_confirm         POST   match_accepted login 404 302   404     404   403    404  403  302
project_launch        GET    match_agreed   login 404 200   404     404   200    404  200  200
project_launch        POST   match_agreed   login 404 200   404     404   200    404  200  200
project_detail        GET    project        200   200 200   200     200   200    200  200  200
project_iati          GET    project        200   200 200   200     200   200    200  200  200
project_edit          GET    project        login 403 200   403     403   200    403  200  200
project_edit          POST   project        login 403 200   403     403   200    403  200  200
project_status        POST   project        login 403 302   403     403   302    403  302  302
project_report        GET    project        login 403 200   403     403   200    403  200  200
project_report        POST   project        login 403 200   403     403   200    403  200  200
project_evaluate      GET    project_done   login 403 200   403     403   200    403  200  200
project_evaluate      POST   project_done   login 403 200   403     403   200    403  200  200
project_story         GET    project        login 403 302   403     403   302    403  302  302
project_story         POST   project        login 403 302   403     403   302    403  302  302
project_story_publish POST   project        login 403 302   403     403   302    403  302  302
project_agreement     GET    project        login 404 200   404     404   200    404  200  200
story_detail          GET    story          200   200 200   200     200   200    200  200  200
workshop_detail       GET    workshop       200   200 200   200     200   200    200  200  200
""",
    "matchmaking:",
)

# Organisation X's courses (published, draft), Lea's enrolments, certificate and invitation;
# the community where Lea wrote a discussion and Yara moderates.
ELEARNING_PAGES = table(
    "e-learning (pages)",
    """
route                         method record              anon  lea xavier yara rui hana root
course_detail                 GET    course              200   200 200    200  200 200  200
course_detail                 GET    course_draft        404   404 200    404  200 200  200
enrol                         POST   course              login 302 302    302  302 302  302
withdraw                      POST   course              login 302 404    404  404 404  404
course_learn                  GET    course              login 302 302    302  302 302  302
lesson                        GET    course              login 200 302    302  302 302  302
lesson_complete               POST   course              login 302 302    302  302 302  302
quiz                          GET    course_quiz         login 200 302    302  302 302  302
quiz                          POST   course_quiz         login 200 302    302  302 302  302
course_results                GET    course              login 403 200    403  200 200  200
certificate_pdf               GET    certificate         login 200 404    404  404 404  404
survey                        GET    enrolment_completed login 200 404    404  404 404  404
survey                        POST   enrolment_completed login 200 404    404  404 404  404
invitation_accept             GET    course_invitation   login 200 200    200  200 200  200
invitation_accept             POST   course_invitation   login 302 302    302  302 302  302
certificates:verify           GET    certificate         200   200 200    200  200 200  200
authoring_course              GET    course_draft        login 404 200    404  200 200  200
authoring_course_edit         GET    course_draft        login 404 200    404  403 403  200
authoring_course_edit         POST   course_draft        login 404 200    404  403 403  200
authoring_course_delete       GET    course_draft        login 404 200    404  403 403  200
authoring_course_delete       POST   course_draft        login 404 302    404  403 403  302
authoring_course_delete       DELETE course_draft        login 404 405    404  403 403  405
authoring_course_submit       POST   course_draft        login 404 302    404  403 403  302
authoring_course_improvements POST   course_draft        login 404 302    404  403 403  403
authoring_course_archive      POST   course              login 403 302    403  302 403  302
authoring_cohort_create       POST   course              login 403 302    403  403 302  302
authoring_invite              POST   course              login 403 302    403  403 302  302
authoring_preview             GET    course_draft        login 404 200    404  200 200  200
authoring_module_add          GET    course_draft        login 404 200    404  403 403  200
authoring_module_add          POST   course_draft        login 404 200    404  403 403  200
authoring_module_edit         GET    module              login 404 200    404  403 403  200
authoring_module_edit         POST   module              login 404 200    404  403 403  200
authoring_module_delete       GET    module              login 404 200    404  403 403  200
authoring_module_delete       POST   module              login 404 302    404  403 403  302
authoring_module_move         POST   module              login 404 302    404  403 403  302
authoring_lesson_add          GET    module              login 404 200    404  403 403  200
authoring_lesson_add          POST   module              login 404 200    404  403 403  200
authoring_quiz_add            GET    module              login 404 200    404  403 403  200
authoring_quiz_add            POST   module              login 404 200    404  403 403  200
authoring_lesson_edit         GET    lesson              login 404 200    404  403 403  200
authoring_lesson_edit         POST   lesson              login 404 200    404  403 403  200
authoring_lesson_delete       GET    lesson              login 404 200    404  403 403  200
authoring_lesson_delete       POST   lesson              login 404 302    404  403 403  302
authoring_lesson_move         POST   lesson              login 404 302    404  403 403  302
authoring_lesson_preview      GET    lesson              login 404 200    404  200 200  200
authoring_quiz                GET    quiz_lesson         login 404 200    404  403 403  200
authoring_quiz                POST   quiz_lesson         login 404 200    404  403 403  200
authoring_question_add        GET    quiz_lesson         login 404 200    404  403 403  200
authoring_question_add        POST   quiz_lesson         login 404 200    404  403 403  200
authoring_question_edit       GET    question            login 404 200    404  403 403  200
authoring_question_edit       POST   question            login 404 200    404  403 403  200
authoring_question_delete     GET    question            login 404 200    404  403 403  200
authoring_question_delete     POST   question            login 404 302    404  403 403  302
community_detail              GET    community           200   200 200    200  200 200  200
community_detail              POST   community           login 200 403    200  200 200  200
community_join                POST   community           login 302 302    302  302 302  302
community_leave               POST   community           login 302 302    302  302 302  302
community_notifications       POST   community           login 302 302    302  302 302  302
community_moderation          GET    community           login 403 403    200  200 200  200
thread_detail                 GET    thread              login 200 200    200  200 200  200
thread_detail                 POST   thread              login 200 403    200  200 200  200
thread_moderate               POST   thread              login 403 403    302  302 302  302
post_link                     GET    post                login 302 302    302  302 302  302
post_edit                     GET    post                login 200 403    403  403 403  200
post_edit                     POST   post                login 200 403    403  403 403  200
post_flag                     GET    post                login 200 403    200  403 403  200
post_flag                     POST   post                login 200 403    200  403 403  200
post_moderate                 GET    post                login 403 403    200  200 200  200
post_moderate                 POST   post                login 403 403    200  200 200  200
alumni_profile                GET    alumnus             login 200 200    200  200 200  200
""",
    "elearning:",
)

# A pending review of organisation X's resource.
QUALITY_PAGES = table(
    "quality reviews (pages)",
    """
route        method record anon  lea xavier yara rui hana root
review       GET    review login 404 200    404  200 404  200
review       POST   review login 404 403    404  302 404  302
improvements POST   review login 404 400    404  403 404  400
item_history GET    review login 404 200    404  200 404  200
""",
    "quality:",
)

# Lea's saved search, inbox message and follow of organisation X's opportunity.
ALERTS_PAGES = table(
    "alerts (pages)",
    """
route               method record        anon  lea amani hana root
saved_search_update POST   saved_search  login 302 404   404  404
saved_search_delete POST   saved_search  login 302 404   404  404
inbox_open          POST   inbox_message login 302 404   404  404
inbox_read          POST   inbox_message login 302 404   404  404
follow              POST   opportunity   login 302 302   302  302
unfollow            POST   follow        login 302 302   302  302
""",
    "alerts:",
)

# Public dashboards; Kenya's profile is kept by its focal points and the help desk.
MONITORING_PAGES = table(
    "monitoring and reference data (pages)",
    """
route                  method record          anon  lea amani beatriz xavier hana root
indicator              GET    indicator       200   200 200   200     200    200  200
indicator-data         GET    indicator       200   200 200   200     200    200  200
country                GET    country_profile 200   200 200   200     200    200  200
country-edit           GET    country_profile login 403 200   403     403    200  200
country-edit           POST   country_profile login 403 200   403     403    200  200
node                   GET    country_profile 200   200 200   200     200    200  200
node-feed              GET    country_profile 200   200 200   200     200    200  200
node-edit              GET    country_profile login 403 200   403     403    200  200
node-edit              POST   country_profile login 403 200   403     403    200  200
node-news-add          GET    country_profile login 403 200   403     403    200  200
node-news-add          POST   country_profile login 403 200   403     403    200  200
node-news-edit         GET    node_news       login 403 200   403     403    200  200
node-news-edit         POST   node_news       login 403 200   403     403    200  200
node-news-delete       GET    node_news       login 403 200   403     403    200  200
node-news-delete       POST   node_news       login 403 302   403     403    302  302
evaluation             GET    evaluation      200   200 200   200     200    200  200
vocabularies:term_list GET    term            200   200 200   200     200    200  200
""",
    "monitoring:",
)

# The embeddable components: their URLs name a component, not a record, and their parameters
# (query strings) name public records only; everyone gets the same answer. Offers and country
# need a parameter (organisation, country): without it, 400 (embeds/tests say the rest).
EMBEDS_PAGES = table(
    "embeds: components of partner websites (frames and JSON)",
    """
route  method record              anon lea amani xavier yara hana root
frame  GET    embed_opportunities 200  200 200   200    200  200  200
frame  GET    embed_commitments   200  200 200   200    200  200  200
frame  GET    embed_offers        400  400 400   400    400  400  400
frame  GET    embed_country       400  400 400   400    400  400  400
frame  GET    embed_unknown       404  404 404   404    404  404  404
json   GET    embed_opportunities 200  200 200   200    200  200  200
json   GET    embed_commitments   200  200 200   200    200  200  200
json   GET    embed_offers        400  400 400   400    400  400  400
json   GET    embed_country       400  400 400   400    400  400  400
json   GET    embed_unknown       404  404 404   404    404  404  404
""",
    "embeds:",
)

API_TABLES = (
    VOCABULARIES_API,
    ACCOUNTS_API,
    NEEDS_API,
    PARTNERS_API,
    COMMITMENTS_API,
    MATCHMAKING_API,
    ELEARNING_API,
    MONITORING_API,
)
PAGE_TABLES = (
    NEEDS_PAGES,
    PARTNERS_PAGES,
    COMMITMENTS_PAGES,
    MATCHMAKING_PAGES,
    ELEARNING_PAGES,
    QUALITY_PAGES,
    ALERTS_PAGES,
    MONITORING_PAGES,
    EMBEDS_PAGES,
)
TABLES = API_TABLES + PAGE_TABLES

# Routes that name no record of anyone, or that are not the portal's own: why each is left out.
EXEMPT = {
    "api-root": "the index of the API: links only, public",
    "api-schema": "the OpenAPI description, public (tests/security/test_api_schemathesis.py)",
    "api-docs": "the documentation page of the schema, public",
    "api-redoc": "the documentation page of the schema, public",
    "api-token": "signing in for a token: no record (its rate limit is tested in accounts)",
    "account_confirm_email": "allauth's email confirmation: addressed by a one-time key",
    "account_reset_password_from_key": "allauth's password reset: addressed by a one-time key",
}


# --- What each request sends ---------------------------------------------------------------------
def _text(**extra: Any) -> dict[str, Any]:
    return {"title": "Changed by the permission matrix", **extra}


IN_A_MONTH = "2031-03-02T09:00:00Z"

# (route, method) -> the body (a dict, or a function of the world). Absent: an empty body.
PAYLOADS: dict[tuple[str, str], Any] = {
    ("role-request-list", "POST"): {
        "role": "content_reviewer",
        "position": "Editor",
        "justification": "I check the portal's resources.",
    },
    ("commitment-list", "POST"): {
        "actor_type": "individual",
        "actor_name": "A person",
        "country": "KE",
        "title": "Plant a hedge",
        "description": "Native shrubs along the lane.",
        "targets": ["GBF-T2"],
        "scope": "local",
        "audience": "Neighbours",
        "start_date": "2026-01-01",
        "end_date": "2027-01-01",
        "deliverables": [
            {"description": "Hedge", "indicator": "Length", "unit": "m", "target": "100"}
        ],
    },
    ("commitment-send-back", "POST"): {"note": "Add a baseline."},
    ("commitment-phase", "POST"): {"phase": "development"},
    ("commitment-reports", "POST"): lambda w: {
        "period_end": "2025-06-30",
        "phase": "implementation",
        "summary": "Half planted.",
        "values": [{"deliverable": w.commitment.deliverables.get().pk, "value": "5"}],
    },
    ("need-list", "POST"): {"country": "KE", "title": "Seagrass mapping along the coast"},
    ("need-detail", "PATCH"): _text(),
    ("need-detail", "PUT"): _text(),
    ("need-withdraw", "POST"): {"reason": "Answered elsewhere."},
    ("need-answer", "POST"): {"message": "The census is in January."},
    ("need-assign", "POST"): lambda w: {"assignee": w.p["hana"].pk},
    ("need-request-clarification", "POST"): {"message": "Which sites?"},
    ("need-reject", "POST"): {"reason": "Out of scope."},
    ("need-mark-duplicate", "POST"): lambda w: {"original": w.need_published.reference},
    ("assessment-list", "POST"): {"country": "KE", "cycle": 2027},
    ("assessment-entries", "POST"): {"target": "GBF-T4", "capacity_individual": 2},
    ("organisation-list", "POST"): {
        "name": "Coral Reef Network",
        "type": "ngo",
        "description": "Reef monitoring.",
    },
    ("organisation-detail", "PATCH"): {"acronym": "MA2"},
    ("offer-list", "POST"): lambda w: {
        "provider": w.org_x.pk,
        "title": "Seagrass training",
        "description": "Five days.",
    },
    ("initiative-list", "POST"): lambda w: {
        "organisation": w.org_x.pk,
        "title": "Seagrass programme",
        "description": "Ten years.",
    },
    ("resource-list", "POST"): lambda w: {
        "organisation": w.org_x.pk,
        "title": "Seagrass guide",
        "description": "A guide.",
        "type": "toolkit",
        "link": "https://resources.example.org/guide.pdf",
    },
    ("opportunity-list", "POST"): lambda w: {
        "organisation": w.org_x.pk,
        "title": "Seagrass fellowship",
        "description": "A year.",
        "type": "fellowship",
        "deadline": IN_A_MONTH,
        "link": "https://opportunities.example.org/apply",
    },
    ("event-list", "POST"): lambda w: {
        "organisation": w.org_x.pk,
        "title": "Seagrass workshop",
        "description": "A day.",
        "type": "workshop",
        "starts": "2031-03-02T09:00:00",
        "ends": "2031-03-02T17:00:00",
        "time_zone": "Africa/Nairobi",
        "online": True,
    },
    ("agreement-list", "POST"): lambda w: {
        "organisation": w.org_x.pk,
        "title": "Seagrass memorandum",
        "description": "Signed.",
        "kind": "mou",
        "signed_on": "2026-01-15",
    },
    **{
        (f"{kind}-detail", method): {"title": "Changed", "description": "Changed by the matrix."}
        for kind in ("offer", "initiative", "resource", "opportunity", "event", "agreement")
        for method in ("PATCH", "PUT")
    },
    ("opportunity-detail", "PUT"): {
        "title": "Changed",
        "description": "Changed by the matrix.",
        "type": "fellowship",
        "deadline": IN_A_MONTH,
    },
    ("event-detail", "PUT"): {
        "title": "Changed",
        "description": "Changed by the matrix.",
        "type": "workshop",
        "starts": "2031-03-02T09:00:00",
        "ends": "2031-03-02T17:00:00",
    },
    ("resource-detail", "PUT"): {
        "title": "Changed",
        "description": "Changed by the matrix.",
        "type": "toolkit",
    },
    ("agreement-detail", "PUT"): {
        "title": "Changed",
        "description": "Changed by the matrix.",
        "kind": "mou",
        "signed_on": "2026-01-15",
    },
    ("match-list", "POST"): lambda w: {"need": w.need_published.reference, "offer": w.offer2.pk},
    ("match-propose", "POST"): lambda w: {
        "need": w.need_published.reference,
        "offer": w.offer2.pk,
    },
    ("match-accept", "POST"): {"contact_name": "Xavier", "contact_email": "x@example.org"},
    ("match-decline", "POST"): {"reason": "No trainer free."},
    ("match-withdraw", "POST"): {"reason": "Found elsewhere."},
    ("project-list", "POST"): lambda w: {
        "match": w.match_agreed.pk,
        "title": "Waterbird census",
        "objectives": "Train officers.",
    },
    ("project-detail", "PATCH"): {"title": "Renamed pilot project"},
    ("project-change-status", "POST"): {"status": "implementation"},
    ("project-reports", "POST"): {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "progress_percent": 30,
        "achievements": "A field course.",
    },
    ("project-evaluations", "POST"): lambda w: {
        "side": "requester" if w.person in ("amani", "hana", "root") else "provider",
        "effectiveness": 4,
        "quality": 4,
        "achievement": "mostly",
        "lessons_learned": "Start early.",
    },
    ("my-enrolment-list", "POST"): lambda w: {"course": w.course.pk},
    ("my-enrolment-survey", "POST"): {"quality": 5, "effectiveness": 4, "relevance": "high"},
    ("quiz-attempt-list", "POST"): lambda w: {"quiz": w.quiz.pk},
    ("quiz-attempt-submit", "POST"): lambda w: {"answers": w.quiz_answers},
    ("community-thread-list", "POST"): lambda w: {
        "community": w.community.slug,
        "title": "Night counts",
        "body": "Anyone counting at night?",
    },
    ("community-post-list", "POST"): lambda w: {"thread": w.thread.pk, "body": "Me too."},
    ("community-post-detail", "PATCH"): {"body": "Edited."},
    ("community-post-flag", "POST"): {"reason": "Off topic."},
    ("country-profile-detail", "PATCH"): {"maturity_level": 3},
    ("national-node-detail", "PATCH"): {"introduction": "Kenya's national CHM."},
    # Pages: forms are sent as a browser sends them.
    ("needs:message", "POST"): {"body": "Any news?"},
    ("needs:answer", "POST"): {"message": "The census is in January."},
    ("needs:withdraw", "POST"): {"reason": "Answered elsewhere."},
    ("partners:membership_role", "POST"): {"role": "admin"},
    ("partners:invitation_send", "POST"): {"email": "new@example.org", "role": "editor"},
    ("partners:record_status", "POST"): {"status": "closed"},
    ("matchmaking:express_interest", "POST"): lambda w: {"offer": w.offer2.pk},
    ("matchmaking:project_status", "POST"): {"status": "implementation"},
    ("alerts:saved_search_update", "POST"): {"frequency": "weekly"},
    ("needs:assessment_edit", "POST"): lambda w: {
        "target": w.assessment.entries.get().target_id,
        "capacity_individual": "2",
    },
    ("matchmaking:match_accept", "POST"): {
        "status": "proposed",
        "contact_name": "Xavier Dupont",
        "contact_email": "xavier@example.org",
    },
    ("matchmaking:match_decline", "POST"): {"status": "proposed", "reason": "No trainer."},
    ("matchmaking:match_withdraw", "POST"): {"status": "proposed", "reason": "Found elsewhere."},
    ("matchmaking:match_confirm", "POST"): {"status": "accepted"},
    ("elearning:thread_moderate", "POST"): {"action": "lock"},
    ("partners:opportunity_applications", "POST"): lambda w: {
        "application": w.application.pk,
        f"application-{w.application.pk}-decision": "accept",
    },
    ("elearning:authoring_course_improvements", "POST"): {"improvements_made": "Shorter."},
    ("quality:improvements", "POST"): {"improvements_made": "Added the sources."},
}
# A commitment is sent whole to change it, as to make it.
PAYLOADS[("commitment-detail", "PUT")] = PAYLOADS[("commitment-list", "POST")]


# --- The routes ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    path: str
    kind: str  # "api" or "page"
    methods: tuple[str, ...]
    parameters: tuple[str, ...]


def _parameters(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def _methods(callback) -> tuple[str, ...]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        return ()
    allowed = set(view.http_method_names) - {"head", "options"}
    actions = getattr(callback, "actions", None)
    names = set(actions) if actions else {name for name in allowed if hasattr(view, name)}
    return tuple(sorted(name.upper() for name in names & allowed))


def _walk(patterns, prefix="", namespace="", parameters=(), localised=False):
    for pattern in patterns:
        here = prefix + str(pattern.pattern)
        params = parameters + _parameters(pattern.pattern)
        if isinstance(pattern, URLResolver):
            spaces = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(
                pattern.url_patterns,
                here,
                spaces,
                params,
                localised or isinstance(pattern.pattern, LocalePrefixPattern),
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield here, name, pattern.callback, params, localised


def portal_routes() -> dict[str, Route]:
    """Every API endpoint, and every page whose URL names something (the admin left out)."""
    routes: dict[str, Route] = {}
    for path, name, callback, params, localised in _walk(get_resolver().url_patterns):
        if path.startswith(API_PREFIX):
            kind = "api"
        elif localised and params and not name.startswith("admin:"):
            kind = "page"
        else:
            continue
        assert name not in routes, f"two routes are named {name}"
        routes[name] = Route(name, path, kind, _methods(callback), params)
    return routes


# --- Running a table -----------------------------------------------------------------------------
def outcome(response) -> str:
    if response.status_code == 302:
        login = reverse("account_login")  # in the language of the page asked for
        return "login" if response["Location"].startswith(login) else "302"
    return str(response.status_code)


def run_table(tbl: Table, world: World, routes: dict[str, Route]) -> list[str]:
    """Make every request of ``tbl`` as every person; return the cells that differ."""
    clients = {}
    for person in tbl.people:
        client = Client(raise_request_exception=False)
        if world.people[person] is not None:
            client.force_login(world.people[person])
        clients[person] = client
    # Build every record first: the requests' savepoints must not undo them.
    prepared = []
    for row in tbl.rows:
        route = routes[row.route]
        available = world.kwargs(row.record, row.route)
        kwargs = {name: available[name] for name in route.parameters}
        prepared.append((row, route, reverse(row.route, kwargs=kwargs)))
    differences = []
    for row, route, url in prepared:
        actual = []
        for person, expected in zip(tbl.people, row.expected, strict=True):
            world.person = person
            body = PAYLOADS.get((row.route, row.method), {})
            if callable(body):
                body = body(world)
            with transaction.atomic():
                response = send(clients[person], row.method, url, body, api=route.kind == "api")
                transaction.set_rollback(True)
            cache.clear()
            got = outcome(response)
            actual.append(got)
            if got != expected:
                error = getattr(response, "exc_info", None)
                detail = f" ({error[1]!r})" if error else ""
                differences.append(
                    f"{row.route} {row.method} {row.record} as {person}: "
                    f"expected {expected}, got {got}{detail}"
                )
        if actual != list(row.expected):
            cells = " ".join(actual)
            differences.append(f"    actual row: {row.route} {row.method} {row.record} {cells}")
    return differences


def send(client: Client, method: str, url: str, body: dict, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url)


@pytest.fixture
def world(
    learner,
    focal_point_a,
    focal_point_b,
    member_x,
    member_y,
    reviewer_user,
    helpdesk_user,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    people = make_people(
        learner, focal_point_a, focal_point_b, member_x, member_y, reviewer_user, helpdesk_user
    )
    return World(people)


@pytest.mark.parametrize("tbl", TABLES, ids=[t.name for t in TABLES])
def test_permission_matrix(tbl: Table, world: World):
    routes = portal_routes()
    differences = run_table(tbl, world, routes)
    assert not differences, "\n".join(differences)


def test_every_route_is_in_the_matrix():
    routes = portal_routes()
    covered = {(row.route, row.method) for tbl in TABLES for row in tbl.rows}
    missing = [
        f"{route.kind} {route.name} {method} ({route.path})"
        for route in routes.values()
        if route.name not in EXEMPT
        for method in route.methods
        if (route.name, method) not in covered
    ]
    unknown = sorted({route for route, _method in covered} - set(routes))
    assert not unknown, f"rows name routes that do not exist: {unknown}"
    assert not missing, "routes without a row in the permission matrix:\n" + "\n".join(missing)
