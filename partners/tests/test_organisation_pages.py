"""The pages of partner organisations: the public page (contacts for members only, JSON-LD), the
list's query count, registration (look-alikes, bad input, nothing lost), the profile form's
permission matrix, "my organisations", members and invitations.
"""

import io
import json
import random
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from chm_portal.vocabularies.models import SupportType, ThematicArea
from partners import services
from partners.models import Invitation, Membership, Organisation
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HELPDESK = "helpdesk@chm-portal.example"
REGISTER = "/en/partners/organisations/register/"
MINE = "/en/partners/mine/"


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://chm.example"
    settings.HELPDESK_EMAIL = HELPDESK


@pytest.fixture
def ngo():
    return OrganisationTypeFactory(code="ngo")


def signed_in(client, user):
    client.force_login(user)
    return client


def login_url(next_path: str) -> str:
    return f"/en/accounts/login/?next={next_path}"


def image(kind: str = "PNG", size=(64, 64), noise: bool = False) -> bytes:
    picture = Image.new("RGB", size, "teal")
    if noise:
        # Noise does not compress: 1000 by 1000 pixels make a PNG of about 3 MB.
        pixels = random.Random(4).randbytes(size[0] * size[1] * 3)
        picture = Image.frombytes("RGB", size, pixels)
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    return buffer.getvalue()


def text_of(response) -> str:
    return response.content.decode()


# --- The public page ----------------------------------------------------------------------------
@pytest.fixture
def contacts_x(organisation_x):
    organisation_x.contact_name = "Zawadi Contact"
    organisation_x.contact_email = "zawadi@mangrove-alliance.example"
    organisation_x.contact_phone = "+254 711 000 111"
    organisation_x.description = "Restoring mangroves along the Kenyan coast."
    organisation_x.save()
    return organisation_x


def test_contacts_are_hidden_from_the_public_and_shown_to_members_and_the_help_desk(
    client, contacts_x, member_x, member_y, helpdesk_user
):
    url = f"/en/partners/organisations/{contacts_x.pk}/"
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=contacts_x, role=Membership.Role.EDITOR)

    for visitor in (None, member_y):
        if visitor:
            client.force_login(visitor)
        page = text_of(client.get(url))
        assert "Restoring mangroves along the Kenyan coast." in page
        for secret in ("Zawadi Contact", "zawadi@mangrove-alliance.example", "+254 711 000 111"):
            assert secret not in page
    for insider in (member_x, editor, helpdesk_user):
        client.force_login(insider)
        page = text_of(client.get(url))
        assert "zawadi@mangrove-alliance.example" in page
        assert "+254 711 000 111" in page


def test_the_page_describes_the_organisation_in_json_ld_without_its_contacts(client, contacts_x):
    response = client.get(f"/en/partners/organisations/{contacts_x.pk}/")

    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', text_of(response), re.S
    )
    assert found is not None
    data = json.loads(found.group(1))
    assert (data["@type"], data["name"], data["alternateName"]) == (
        "Organization",
        "Mangrove Alliance",
        "MA",
    )
    assert "zawadi" not in found.group(1)


def test_the_page_shows_the_profile_and_the_public_records(client, organisation_x, country_a):
    support = SupportType.objects.order_by("position").first()
    organisation_x.country = country_a
    organisation_x.website = "https://mangrove-alliance.example"
    organisation_x.save()
    organisation_x.support_types.add(support)
    organisation_x.countries_of_operation.add(country_a)
    offer = OfferFactory(provider=organisation_x, title="Mangrove nursery training")
    OfferFactory(provider=organisation_x, title="A draft offer", status="draft")

    page = text_of(client.get(f"/en/partners/organisations/{organisation_x.pk}/"))

    assert support.name in page
    assert "Kenya" in page
    assert 'href="https://mangrove-alliance.example"' in page
    assert f'href="/en/partners/offers/{offer.pk}/"' in page
    assert "A draft offer" not in page
    assert f"/en/partners/offers/?provider={organisation_x.pk}" in page


def test_pending_organisations_are_shown_only_to_their_members_and_the_help_desk(
    client, ngo, learner, helpdesk_user, member_y
):
    pending = services.organisation_register(
        by=learner, name="Quiet Forest Trust", organisation_type=ngo, country=None
    )
    url = f"/en/partners/organisations/{pending.pk}/"

    assert client.get(url).status_code == 404
    client.force_login(member_y)
    assert client.get(url).status_code == 404
    for insider in (learner, helpdesk_user):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code == 200
        assert "has not yet approved this organisation" in text_of(response)
        assert '<meta name="robots" content="noindex">' in text_of(response)


def test_the_list_page_makes_as_many_queries_for_25_organisations_as_for_5(client, country_a):
    supports = list(SupportType.objects.all()[:3])
    areas = list(ThematicArea.objects.all()[:2])

    def add(count: int) -> None:
        for _ in range(count):
            organisation = OrganisationFactory(country=country_a, description="Coastal work.")
            organisation.support_types.set(supports)
            organisation.thematic_areas.set(areas)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/partners/organisations/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    add(5)
    with_5 = queries()
    add(20)
    with_25 = queries()

    assert with_25 == with_5, (with_5, with_25)
    assert with_5 <= 25  # page, facets and the prefetches of every relation shown


# --- Registration -------------------------------------------------------------------------------
def form_data(ngo, **extra) -> dict:
    return {
        "name": "Coral Reef Watch",
        "acronym": "CRW",
        "organisation_type": ngo.pk,
        "website": "https://coral-reef-watch.example",
        "description": "Reef monitoring with island communities.",
        "contact_name": "Lea Martin",
        "contact_email": "lea@coral-reef-watch.example",
        **extra,
    }


def test_anonymous_visitors_are_sent_to_sign_in_first(client):
    for url in (REGISTER, MINE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == login_url(url)


def test_registration_makes_a_pending_organisation_and_tells_the_help_desk(
    client, learner, ngo, country_a, django_capture_on_commit_callbacks
):
    signed_in(client, learner)
    support = SupportType.objects.order_by("position").first()
    logo = SimpleUploadedFile("logo.png", image("PNG"), content_type="image/png")
    page = text_of(client.get(REGISTER))
    assert 'enctype="multipart/form-data"' in page
    assert 'for="id_countries_of_operation"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REGISTER,
            form_data(
                ngo,
                country=country_a.pk,
                countries_of_operation=[country_a.pk],
                support_types=[support.pk],
                logo=logo,
            ),
            follow=True,
        )

    assert response.redirect_chain[-1][0] == MINE
    page = text_of(response)
    assert "The help desk will check the registration" in page
    organisation = Organisation.objects.get()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name_en == "Coral Reef Watch"
    assert organisation.logo.name.endswith(".png")
    assert list(organisation.support_types.all()) == [support]
    assert list(organisation.countries_of_operation.all()) == [country_a]
    assert organisation.memberships.get().user == learner
    assert "Coral Reef Watch" in page and "Pending approval" in page
    (email,) = [email for email in mail.outbox if email.to == [HELPDESK]]
    assert "Coral Reef Watch" in email.subject
    own_page = text_of(client.get(f"/en/partners/organisations/{organisation.pk}/"))
    assert f'src="/media/{organisation.logo.name}"' in own_page
    assert "lea@coral-reef-watch.example" in own_page


def test_registration_in_french_names_the_organisation_in_french(client, learner, ngo):
    signed_in(client, learner)

    client.post("/fr/partners/organisations/register/", form_data(ngo, name="Veille des récifs"))

    organisation = Organisation.objects.get()
    assert (organisation.name_fr, organisation.name_en) == ("Veille des récifs", None)


def test_a_look_alike_is_shown_before_registering_and_confirming_registers(
    client, learner, ngo, organisation_x
):
    signed_in(client, learner)
    data = form_data(ngo, name="The Mangrove-Alliance", description="Our own mangrove work.")

    response = client.post(REGISTER, data)

    assert response.status_code == 200
    page = text_of(response)
    assert "Is your organisation already registered?" in page
    assert f'href="/en/partners/organisations/{organisation_x.pk}/"' in page
    assert 'name="not_a_duplicate"' in page
    # Nothing typed is lost.
    assert 'value="The Mangrove-Alliance"' in page
    assert "Our own mangrove work.</textarea>" in page
    assert 'value="https://coral-reef-watch.example"' in page
    assert Organisation.objects.count() == 1

    response = client.post(REGISTER, {**data, "not_a_duplicate": "on"})

    assert response.status_code == 302
    assert Organisation.objects.filter(name_en="The Mangrove-Alliance").exists()


def test_an_invalid_web_address_is_refused_and_nothing_is_lost(client, learner, ngo):
    signed_in(client, learner)

    response = client.post(REGISTER, form_data(ngo, website="coral reef watch dot org"))

    page = text_of(response)
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "Enter a valid URL." in page
    assert 'value="Coral Reef Watch"' in page
    assert 'value="coral reef watch dot org"' in page
    assert not Organisation.objects.exists()


def test_script_in_the_description_is_refused_in_the_readers_language(client, learner, ngo):
    signed_in(client, learner)
    script = "<script>alert(1)</script>"

    response = client.post(
        "/fr/partners/organisations/register/", form_data(ngo, description=script)
    )

    page = text_of(response)
    assert "Retirez le balisage HTML" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page  # kept, escaped
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (lambda: image("PNG", size=(1000, 1000), noise=True), "it may be at most 2"),
        (lambda: image("JPEG"), "The content of this file is not a PNG file."),
        (lambda: b"<html><script>alert(1)</script></html>", "Upload a valid image."),
    ],
    ids=["oversize", "jpeg-named-png", "web-page-named-png"],
)
def test_bad_logos_are_refused_with_a_clear_message(client, learner, ngo, logo, message):
    signed_in(client, learner)
    content = logo()

    response = client.post(
        REGISTER, form_data(ngo, logo=SimpleUploadedFile("logo.png", content, "image/png"))
    )

    page = text_of(response)
    assert message in page
    assert 'value="Coral Reef Watch"' in page
    assert not Organisation.objects.exists()


def test_a_disguised_logo_is_refused_in_french(client, learner, ngo):
    signed_in(client, learner)

    response = client.post(
        "/fr/partners/organisations/register/",
        form_data(ngo, logo=SimpleUploadedFile("logo.png", b"<html></html>", "image/png")),
    )

    assert "Transférez une image valide" in text_of(response)
    assert not Organisation.objects.exists()


# --- The profile form ---------------------------------------------------------------------------
def edit_url(organisation) -> str:
    return f"/en/partners/organisations/{organisation.pk}/edit/"


def test_who_may_edit_a_profile(client, organisation_x, member_x, member_y, helpdesk_user):
    url = edit_url(organisation_x)
    editor = UserFactory()
    MembershipFactory(user=editor, organisation=organisation_x, role=Membership.Role.EDITOR)

    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_url(url))
    for outsider in (member_y, editor):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"name_en": "Taken over"}).status_code == 404
    for allowed in (member_x, helpdesk_user):
        client.force_login(allowed)
        assert client.get(url).status_code == 200
    organisation_x.refresh_from_db()
    assert organisation_x.name_en == "Mangrove Alliance"


def test_the_profile_form_edits_each_language_and_keeps_the_rest(
    client, organisation_x, member_x, ngo, country_a
):
    organisation_x.contact_email = "office@mangrove-alliance.example"
    organisation_x.save()
    signed_in(client, member_x)
    page = text_of(client.get(edit_url(organisation_x)))
    assert page.count("<fieldset>") >= 3
    assert "<legend>French</legend>" in page and "<legend>Spanish</legend>" in page
    assert 'value="office@mangrove-alliance.example"' in page

    response = client.post(
        edit_url(organisation_x),
        {
            "name_en": "Mangrove Alliance",
            "name_fr": "Alliance des mangroves",
            "description_es": "Restauramos manglares.",
            "organisation_type": ngo.pk,
            "country": country_a.pk,
            "contact_email": "office@mangrove-alliance.example",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/en/partners/organisations/{organisation_x.pk}/"
    organisation_x.refresh_from_db()
    assert organisation_x.name_fr == "Alliance des mangroves"
    assert organisation_x.description_es == "Restauramos manglares."
    assert organisation_x.country == country_a
    french = text_of(client.get(f"/fr/partners/organisations/{organisation_x.pk}/"))
    assert "Alliance des mangroves" in french


def test_the_profile_needs_a_name_in_some_language(client, organisation_x, member_x, ngo):
    signed_in(client, member_x)

    response = client.post(
        edit_url(organisation_x), {"name_en": "", "website": "ftp//x", "organisation_type": ngo.pk}
    )

    page = text_of(response)
    assert "Give the organisation&#x27;s name in at least one language." in page
    assert 'value="ftp//x"' in page
    organisation_x.refresh_from_db()
    assert organisation_x.name_en == "Mangrove Alliance"


# --- My organisations ---------------------------------------------------------------------------
def test_my_organisations_lists_status_role_and_pages(client, member_x, organisation_x, ngo):
    pending = services.organisation_register(
        by=member_x, name="Reef Futures", organisation_type=ngo, country=None
    )
    other = OrganisationFactory(name="Delta Partners")
    MembershipFactory(user=member_x, organisation=other, role=Membership.Role.EDITOR)
    signed_in(client, member_x)

    page = text_of(client.get(MINE))

    assert "Reef Futures" in page and "Pending approval" in page
    assert "Delta Partners" in page and "Editor" in page
    assert f'href="/en/partners/organisations/{organisation_x.pk}/edit/"' in page
    assert f'href="/en/partners/organisations/{pending.pk}/members/"' in page
    assert f'href="/en/partners/organisations/{other.pk}/edit/"' not in page
    assert f'href="/en/partners/organisations/{other.pk}/records/"' in page
    assert f'href="{REGISTER}"' in page


# --- Members and invitations --------------------------------------------------------------------
def members_url(organisation) -> str:
    return f"/en/partners/organisations/{organisation.pk}/members/"


def test_who_may_manage_members(client, organisation_x, member_x, member_y, helpdesk_user):
    url = members_url(organisation_x)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_url(url))
    client.force_login(member_y)
    assert client.get(url).status_code == 404
    response = client.post(
        f"/en/partners/organisations/{organisation_x.pk}/invitations/",
        {"email": "spy@example.org", "role": "admin"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    for allowed in (member_x, helpdesk_user):
        client.force_login(allowed)
        assert "Xavier Dupont" in text_of(client.get(url))


def test_an_invitation_is_sent_listed_and_accepted(
    client, organisation_x, member_x, learner, django_capture_on_commit_callbacks
):
    signed_in(client, member_x)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/partners/organisations/{organisation_x.pk}/invitations/",
            {"email": learner.email, "role": "editor"},
            follow=True,
        )

    page = text_of(response)
    assert f"An invitation is on its way to {learner.email}." in page
    assert "Invitations waiting for an answer" in page and learner.email in page
    invitation = Invitation.objects.get()
    (email,) = mail.outbox
    accept_path = f"/en/partners/invitations/{invitation.token}/"
    assert f"https://chm.example{accept_path}" in email.body

    client.logout()
    response = client.get(accept_path)
    assert (response.status_code, response["Location"]) == (302, login_url(accept_path))
    response = client.post(
        response["Location"], {"login": learner.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == accept_path
    page = text_of(response)
    assert "Mangrove Alliance" in page and "Editor" in page and "Accept and join" in page

    response = client.post(accept_path, follow=True)

    assert response.redirect_chain[-1][0] == MINE
    assert "Welcome to Mangrove Alliance" in text_of(response)
    assert Membership.objects.get(user=learner, organisation=organisation_x).role == "editor"


def test_an_expired_invitation_says_so_and_makes_no_member(
    client, organisation_x, member_x, learner
):
    invitation = services.invitation_send(
        organisation=organisation_x, email=learner.email, role="admin", by=member_x
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    signed_in(client, learner)
    url = f"/en/partners/invitations/{invitation.token}/"

    page = text_of(client.get(url))
    assert "This invitation expired on" in page
    assert "Accept and join" not in page
    response = client.post(url)
    assert response.status_code == 409
    assert "This invitation expired on" in text_of(response)
    assert not Membership.objects.filter(user=learner).exists()
    assert client.get("/en/partners/invitations/not-a-token/").status_code == 404


def test_an_invitation_is_withdrawn(client, organisation_x, member_x, learner):
    invitation = services.invitation_send(
        organisation=organisation_x, email="maybe@example.org", role="editor", by=member_x
    )
    signed_in(client, member_x)

    response = client.post(
        f"/en/partners/organisations/{organisation_x.pk}/invitations/{invitation.pk}/revoke/",
        follow=True,
    )

    assert "its link no longer works" in text_of(response)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.force_login(learner)
    page = text_of(client.get(f"/en/partners/invitations/{invitation.token}/"))
    assert "This invitation was withdrawn." in page


def test_the_last_administrator_cannot_be_removed(client, organisation_x, member_x):
    membership = Membership.objects.get(user=member_x, organisation=organisation_x)
    signed_in(client, member_x)

    response = client.post(
        f"/en/partners/organisations/{organisation_x.pk}/members/{membership.pk}/remove/",
        follow=True,
    )

    assert "An organisation needs at least one administrator" in text_of(response)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_roles_are_changed_and_members_removed(client, organisation_x, member_x):
    colleague = UserFactory(full_name="Imani Colleague")
    membership = MembershipFactory(user=colleague, organisation=organisation_x, role="editor")
    signed_in(client, member_x)
    base = f"/en/partners/organisations/{organisation_x.pk}/members/{membership.pk}"

    response = client.post(f"{base}/role/", {f"member-{membership.pk}-role": "admin"}, follow=True)

    assert "Imani Colleague is now administrator." in text_of(response)
    membership.refresh_from_db()
    assert membership.role == "admin"

    response = client.post(f"{base}/remove/", follow=True)

    assert "Imani Colleague is no longer a member of Mangrove Alliance." in text_of(response)
    assert not Membership.objects.filter(pk=membership.pk).exists()
