"""Country profiles: the service that changes them, the form, the list of Parties, one Party's
page and the page where its focal points keep it, the admin.

The people are those of ``conftest.py``: Amani (focal point of Kenya, country A), Beatriz (focal
point of Brazil, country B), Xavier (member of partner organisation X), Lea (learner), Hana (help
desk), Sam (site administrator), and the anonymous visitor.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from chm_portal.vocabularies.models import Country, GBFTarget
from monitoring.forms import CountryProfileForm
from monitoring.models import MATURITY_SUPPORT_ACTIONS, CountryProfile, MaturityLevel
from monitoring.selectors import countries as selectors
from monitoring.services import update_country_profile
from monitoring.tests.factories import CountryProfileFactory, IndicatorValueFactory
from needs.models import Assessment, AssessmentEntry
from tests.factories import CountryFactory, MatchNeedFactory

pytestmark = pytest.mark.django_db

LIST = "monitoring:countries"
PAGE = "monitoring:country"
EDIT = "monitoring:country-edit"

# Who may edit Kenya's profile (the rule monitoring.edit_country_profile).
EDITORS = ["focal_point_a", "helpdesk_user", "site_admin"]
NOT_EDITORS = ["learner", "focal_point_b", "member_x"]

GOOD_POST = {
    "maturity_level": "3",
    "national_chm_url": "https://chm.kenya.example",
    "support_requested": "Training in web publishing for two officers.",
    "notes": "The website went online in March.",
}


def html_of(text) -> str:
    """``text`` as a page shows it (escaped), lazy translations included."""
    return str(escape(str(text)))


def person(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def sign_in(client, user):
    if user is not None:
        client.force_login(user)


# --- The service --------------------------------------------------------------------------------
def test_a_focal_point_describes_their_country_and_the_change_is_signed(focal_point_a, country_a):
    before = timezone.now()

    profile = update_country_profile(
        user=focal_point_a,
        country=country_a,
        maturity_level=3,
        national_chm_url=" https://chm.kenya.example ",
        support_requested="Training.",
    )

    stored = CountryProfile.objects.get(country=country_a)
    assert stored.maturity_level == 3
    assert stored.national_chm_url == "https://chm.kenya.example"  # trimmed
    assert stored.updated_by == focal_point_a
    assert stored.updated_at >= before
    assert profile.recommended_support == MATURITY_SUPPORT_ACTIONS[MaturityLevel.WEB_PRESENCE]


@pytest.mark.parametrize("name", ["learner", "focal_point_b", "member_x"])
def test_people_who_do_not_keep_the_profile_are_refused(request, country_a, name):
    with pytest.raises(PermissionDenied):
        update_country_profile(user=request.getfixturevalue(name), country=country_a, notes="x")
    assert not CountryProfile.objects.filter(country=country_a).exists()


def test_only_parties_have_a_profile(helpdesk_user):
    territory = CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    with pytest.raises(ValidationError):
        update_country_profile(user=helpdesk_user, country=territory, maturity_level=1)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"maturity_level": 7}, "maturity_level"),
        ({"national_chm_url": "not a web address"}, "national_chm_url"),
        ({"notes": "<script>alert(1)</script>"}, "notes"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(focal_point_a, country_a, fields, field):
    CountryProfileFactory(country=country_a, maturity_level=2, notes="Kept")
    with pytest.raises(ValidationError) as refused:
        update_country_profile(user=focal_point_a, country=country_a, **fields)
    assert field in refused.value.message_dict
    stored = CountryProfile.objects.get(country=country_a)
    assert (stored.maturity_level, stored.notes, stored.updated_by) == (2, "Kept", None)


def test_unknown_fields_are_refused(focal_point_a, country_a):
    with pytest.raises(ValidationError):
        update_country_profile(user=focal_point_a, country=country_a, updated_by=None)


# --- The form -------------------------------------------------------------------------------------
def test_the_form_shows_every_level_with_its_recommended_action():
    form = CountryProfileForm(initial={"maturity_level": 0})
    options = form.level_options()
    assert [radio.data["value"] for radio, _action in options] == [0, 1, 2, 3, 4, 5]
    assert [action for _radio, action in options] == [
        MATURITY_SUPPORT_ACTIONS[level] for level in MaturityLevel
    ]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_form_refuses_a_level_7_and_a_bad_url_with_translated_errors(language):
    with translation.override(language):
        form = CountryProfileForm(
            data={**GOOD_POST, "maturity_level": "7", "national_chm_url": "chm kenya"}
        )
        assert not form.is_valid()
        expected_url = str(forms.URLField().error_messages["invalid"])
        expected_choice = str(forms.ChoiceField().error_messages["invalid_choice"]) % {"value": "7"}
        assert form.errors["national_chm_url"] == [expected_url]
        assert form.errors["maturity_level"] == [expected_choice]


# --- The list of Parties --------------------------------------------------------------------------
def test_the_list_shows_parties_with_their_level_and_missing_profiles_at_level_0(
    client, country_a, country_b
):
    CountryProfileFactory(country=country_a, maturity_level=4)
    CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    parties = Country.objects.filter(is_cbd_party=True).count()

    response = client.get(reverse(LIST), {"q": "a"})  # Kenya, Brazil... contain an "a"
    everything = client.get(reverse(LIST))

    assert everything.status_code == 200
    assert everything.context["page_obj"].paginator.count == parties
    assert len(everything.context["countries"]) == min(parties, 50)
    distribution = {row.level: row.count for row in everything.context["distribution"]}
    # Kenya at 4, every other Party (with no profile) at 0.
    assert distribution == {0: parties - 1, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    assert response.status_code == 200
    assert "Not a Party" not in response.content.decode()


def test_the_list_filters_by_region_group_level_and_name(client, country_a, country_b):
    CountryProfileFactory(country=country_a, maturity_level=3)
    CountryProfileFactory(country=country_b, maturity_level=3)

    level_3 = client.get(reverse(LIST), {"level": "3"})
    in_africa = client.get(reverse(LIST), {"level": "3", "region": "002"})
    by_name = client.get(reverse(LIST), {"q": "keny"})
    by_code = client.get(reverse(LIST), {"q": "br"})
    level_0 = client.get(reverse(LIST), {"level": "0", "q": "Kenya"})

    codes = lambda response: [c.code for c in response.context["countries"]]  # noqa: E731
    assert codes(level_3) == ["BR", "KE"]
    assert codes(in_africa) == ["KE"]
    assert codes(by_name) == ["KE"]
    assert "BR" in codes(by_code)
    assert codes(level_0) == []  # Kenya is described, at level 3


def test_the_list_filters_by_country_group(client):
    ldc = CountryFactory(code="XL", name="Least developed Party", is_cbd_party=True, is_ldc=True)
    Country.objects.filter(is_ldc=True).exclude(pk=ldc.pk).update(is_ldc=False)

    response = client.get(reverse(LIST), {"country_group": "LDC"})

    assert [c.code for c in response.context["countries"]] == ["XL"]


def test_a_bad_filter_is_explained_and_lists_nothing(client):
    response = client.get(reverse(LIST), {"level": "7", "region": "999"})
    assert response.status_code == 200
    assert response.context["countries"] == []
    assert set(response.context["filterset"].errors) == {"level", "region"}
    assert "Some filters could not be applied" in response.content.decode()


def test_the_list_shows_stored_figures_of_the_latest_day(client, country_a):
    today = datetime.date(2026, 6, 30)
    IndicatorValueFactory(indicator="1.3", date=today, value=12)
    IndicatorValueFactory(indicator="1.3", date=today, dimension="country", key="KE", value=5)
    IndicatorValueFactory(
        indicator="1.3", date=today - datetime.timedelta(days=30), dimension="country", key="KE"
    )

    response = client.get(reverse(LIST), {"q": "Kenya"})

    (kenya,) = response.context["countries"]
    assert kenya.published_requests == 5  # the latest day's, not the month before's
    assert kenya.matches is None  # 5.1 never computed
    assert response.context["figures_as_of"] == today


def _many_profiles(count: int) -> None:
    today = datetime.date(2026, 6, 30)
    parties = list(Country.objects.filter(is_cbd_party=True).order_by("code")[:count])
    for number, country in enumerate(parties):
        CountryProfileFactory(country=country, maturity_level=number % 6)
        for code in ("1.3", "5.1"):
            IndicatorValueFactory(
                indicator=code, date=today, dimension="country", key=country.code, value=number
            )
    IndicatorValueFactory(indicator="1.3", date=today, value=100)
    IndicatorValueFactory(indicator="5.1", date=today, value=100)


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_takes_the_same_queries_whatever_the_number_of_profiles(
    client, django_assert_num_queries, count
):
    _many_profiles(count)
    # 1 count of the page, 2 the page of Parties (region and profile joined), 3 the stored
    # figures of the page's Parties, 4 the levels' distribution, 5 regions and 6 country groups
    # of the filters.
    with django_assert_num_queries(6):
        response = client.get(reverse(LIST))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_list_renders_in_french_and_spanish(client, country_a, language):
    CountryProfileFactory(country=country_a, maturity_level=2)
    with translation.override(language):
        url = reverse(LIST)
    response = client.get(url, {"level": "2"})
    assert url.startswith(f"/{language}/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    with translation.override(language):
        assert html_of(MaturityLevel(2).label) in response.content.decode()


# --- One Party's page -----------------------------------------------------------------------------
@pytest.fixture
def kenya_on_record(country_a, country_b, focal_point_a):
    """Kenya's requests, assessment and stored indicators, worked out by hand in the tests."""
    CountryProfileFactory(
        country=country_a,
        maturity_level=MaturityLevel.NO_WEBSITE,
        support_requested="Hosting for a first website.",
        updated_at=timezone.now(),
        updated_by=focal_point_a,
    )
    # Requests: 2 public published, 1 restricted published, 1 matched, 1 submitted, 1 draft
    # (not counted), and one of Brazil (not counted).
    for title in ("Waterbird census", "Mangrove nursery"):
        MatchNeedFactory(country=country_a, title=title)
    MatchNeedFactory(country=country_a, title="Restricted request", visibility="restricted")
    MatchNeedFactory(country=country_a, title="Invasive species survey", status="matched")
    MatchNeedFactory(country=country_a, title="Awaiting triage", status="submitted")
    MatchNeedFactory(country=country_a, title="Still a draft", status="draft")
    MatchNeedFactory(country=country_b, title="Amazon fire monitoring")
    # The submitted assessment of 2025 (a 2026 draft does not count). Gap = 4 - mean of scores:
    # T1 4 - (1+1+1)/3 = 3.0; T2 4 - (4+4)/2 = 0.0; T3 4 - 0/1 = 4.0; T4 unscored, left out.
    submitted = Assessment.objects.create(country=country_a, cycle=2025, status="submitted")
    draft = Assessment.objects.create(country=country_a, cycle=2026, status="draft")
    targets = {t.code: t for t in GBFTarget.objects.filter(code__in=["GBF-T1", "GBF-T2"])}
    targets.update({t.code: t for t in GBFTarget.objects.filter(code__in=["GBF-T3", "GBF-T4"])})
    AssessmentEntry.objects.create(
        assessment=submitted,
        target=targets["GBF-T1"],
        capacity_individual=1,
        capacity_organisational=1,
        capacity_systemic=1,
    )
    AssessmentEntry.objects.create(
        assessment=submitted,
        target=targets["GBF-T2"],
        capacity_individual=4,
        capacity_organisational=4,
    )
    AssessmentEntry.objects.create(
        assessment=submitted, target=targets["GBF-T3"], capacity_individual=0
    )
    AssessmentEntry.objects.create(assessment=submitted, target=targets["GBF-T4"])
    AssessmentEntry.objects.create(assessment=draft, target=targets["GBF-T4"], capacity_systemic=0)
    # Stored values: the latest day counts; 5.2 computed without a Kenyan row is 0; 3.3 never
    # computed is "not available".
    today, before = datetime.date(2026, 6, 30), datetime.date(2026, 5, 31)
    for code, total, kenya in (("1.3", 40, 3), ("5.1", 9, 2), ("10.1", 20, 7)):
        IndicatorValueFactory(indicator=code, date=today, value=total)
        IndicatorValueFactory(
            indicator=code, date=today, dimension="country", key="KE", value=kenya
        )
        IndicatorValueFactory(indicator=code, date=before, dimension="country", key="KE", value=99)
    IndicatorValueFactory(indicator="5.2", date=today, value=4)
    IndicatorValueFactory(indicator="5.2", date=today, dimension="country", key="BR", value=4)
    return country_a


def test_the_profile_data_are_counted_by_hand(kenya_on_record):
    data = selectors.country_profile_data(selectors.party_by_code("KE"))

    # published 2 public + 1 restricted = 3; matched 1; submitted 1; total 5 (no draft).
    assert [(status, count) for status, _label, count in data.status_counts] == [
        ("submitted", 1),
        ("published", 3),
        ("matched", 1),
    ]
    assert data.requests_total == 5
    # Public ones only: the restricted, submitted, draft and Brazilian requests are not listed.
    assert sorted(need.title for need in data.recent_requests) == [
        "Invasive species survey",
        "Mangrove nursery",
        "Waterbird census",
    ]
    assert data.figures == {
        "needs": 3,
        "matches": 2,
        "projects": 0,
        "learners": None,
        "alumni": 7,
    }
    assert data.figures_as_of == datetime.date(2026, 6, 30)
    assert data.assessment.cycle == 2025
    assert [(gap["code"], gap["gap"]) for gap in data.largest_gaps] == [
        ("GBF-T3", 4.0),
        ("GBF-T1", 3.0),
        ("GBF-T2", 0.0),
    ]
    assert data.level == 2
    assert data.recommended_support == MATURITY_SUPPORT_ACTIONS[MaturityLevel.NO_WEBSITE]


def test_the_profile_page_shows_what_a_visitor_needs(client, kenya_on_record):
    response = client.get(reverse(PAGE, args=["KE"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Kenya</h1>" in page
    assert html_of(MaturityLevel.NO_WEBSITE.label) in page
    assert html_of(MATURITY_SUPPORT_ACTIONS[MaturityLevel.NO_WEBSITE]) in page
    assert "Hosting for a first website." in page
    assert "Requests of Kenya by status" in page  # the table's caption
    assert "Waterbird census" in page and "Restricted request" not in page
    assert "Amazon fire monitoring" not in page
    assert "Target 3" in page and "4.0" in page
    assert "assessment of 2025" in page
    assert "Edit the profile" not in page  # anonymous


def test_a_party_without_profile_is_at_level_0_not_yet_described(client, country_b):
    response = client.get(reverse(PAGE, args=["br"]))  # any case

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["profile"] is None
    assert "not yet described" in page
    assert html_of(MATURITY_SUPPORT_ACTIONS[MaturityLevel.NO_FOCAL_POINT]) in page
    assert "has not submitted a capacity assessment yet" in page
    assert "The indicators have not been computed yet." in page


@pytest.mark.parametrize("code", ["XQ", "ZZ", "KEN"])
def test_codes_that_are_not_parties_are_404(client, code):
    CountryFactory(code="XQ", name="Not a Party", is_cbd_party=False)
    assert client.get(reverse(PAGE, args=[code])).status_code == 404
    assert client.get(reverse(EDIT, args=[code])).status_code in (302, 404)


@pytest.mark.parametrize("requests", [1, 25])
def test_the_profile_takes_the_same_queries_whatever_the_data(
    client, country_a, django_assert_num_queries, requests
):
    CountryProfileFactory(country=country_a, maturity_level=1)
    for number in range(requests):
        MatchNeedFactory(country=country_a, status="published" if number % 2 else "submitted")
    assessment = Assessment.objects.create(country=country_a, cycle=2025, status="submitted")
    for target in GBFTarget.objects.order_by("number")[: min(requests, 23)]:
        AssessmentEntry.objects.create(assessment=assessment, target=target, capacity_systemic=1)
    for day in range(requests):
        IndicatorValueFactory(
            indicator="1.3",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            dimension="country",
            key="KE",
        )
    # 1 the Party with its region and profile, 2 request counts by status, 3 the stored values,
    # 4 the latest submitted assessment, 5 its largest gaps, 6 the titles of their targets,
    # 7 the latest public requests.
    with django_assert_num_queries(7):
        response = client.get(reverse(PAGE, args=["KE"]))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_profile_renders_in_french_and_spanish(client, kenya_on_record, language):
    with translation.override(language):
        url = reverse(PAGE, args=["KE"])
        action = html_of(MATURITY_SUPPORT_ACTIONS[MaturityLevel.NO_WEBSITE])
    response = client.get(url)
    assert url.startswith(f"/{language}/")
    assert response.status_code == 200
    assert action in response.content.decode()


# --- Who may edit: the permission matrix ---------------------------------------------------------
@pytest.mark.parametrize("name", ["anonymous", *NOT_EDITORS, *EDITORS])
def test_the_edit_link_is_shown_to_those_who_may_edit(request, client, country_a, name):
    sign_in(client, person(request, name))
    page = client.get(reverse(PAGE, args=["KE"])).content.decode()
    assert ("Edit the profile" in page) == (name in EDITORS)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("anonymous", 302),
        ("learner", 403),
        ("focal_point_b", 403),  # a focal point of another country
        ("member_x", 403),  # a partner
        ("focal_point_a", 200),
        ("helpdesk_user", 200),
        ("site_admin", 200),
    ],
)
def test_who_may_open_and_save_the_edit_page(request, client, country_a, name, expected):
    sign_in(client, person(request, name))
    url = reverse(EDIT, args=["KE"])

    shown = client.get(url)
    saved = client.post(url, GOOD_POST)

    assert shown.status_code == expected
    if expected == 200:
        assert saved.status_code == 302
        assert saved["Location"] == reverse(PAGE, args=["KE"])
        profile = CountryProfile.objects.get(country=country_a)
        assert profile.maturity_level == 3
        assert profile.national_chm_url == GOOD_POST["national_chm_url"]
        assert profile.updated_by == person(request, name)
    else:
        assert saved.status_code == expected
        if expected == 302:
            assert reverse("account_login") in saved["Location"]
        assert not CountryProfile.objects.filter(country=country_a).exists()


def test_saving_says_so_and_the_page_shows_the_new_level(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(reverse(EDIT, args=["KE"]), GOOD_POST, follow=True)

    page = response.content.decode()
    assert "The profile of Kenya is saved." in page
    assert html_of(MaturityLevel.WEB_PRESENCE.label) in page
    assert "https://chm.kenya.example" in page


def test_the_edit_page_shows_each_level_with_its_action(client, focal_point_a, country_a):
    CountryProfileFactory(country=country_a, maturity_level=4)
    client.force_login(focal_point_a)

    response = client.get(reverse(EDIT, args=["KE"]))

    page = response.content.decode()
    for level in MaturityLevel:
        assert html_of(MATURITY_SUPPORT_ACTIONS[level]) in page
    assert 'value="4" id="id_maturity_level_4"' in page
    assert 'id="id_maturity_level_4" aria-describedby="id_maturity_level_4_action" checked' in page


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_bad_input_is_explained_in_the_language_and_nothing_is_lost(
    client, focal_point_a, country_a, language
):
    CountryProfileFactory(country=country_a, maturity_level=1, notes="Before")
    client.force_login(focal_point_a)
    with translation.override(language):
        url = reverse(EDIT, args=["KE"])
        expected = str(forms.URLField().error_messages["invalid"])
    typed = {**GOOD_POST, "maturity_level": "7", "national_chm_url": "chm kenya"}

    response = client.post(url, typed)

    page = response.content.decode()
    assert response.status_code == 200
    assert html_of(expected) in page
    assert set(response.context["form"].errors) == {"maturity_level", "national_chm_url"}
    assert GOOD_POST["support_requested"] in page  # what was typed is still there
    assert 'value="chm kenya"' in page
    stored = CountryProfile.objects.get(country=country_a)
    assert (stored.maturity_level, stored.notes) == (1, "Before")


def test_markup_refused_by_the_model_is_shown_on_its_field(client, focal_point_a, country_a):
    client.force_login(focal_point_a)

    response = client.post(reverse(EDIT, args=["KE"]), {**GOOD_POST, "notes": "<b>bold</b> claims"})

    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    assert not CountryProfile.objects.filter(country=country_a).exists()


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_edit_page_renders_in_french_and_spanish(client, focal_point_a, country_a, language):
    client.force_login(focal_point_a)
    with translation.override(language):
        url = reverse(EDIT, args=["KE"])
    response = client.get(url)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


# --- The admin ------------------------------------------------------------------------------------
def test_the_help_desk_lists_filters_and_changes_profiles_in_the_admin(
    client, helpdesk_user, country_a, country_b
):
    CountryProfileFactory(country=country_a, maturity_level=1)
    CountryProfileFactory(country=country_b, maturity_level=4)
    client.force_login(helpdesk_user)
    changelist = reverse("admin:monitoring_countryprofile_changelist")

    by_level = client.get(changelist, {"maturity_level__exact": "4"})
    by_region = client.get(changelist, {"region": "002"})
    searched = client.get(changelist, {"q": "Kenya"})
    saved = client.post(
        reverse("admin:monitoring_countryprofile_change", args=[country_a.pk]),
        {**GOOD_POST, "maturity_level": "2"},
    )

    assert [p.country.code for p in by_level.context["cl"].result_list] == ["BR"]
    assert [p.country.code for p in by_region.context["cl"].result_list] == ["KE"]
    assert [p.country.code for p in searched.context["cl"].result_list] == ["KE"]
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    profile = CountryProfile.objects.get(country=country_a)
    assert (profile.maturity_level, profile.updated_by) == (2, helpdesk_user)


def test_the_site_admin_adds_a_profile_for_a_party_in_the_admin(client, site_admin, country_b):
    client.force_login(site_admin)

    response = client.post(
        reverse("admin:monitoring_countryprofile_add"),
        {**GOOD_POST, "country": country_b.pk},
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    profile = CountryProfile.objects.get(country=country_b)
    assert (profile.maturity_level, profile.updated_by) == (3, site_admin)


def test_people_without_a_staff_role_do_not_reach_the_admin(client, focal_point_a, country_a):
    CountryProfileFactory(country=country_a)
    client.force_login(focal_point_a)
    response = client.get(reverse("admin:monitoring_countryprofile_change", args=[country_a.pk]))
    assert response.status_code == 302  # to the admin's sign-in page


@pytest.mark.parametrize("name", ["helpdesk_user", "site_admin"])
def test_the_admin_page_of_a_profile_renders(request, client, country_a, name):
    CountryProfileFactory(country=country_a, maturity_level=2)
    client.force_login(request.getfixturevalue(name))
    shown = client.get(reverse("admin:monitoring_countryprofile_change", args=[country_a.pk]))
    assert shown.status_code == 200
    assert "Kenya" in shown.content.decode()
