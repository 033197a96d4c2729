"""Services of the alumni database: completing a course makes an alumnus (once), imported alumni
are linked to accounts by email, people edit their own profile only, and activity is recorded at
most once a day."""

import datetime

import pytest
from django.contrib.auth import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from chm_portal.vocabularies.models import Language, ThematicArea
from elearning.models import Alumnus, EnrolmentStatus, Participation
from elearning.selectors.alumni import active_alumni
from elearning.services import alumni as services
from tests.factories import CourseFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(learner, country_a, organisation_x):
    course = CourseFactory(title="Mangrove ecology", provider=organisation_x)
    return EnrolmentFactory(
        course=course,
        user=learner,
        country=country_a,
        status=EnrolmentStatus.COMPLETED,
        completed_at=datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC),
    )


def test_completing_a_course_makes_an_alumnus_once(completed, learner, country_a):
    alumnus = services.record_course_completion(enrolment=completed)
    again = services.record_course_completion(enrolment=completed)

    assert again.pk == alumnus.pk
    assert Alumnus.objects.count() == 1
    assert (alumnus.user, alumnus.email, alumnus.full_name, alumnus.country) == (
        learner,
        "lea.martin@example.org",
        "Lea Martin",
        country_a,
    )
    participation = Participation.objects.get()
    assert (participation.kind, participation.activity, participation.year) == (
        "course",
        "Mangrove ecology",
        2026,
    )
    assert participation.course == completed.course
    assert alumnus.last_active_at is not None
    assert alumnus.in_directory is False  # the directory is opt-in


def test_completion_links_an_alumnus_imported_with_the_same_address(completed, learner):
    imported = Alumnus.objects.create(email="LEA.MARTIN@example.org", full_name="Léa Martin")
    Participation.objects.create(
        alumnus=imported, kind="workshop", activity="Mangrove workshop", year=2019
    )

    alumnus = services.record_course_completion(enrolment=completed)

    assert alumnus.pk == imported.pk
    assert Alumnus.objects.get().user == learner
    assert Participation.objects.filter(alumnus=alumnus).count() == 2


def test_a_person_without_a_name_is_named_by_their_address(completed):
    completed.user.full_name = ""
    completed.user.save()
    alumnus = services.record_course_completion(enrolment=completed)
    assert alumnus.full_name == "lea.martin@example.org"


def test_a_stale_address_of_another_account_does_not_block(completed, learner):
    # Pat was an alumnus with Lea's current address, then changed their account's address.
    pat = UserFactory(email="pat@example.org")
    Alumnus.objects.create(user=pat, email="lea.martin@example.org", full_name="Pat")

    alumnus = services.record_course_completion(enrolment=completed)

    assert alumnus.user == learner
    assert Alumnus.objects.get(user=pat).email == "pat@example.org"


def test_people_edit_their_own_profile_only(completed, learner, member_x):
    alumnus = services.record_course_completion(enrolment=completed)
    area = ThematicArea.objects.first()
    french = Language.objects.get(code="fr")

    with pytest.raises(PermissionDenied):
        services.update_profile(alumnus=alumnus, user=member_x, bio="Not mine")

    services.update_profile(
        alumnus=alumnus,
        user=learner,
        in_directory=True,
        expertise=[area],
        languages=[french],
        bio="Mangrove restoration in Kilifi.",
        organisation_name="Kenya Forest Service",
        position="Ranger",
    )

    stored = Alumnus.objects.get()
    assert stored.in_directory is True
    assert list(stored.expertise.all()) == [area]
    assert list(stored.languages.all()) == [french]
    assert stored.position == "Ranger"


def test_markup_in_a_profile_is_refused_and_nothing_saved(completed, learner):
    alumnus = services.record_course_completion(enrolment=completed)

    with pytest.raises(ValidationError) as refused:
        services.update_profile(
            alumnus=alumnus, user=learner, in_directory=True, bio="<img src=x onerror=alert(1)>"
        )

    assert "bio" in refused.value.message_dict
    stored = Alumnus.objects.get()
    assert (stored.bio, stored.in_directory) == ("", False)


def test_unknown_profile_fields_are_refused(completed, learner):
    alumnus = services.record_course_completion(enrolment=completed)
    with pytest.raises(ValidationError, match="Unknown fields: email"):
        services.update_profile(alumnus=alumnus, user=learner, email="x@example.org")


def test_activity_is_written_at_most_once_a_day(completed, learner):
    alumnus = services.record_course_completion(enrolment=completed)
    Alumnus.objects.filter(pk=alumnus.pk).update(
        last_active_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert not active_alumni().exists()

    assert services.touch_alumnus(learner) is True
    assert services.touch_alumnus(learner) is False  # already today
    assert active_alumni().count() == 1


def test_signing_in_counts_as_activity(completed, learner):
    alumnus = services.record_course_completion(enrolment=completed)
    Alumnus.objects.filter(pk=alumnus.pk).update(last_active_at=None)

    user_logged_in.send(sender=type(learner), request=RequestFactory().get("/"), user=learner)

    assert Alumnus.objects.get().last_active_at is not None


def test_people_who_are_not_alumni_are_left_alone(learner):
    assert services.touch_alumnus(learner) is False
    assert services.link_alumnus(user=learner) is None
    assert not Alumnus.objects.exists()


def test_link_alumnus_finds_imports_and_past_completions(completed, learner, member_x):
    imported = Alumnus.objects.create(email=member_x.email, full_name="Xavier Dupont")

    assert services.link_alumnus(user=member_x) == imported
    assert Alumnus.objects.get(pk=imported.pk).user == member_x

    alumnus = services.link_alumnus(user=learner)  # completed a course: becomes an alumnus
    assert alumnus.user == learner
    assert alumnus.participations.get().course == completed.course


def test_only_the_help_desk_imports(learner):
    import tablib

    with pytest.raises(PermissionDenied):
        services.import_participants(dataset=tablib.Dataset(headers=["email"]), by=learner)
