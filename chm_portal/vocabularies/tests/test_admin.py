"""The admin of the reference data: staff search it and correct country-group flags."""

import pytest
from django.contrib import admin
from django.urls import reverse

from chm_portal.vocabularies.models import (
    BeneficiaryType,
    CapacityLevel,
    Country,
    GBFTarget,
    Language,
    OrganisationType,
    SupportType,
    ThematicArea,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model_name",
    [
        "country",
        "region",
        "regionalgroup",
        "countrygroup",
        "gbfgoal",
        "gbftarget",
        "aichistrategicgoal",
        "aichitarget",
        "sustainabledevelopmentgoal",
        "thematicarea",
        "supporttype",
        "capacitylevel",
        "organisationtype",
        "resourcetype",
        "opportunitytype",
        "eventtype",
        "priority",
        "language",
        "beneficiarytype",
    ],
)
def test_every_model_has_a_changelist(admin_client, model_name):
    response = admin_client.get(reverse(f"admin:vocabularies_{model_name}_changelist"))

    assert response.status_code == 200


def test_country_search_finds_names_in_any_language(admin_client):
    url = reverse("admin:vocabularies_country_changelist")

    found = admin_client.get(url, {"q": "Algérie"}).context["cl"].result_list

    assert [country.code for country in found] == ["DZ"]


def test_country_changelist_filters_by_group_flag(admin_client):
    url = reverse("admin:vocabularies_country_changelist")

    response = admin_client.get(url, {"is_sids__exact": "1"})

    assert response.context["cl"].result_count == 39


def test_staff_correct_a_country_group_flag(admin_client):
    sao_tome = Country.objects.get(code="ST")
    url = reverse("admin:vocabularies_country_change", args=[sao_tome.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "region": sao_tome.region_id,
            "subregion": sao_tome.subregion_id,
            "intermediate_region": sao_tome.intermediate_region_id,
            "regional_group": sao_tome.regional_group_id,
            "is_ldc": "",  # Graduated from the LDC category.
        }
    )
    data = {key: value for key, value in data.items() if value not in (False, "")}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    sao_tome.refresh_from_db()
    assert not sao_tome.is_ldc
    assert sao_tome.is_sids
    assert sao_tome.code == "ST"
    assert sao_tome.name_fr == "Sao Tomé-et-Principe"


def test_codes_are_read_only_and_records_cannot_be_deleted(admin_client):
    term = ThematicArea.objects.get(code="forests")

    change = admin_client.get(reverse("admin:vocabularies_thematicarea_change", args=[term.pk]))
    delete = admin_client.get(reverse("admin:vocabularies_thematicarea_delete", args=[term.pk]))

    assert "code" not in change.context["adminform"].form.fields
    assert delete.status_code == 403


@pytest.mark.parametrize(
    ("model", "term", "code"),
    [
        (Country, "Algérie", "DZ"),
        (Country, "ht", "HT"),
        (GBFTarget, "GBF-T3", "GBF-T3"),
        (GBFTarget, "effectively conserved", "GBF-T3"),
        (ThematicArea, "Aires protégées", "protected_areas"),
        (SupportType, "Formación", "training"),
        (CapacityLevel, "individual", "individual"),
        (OrganisationType, "ngo", "ngo"),
        (Language, "Anglais", "en"),
        (Language, "sw", "sw"),
        (BeneficiaryType, "Mujeres", "women"),
        (BeneficiaryType, "autochtones", "iplc"),
    ],
)
def test_search_serves_other_apps_autocomplete_fields(rf, admin_user, model, term, code):
    # Other apps' autocomplete_fields search through these admins' search_fields.
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user

    found, _duplicates = model_admin.get_search_results(request, model.objects.all(), term)

    assert code in set(found.values_list("code", flat=True))
