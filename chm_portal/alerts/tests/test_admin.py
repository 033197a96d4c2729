"""Saved searches and follows in the admin: read-only lists with filters."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from chm_portal.alerts.models import Follow, SavedSearch
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_site_admins_read_saved_searches_and_follows_without_changing_them(
    client, site_admin, learner
):
    saved = SavedSearch.objects.create(
        user=learner, database="offers", query="q=mangrove", name="Mangrove offers"
    )
    opportunity = OpportunityFactory()
    Follow.objects.create(
        user=learner,
        content_type=ContentType.objects.get_for_model(opportunity),
        object_id=opportunity.pk,
    )
    client.force_login(site_admin)

    searches = client.get(
        reverse("admin:alerts_savedsearch_changelist"), {"frequency__exact": "daily"}
    )
    follows = client.get(reverse("admin:alerts_follow_changelist"), {"reminded": "no"})
    page = client.get(reverse("admin:alerts_savedsearch_change", args=[saved.pk]))
    add = client.get(reverse("admin:alerts_savedsearch_add"))

    assert searches.status_code == 200 and "Mangrove offers" in searches.content.decode()
    assert follows.status_code == 200 and "Lea Martin" in follows.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert add.status_code == 403
