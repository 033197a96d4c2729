"""Who may do what with requests for assistance and assessments: the rules, as one table.

Columns are the named people; a ``Y`` means ``person.has_perm(permission, object)`` is true.

- anon: a visitor who is not signed in; lea: a learner with no role
- amani: CHM focal point of Kenya; baraka: CBD focal point of Kenya; beatriz: focal point of Brazil
- naira: member of an IPLC organisation; xavier: administrator of a partner (not IPLC)
- hana: help desk; sam: site administrator

Objects:

- ``kenyan_draft``: Amani's draft for Kenya; ``brazilian_draft``: Beatriz's draft for Brazil
- ``kenyan_published``: a Kenyan request published for everyone
- ``kenyan_restricted``: a Kenyan request published for the help desk and chosen partners only
- ``kenyan_fulfilled``: a Kenyan request whose support was delivered (nothing left to withdraw)
- ``iplc_draft``: Naira's draft for Kenya (her organisation's request; Kenya's focal points see it)
- ``kenyan_assessment``: Kenya's capacity assessment
- ``-``: no object (may the person do this at all?)
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from needs import services
from needs.models import Need

pytestmark = pytest.mark.django_db

PEOPLE = ("anon", "lea", "amani", "baraka", "beatriz", "naira", "xavier", "hana", "sam")
PERSON_FIXTURE = {
    "lea": "learner",
    "amani": "focal_point_a",
    "baraka": "colleague_a",
    "beatriz": "focal_point_b",
    "naira": "iplc_member",
    "xavier": "member_x",
    "hana": "helpdesk_user",
    "sam": "site_admin",
}

MATRIX = """
permission               object              anon lea amani baraka beatriz naira xavier hana sam
needs.add_need           -                   .    .   Y     Y      Y       Y     .      Y    Y

needs.view_need          kenyan_draft        .    .   Y     Y      .       .     .      Y    Y
needs.view_need          kenyan_published    Y    Y   Y     Y      Y       Y     Y      Y    Y
needs.view_need          kenyan_restricted   .    .   Y     Y      .       .     .      Y    Y
needs.view_need          brazilian_draft     .    .   .     .      Y       .     .      Y    Y
needs.view_need          iplc_draft          .    .   Y     Y      .       Y     .      Y    Y

needs.view_need_private  kenyan_draft        .    .   Y     Y      .       .     .      Y    Y
needs.view_need_private  kenyan_published    .    .   Y     Y      .       .     .      Y    Y
needs.view_need_private  kenyan_restricted   .    .   Y     Y      .       .     .      Y    Y
needs.view_need_private  brazilian_draft     .    .   .     .      Y       .     .      Y    Y
needs.view_need_private  iplc_draft          .    .   Y     Y      .       Y     .      Y    Y

needs.change_need        kenyan_draft        .    .   Y     Y      .       .     .      Y    Y
needs.change_need        kenyan_published    .    .   .     .      .       .     .      Y    Y
needs.change_need        kenyan_restricted   .    .   .     .      .       .     .      Y    Y
needs.change_need        brazilian_draft     .    .   .     .      Y       .     .      Y    Y
needs.change_need        iplc_draft          .    .   Y     Y      .       Y     .      Y    Y

needs.withdraw_need      kenyan_draft        .    .   Y     Y      .       .     .      Y    Y
needs.withdraw_need      kenyan_published    .    .   Y     Y      .       .     .      Y    Y
needs.withdraw_need      kenyan_restricted   .    .   Y     Y      .       .     .      Y    Y
needs.withdraw_need      kenyan_fulfilled    .    .   .     .      .       .     .      .    .
needs.withdraw_need      brazilian_draft     .    .   .     .      Y       .     .      Y    Y
needs.withdraw_need      iplc_draft          .    .   Y     Y      .       Y     .      Y    Y

needs.message_need       kenyan_draft        .    .   Y     Y      .       .     .      Y    Y
needs.message_need       kenyan_published    .    .   Y     Y      .       .     .      Y    Y
needs.message_need       kenyan_restricted   .    .   Y     Y      .       .     .      Y    Y
needs.message_need       brazilian_draft     .    .   .     .      Y       .     .      Y    Y
needs.message_need       iplc_draft          .    .   Y     Y      .       Y     .      Y    Y

needs.triage_need        -                   .    .   .     .      .       .     .      Y    Y
needs.triage_need        kenyan_draft        .    .   .     .      .       .     .      Y    Y
needs.triage_need        kenyan_published    .    .   .     .      .       .     .      Y    Y
needs.triage_need        brazilian_draft     .    .   .     .      .       .     .      Y    Y

needs.delete_need        kenyan_draft        .    .   .     .      .       .     .      .    .

needs.view_assessment    kenyan_assessment   .    .   Y     Y      .       .     .      Y    Y
needs.change_assessment  kenyan_assessment   .    .   Y     Y      .       .     .      Y    Y
"""


def _rows():
    lines = [line.split() for line in MATRIX.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[2:]) == PEOPLE
    cases = []
    for permission, obj, *marks in rows:
        assert len(marks) == len(PEOPLE), f"{permission} {obj}: {len(marks)} columns"
        assert set(marks) <= {"Y", "."}
        cases.append(pytest.param(permission, obj, marks, id=f"{permission}-{obj}"))
    return cases


@pytest.fixture
def objects(
    make_need, focal_point_a, focal_point_b, country_b, iplc_member, helpdesk_user, need_in_status
):
    """Every object of the table, made through the services."""
    published = services.need_submit(need=make_need(title="Public"), by=focal_point_a)
    services.need_publish(need=published, by=helpdesk_user)
    restricted = services.need_submit(
        need=make_need(title="Restricted", visibility=Need.Visibility.RESTRICTED), by=focal_point_a
    )
    services.need_publish(need=restricted, by=helpdesk_user)
    return {
        "-": None,
        "kenyan_draft": make_need(title="Kenyan draft"),
        "kenyan_published": published,
        "kenyan_restricted": restricted,
        "kenyan_fulfilled": need_in_status(Need.Status.FULFILLED),
        "brazilian_draft": make_need(by=focal_point_b, country=country_b, title="Brazilian draft"),
        "iplc_draft": make_need(by=iplc_member, title="Community conservancy rangers"),
        "kenyan_assessment": services.assessment_start(
            country=focal_point_a.focal_points.get().country, cycle=2026, by=focal_point_a
        ),
    }


@pytest.mark.parametrize(("permission", "obj", "marks"), _rows())
def test_permission_matrix(request, objects, permission, obj, marks):
    """One row of the table: what each person is answered, as ``Y`` or ``.``."""
    target = objects[obj]
    answers = []
    for person in PEOPLE:
        user = (
            AnonymousUser() if person == "anon" else request.getfixturevalue(PERSON_FIXTURE[person])
        )
        allowed = user.has_perm(permission) if target is None else user.has_perm(permission, target)
        answers.append("Y" if allowed else ".")

    assert dict(zip(PEOPLE, answers, strict=True)) == dict(zip(PEOPLE, marks, strict=True))


def test_objects_are_what_the_table_says(objects, iplc_member):
    assert objects["kenyan_published"].is_public
    assert objects["kenyan_restricted"].status == Need.Status.PUBLISHED
    assert not objects["kenyan_restricted"].is_public
    assert objects["iplc_draft"].created_by == iplc_member
    assert objects["iplc_draft"].requester_kind == Need.RequesterKind.IPLC
    assert objects["kenyan_fulfilled"].status == Need.Status.FULFILLED


def test_checking_a_list_of_requests_costs_no_query_per_request(
    objects, focal_point_a, django_assert_num_queries
):
    needs = [value for key, value in objects.items() if key.endswith(("_draft", "_published"))]
    focal_point_a.has_perm("needs.view_need", needs[0])  # reads and keeps the person's roles

    with django_assert_num_queries(0):
        allowed = [focal_point_a.has_perm("needs.change_need", need) for need in needs]

    assert allowed == [True, False, False, True]
