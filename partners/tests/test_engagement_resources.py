"""Resources: their pages, and the download counter behind the indicator "downloads from the
databases by Parties and other users"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chm_portal.accounts.roles import FocalPointKind
from partners import services
from partners.models import Organisation, RecordStatus, Resource, ResourceDownload
from tests.factories import (
    CountryFactory,
    FocalPointFactory,
    OrganisationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def toolkit(organisation_x):
    """A public resource of organisation X, behind a link."""
    return ResourceFactory(
        organisation=organisation_x,
        title="Mangrove restoration toolkit",
        url="https://resources.example.org/mangrove-toolkit",
        authors="A. Mwangi, B. Souza",
        publication_year=2024,
        licence=Resource.Licence.CC_BY_SA,
    )


def _download_url(resource) -> str:
    return reverse("partners:resource_download", args=[resource.pk])


def _count(resource) -> int:
    resource.refresh_from_db()
    return resource.download_count


# --- The counter ----------------------------------------------------------------------------------
def test_a_download_is_counted_and_goes_to_the_link(client, toolkit, learner, country_b):
    learner.country = country_b
    learner.save()
    client.force_login(learner)

    response = client.get(_download_url(toolkit))

    assert response.status_code == 302
    assert response["Location"] == "https://resources.example.org/mangrove-toolkit"
    download = ResourceDownload.objects.get(resource=toolkit)
    assert download.user == learner
    assert download.country == country_b
    assert download.by_focal_point is False
    assert _count(toolkit) == 1

    client.get(_download_url(toolkit))
    assert _count(toolkit) == 2
    assert ResourceDownload.objects.filter(resource=toolkit).count() == 2


def test_an_uploaded_file_is_served_from_the_media_storage(client, organisation_x, media_root):
    guide = ResourceFactory(
        organisation=organisation_x,
        url="",
        file=SimpleUploadedFile("field-guide.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    response = client.get(_download_url(guide))

    assert response.status_code == 302
    assert response["Location"] == guide.file.url
    assert response["Location"].startswith("/media/partners/resources/")
    assert _count(guide) == 1


def test_an_anonymous_download_is_counted_without_a_country(client, toolkit):
    response = client.get(_download_url(toolkit))

    assert response.status_code == 302
    download = ResourceDownload.objects.get(resource=toolkit)
    assert download.user is None
    assert download.country is None
    assert download.by_focal_point is False
    assert _count(toolkit) == 1


def test_a_focal_point_downloads_for_their_party(toolkit, focal_point_a, country_a):
    download = services.resource_download_record(resource=toolkit, user=focal_point_a)

    # Amani has no country in his profile: the country of his focal-point role is used.
    assert focal_point_a.country is None
    assert download.country == country_a
    assert download.by_focal_point is True


def test_the_profile_country_comes_before_the_focal_point_role(toolkit, focal_point_a, country_b):
    focal_point_a.country = country_b
    focal_point_a.save()

    download = services.resource_download_record(resource=toolkit, user=focal_point_a)

    assert download.country == country_b
    assert download.by_focal_point is True


def test_a_revoked_focal_point_role_counts_for_nothing(toolkit, country_a):
    person = UserFactory()
    FocalPointFactory(
        user=person, country=country_a, kind=FocalPointKind.CHM, revoked_at=timezone.now()
    )

    download = services.resource_download_record(resource=toolkit, user=person)

    assert download.country is None
    assert download.by_focal_point is False


def test_a_focal_point_of_a_country_that_is_no_party_is_not_a_partys(toolkit):
    observer = CountryFactory(code="XO", name="Observer State", is_cbd_party=False)
    person = UserFactory()
    FocalPointFactory(user=person, country=observer)

    download = services.resource_download_record(resource=toolkit, user=person)

    assert download.country == observer
    assert download.by_focal_point is False


@pytest.mark.parametrize("status", [RecordStatus.DRAFT])
def test_a_resource_that_is_not_public_is_not_found(client, organisation_x, learner, status):
    draft = ResourceFactory(organisation=organisation_x, status=status)

    assert client.get(_download_url(draft)).status_code == 404
    client.force_login(learner)
    assert client.get(_download_url(draft)).status_code == 404
    assert _count(draft) == 0
    assert not ResourceDownload.objects.exists()
    with pytest.raises(PermissionDenied):
        services.resource_download_record(resource=draft, user=AnonymousUser())


def test_a_resource_of_an_unapproved_organisation_is_not_found(client):
    pending = OrganisationFactory(status=Organisation.Status.PENDING)
    resource = ResourceFactory(organisation=pending)

    assert client.get(_download_url(resource)).status_code == 404
    assert _count(resource) == 0


def test_members_and_the_help_desk_download_a_draft_others_do_not(
    client, organisation_x, member_x, member_y, helpdesk_user
):
    draft = ResourceFactory(organisation=organisation_x, status=RecordStatus.DRAFT)

    client.force_login(member_y)
    assert client.get(_download_url(draft)).status_code == 404
    client.force_login(member_x)
    assert client.get(_download_url(draft)).status_code == 302
    client.force_login(helpdesk_user)
    assert client.get(_download_url(draft)).status_code == 302
    assert _count(draft) == 2


def test_only_get_downloads(client, toolkit):
    assert client.post(_download_url(toolkit)).status_code == 405
    assert _count(toolkit) == 0


# --- Pages ----------------------------------------------------------------------------------------
def test_the_page_shows_what_the_resource_is_and_how_to_get_it(client, toolkit):
    toolkit.download_count = 7
    toolkit.save()

    response = client.get(reverse("partners:resource_detail", args=[toolkit.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Mangrove restoration toolkit" in page
    assert "Toolkit" in page or toolkit.resource_type.name in page
    assert "A. Mwangi, B. Souza" in page
    assert "2024" in page
    assert "CC BY-SA 4.0" in page
    assert "7 downloads through the portal" in page
    assert f'href="{_download_url(toolkit)}"' in page
    assert "Open the resource" in page


def test_the_page_of_an_uploaded_file_offers_a_download(client, organisation_x, media_root):
    guide = ResourceFactory(
        organisation=organisation_x,
        url="",
        file=SimpleUploadedFile("field-guide.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    page = client.get(reverse("partners:resource_detail", args=[guide.pk])).content.decode()

    assert "Download" in page
    assert "PDF file" in page
    assert f'href="{_download_url(guide)}"' in page


def test_the_list_shows_each_resource_with_its_count_in_constant_queries(
    client, organisation_x, django_assert_max_num_queries
):
    url = reverse("partners:resources_list")
    ResourceFactory.create_batch(2, organisation=organisation_x)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    ResourceFactory.create_batch(15, organisation=organisation_x, download_count=3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('rel="nofollow"') >= 17
    assert "Downloads" in page
