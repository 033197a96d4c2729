"""Pages of the alumni network: the directory (signed-in people, opted-in alumni only, filters,
constant queries), profiles, and editing one's own profile."""

import pytest
from django.urls import reverse
from django.utils.text import slugify

from chm_portal.vocabularies.models import Language, ThematicArea
from elearning.models import Alumnus, Participation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "elearning:alumni_directory"


def alumnus(name, *, in_directory=True, country=None, user=None, kind="workshop", **fields):
    person = Alumnus.objects.create(
        full_name=name,
        email=f"{slugify(name.split()[0])}@example.org",
        in_directory=in_directory,
        country=country,
        user=user,
        **fields,
    )
    Participation.objects.create(
        alumnus=person, kind=kind, activity=f"{kind.title()} on mangroves", year=2024
    )
    return person


@pytest.fixture
def people(country_a, country_b):
    wanjiru = alumnus("Wanjiru Kamau", country=country_a, kind="fellowship")
    wanjiru.expertise.set([ThematicArea.objects.order_by("pk").first()])
    wanjiru.languages.set([Language.objects.get(code="sw")])
    joao = alumnus("João Silva", country=country_b)
    joao.languages.set([Language.objects.get(code="pt")])
    hidden = alumnus("Hidden Person", in_directory=False, country=country_a)
    return {"wanjiru": wanjiru, "joao": joao, "hidden": hidden}


def test_the_directory_needs_signing_in(client, people):
    response = client.get(reverse(DIRECTORY))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_directory_shows_opted_in_alumni_only(client, learner, people):
    client.force_login(learner)
    page = client.get(reverse(DIRECTORY)).content.decode()

    assert "Wanjiru Kamau" in page and "João Silva" in page
    assert "Hidden Person" not in page
    assert "How to join the alumni network" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "KE"}, ["Wanjiru Kamau"]),
        ({"region": "019"}, ["João Silva"]),  # the Americas
        ({"language": "pt"}, ["João Silva"]),
        ({"kind": "fellowship"}, ["Wanjiru Kamau"]),
        ({"q": "wanjiru"}, ["Wanjiru Kamau"]),
    ],
)
def test_the_directory_filters(client, learner, people, query, expected):
    client.force_login(learner)
    response = client.get(reverse(DIRECTORY), query)
    names = [person.full_name for person in response.context["alumni"]]
    assert names == expected


def test_the_directory_filters_by_expertise(client, learner, people):
    client.force_login(learner)
    code = ThematicArea.objects.order_by("pk").first().code
    response = client.get(reverse(DIRECTORY), {"expertise": code})
    assert [person.full_name for person in response.context["alumni"]] == ["Wanjiru Kamau"]


def test_an_unknown_code_is_an_error_not_everyone(client, learner, people):
    client.force_login(learner)
    response = client.get(reverse(DIRECTORY), {"country": "ZZ"})
    assert list(response.context["alumni"]) == []
    assert "Some filters could not be applied" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_directory_has_constant_queries(
    client, learner, country_a, django_assert_max_num_queries, count
):
    areas = list(ThematicArea.objects.all()[:2])
    languages = list(Language.objects.filter(code__in=["en", "fr"]))
    for number in range(count):
        person = alumnus(f"Person{number:02d} Example", country=country_a)
        person.expertise.set(areas)
        person.languages.set(languages)
    client.force_login(learner)

    # session, user, own alumnus, count, page, expertise, languages, participations,
    # countries, regions, areas, languages, inbox badge.
    with django_assert_max_num_queries(13):
        response = client.get(reverse(DIRECTORY))
    assert response.status_code == 200
    assert len(response.context["alumni"]) == min(count, 20)


def test_profiles_of_the_directory_and_ones_own(client, learner, people):
    own = alumnus("Lea Martin", in_directory=False, user=learner)
    client.force_login(learner)

    assert (
        client.get(reverse("elearning:alumni_profile", args=[people["joao"].pk])).status_code == 200
    )
    assert (
        client.get(reverse("elearning:alumni_profile", args=[people["hidden"].pk])).status_code
        == 404
    )
    page = client.get(reverse("elearning:alumni_profile", args=[own.pk])).content.decode()
    assert "only you see it" in page


def test_profiles_need_signing_in(client, people):
    response = client.get(reverse("elearning:alumni_profile", args=[people["joao"].pk]))
    assert response.status_code == 302


def test_people_edit_their_own_profile(client, learner, country_a):
    own = alumnus("Lea Martin", in_directory=False, user=learner)
    client.force_login(learner)
    url = reverse("elearning:alumni_profile_edit")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "full_name": "Léa Martin",
            "in_directory": "on",
            "expertise_note": "Seagrass",
            "bio": "I restore mangroves.",
            "country": country_a.pk,
            "organisation_name": "KFS",
            "position": "Ranger",
            "languages": [Language.objects.get(code="fr").pk],
        },
    )

    assert response.status_code == 302
    stored = Alumnus.objects.get(pk=own.pk)
    assert (stored.full_name, stored.in_directory, stored.position) == (
        "Léa Martin",
        True,
        "Ranger",
    )
    assert [language.code for language in stored.languages.all()] == ["fr"]


def test_markup_in_a_profile_is_refused_and_the_text_kept(client, learner):
    own = alumnus("Lea Martin", in_directory=False, user=learner)
    client.force_login(learner)

    response = client.post(
        reverse("elearning:alumni_profile_edit"),
        {"full_name": "Lea Martin", "bio": "<script>alert(1)</script>", "in_directory": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Remove the HTML markup" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert Alumnus.objects.get(pk=own.pk).in_directory is False


def test_people_who_are_not_alumni_are_told_how_to_become_one(client, learner):
    client.force_login(learner)
    page = client.get(reverse("elearning:alumni_profile_edit")).content.decode()
    assert "You are not an alumnus yet" in page
    assert not Alumnus.objects.exists()


def test_an_imported_alumnus_finds_their_profile_when_signing_up_later(client, people):
    person = UserFactory(email=people["joao"].email.upper(), full_name="João Silva")
    client.force_login(person)

    page = client.get(reverse("elearning:alumni_profile_edit")).content.decode()

    assert "Save your profile" in page
    assert Alumnus.objects.get(pk=people["joao"].pk).user == person
