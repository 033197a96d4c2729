"""The reference data loaded by migration 0002, and reloading it with the loader and command."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q
from django.utils import translation

from chm_portal.vocabularies.loaders import load_portal_vocabularies, load_reference_data
from chm_portal.vocabularies.models import (
    AichiStrategicGoal,
    AichiTarget,
    BeneficiaryType,
    CapacityLevel,
    Country,
    CountryGroup,
    EventType,
    GBFGoal,
    GBFTarget,
    Language,
    OpportunityType,
    OrganisationType,
    Priority,
    Region,
    RegionalGroup,
    ResourceType,
    SupportType,
    SustainableDevelopmentGoal,
    ThematicArea,
    countries_in_region_q,
)
from chm_portal.vocabularies.services import reference_data_reload

pytestmark = pytest.mark.django_db


# --- What migrate loads ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "count"),
    [
        (SupportType, 11),
        (ThematicArea, 28),
        (CapacityLevel, 3),
        (OrganisationType, 11),
        (ResourceType, 8),
        (OpportunityType, 6),
        (EventType, 5),
        (Priority, 3),
        (Language, 184),  # the portal's 11 and the other ISO 639-1 languages (inactive)
        (BeneficiaryType, 13),
        (CountryGroup, 4),
        (RegionalGroup, 5),
        (Region, 29),
        (GBFGoal, 4),
        (GBFTarget, 23),
        (AichiStrategicGoal, 5),
        (AichiTarget, 20),
        (SustainableDevelopmentGoal, 17),
    ],
)
def test_migrate_loads_every_list(model, count):
    assert model.objects.count() == count


def test_countries_are_the_cbd_list_plus_the_rest_of_iso_3166():
    # 198 rows of countries.csv (196 Parties, the USA, the Holy See) + 52 other ISO entries.
    assert Country.objects.count() == 250
    assert Country.objects.filter(is_cbd_party=True).count() == 196
    assert Country.objects.filter(is_cbd_party=False).count() == 2 + 52
    assert not Country.objects.get(code="VA").is_cbd_party


def test_group_flags_match_the_files():
    assert Country.objects.filter(is_ldc=True).count() == 45
    assert Country.objects.filter(is_lldc=True).count() == 32
    assert Country.objects.filter(is_sids=True).count() == 39
    assert Country.objects.filter(is_eit=True).count() == 17


def test_codes_follow_the_portal_scheme():
    assert list(GBFGoal.objects.values_list("code", flat=True)) == [
        "GBF-GA",
        "GBF-GB",
        "GBF-GC",
        "GBF-GD",
    ]
    assert list(GBFTarget.objects.values_list("code", flat=True)) == [
        f"GBF-T{n}" for n in range(1, 24)
    ]
    assert list(AichiTarget.objects.values_list("code", flat=True)) == [
        f"AICHI-T{n}" for n in range(1, 21)
    ]
    assert list(AichiStrategicGoal.objects.values_list("code", flat=True)) == list("ABCDE")
    assert list(SustainableDevelopmentGoal.objects.values_list("code", flat=True)) == [
        f"SDG{n}" for n in range(1, 18)
    ]
    assert list(CountryGroup.objects.values_list("code", flat=True)) == [
        "LDC",
        "SIDS",
        "LLDC",
        "EIT",
    ]


def test_known_countries_have_their_flags_and_classifications():
    haiti = Country.objects.get(code="HT")
    assert (haiti.is_ldc, haiti.is_sids, haiti.is_cbd_party) == (True, True, True)
    assert haiti.group_codes == ["LDC", "SIDS"]
    assert Country.objects.get(code="FJ").group_codes == ["SIDS"]
    assert Country.objects.get(code="KZ").group_codes == ["LLDC", "EIT"]
    assert Country.objects.get(code="UA").is_eit

    algeria = Country.objects.get(code="DZ")
    assert (algeria.iso3, algeria.m49) == ("DZA", "012")
    assert (algeria.region.code, algeria.subregion.code) == ("002", "015")
    assert algeria.intermediate_region is None
    assert algeria.regional_group.code == "AFRICAN"
    assert algeria.group_codes == []


def test_eu_is_a_party_without_region_and_us_is_not_a_party():
    eu = Country.objects.get(code="EU")
    assert eu.is_cbd_party
    assert (eu.region, eu.subregion, eu.regional_group, eu.iso3, eu.m49) == (
        None,
        None,
        None,
        "",
        "",
    )

    usa = Country.objects.get(code="US")
    assert not usa.is_cbd_party
    assert usa.regional_group.code == "WEOG"


def test_other_iso_territories_are_not_parties_and_have_no_classification():
    aruba = Country.objects.get(code="AW")
    assert (aruba.iso3, aruba.m49, aruba.name) == ("ABW", "533", "Aruba")
    assert not aruba.is_cbd_party
    assert aruba.group_codes == []
    assert aruba.region is None
    assert not Country.objects.filter(code="XK").exists()


def test_regions_link_to_their_parents():
    middle_africa = Region.objects.get(code="017")
    assert middle_africa.level == Region.Level.INTERMEDIATE
    assert middle_africa.parent.code == "202"
    assert middle_africa.parent.level == Region.Level.SUBREGION
    assert middle_africa.parent.parent.code == "002"
    assert middle_africa.parent.parent.level == Region.Level.REGION
    assert middle_africa.parent.parent.parent is None


def test_a_region_includes_countries_of_its_intermediate_regions():
    africa = Country.objects.filter(countries_in_region_q("002"))
    assert africa.count() == 54
    # Angola's intermediate region (Middle Africa, 017) is part of Sub-Saharan Africa (202).
    angola = Country.objects.get(code="AO")
    assert angola.intermediate_region.code == "017"
    assert africa.filter(code="AO").exists()
    assert Country.objects.filter(countries_in_region_q("202")).filter(code="AO").exists()
    assert Country.objects.filter(countries_in_region_q("017")).filter(code="AO").exists()
    assert not Country.objects.filter(countries_in_region_q("015")).filter(code="AO").exists()


def test_gbf_targets_have_sections_and_aichi_targets_strategic_goals():
    assert GBFTarget.objects.get(code="GBF-T1").section == GBFTarget.Section.REDUCING_THREATS
    assert GBFTarget.objects.get(code="GBF-T9").section == GBFTarget.Section.MEETING_NEEDS
    assert GBFTarget.objects.get(code="GBF-T23").section == GBFTarget.Section.TOOLS_SOLUTIONS
    assert GBFGoal.objects.get(code="GBF-GB").letter == "B"
    target11 = AichiTarget.objects.get(code="AICHI-T11")
    assert target11.strategic_goal.code == "C"
    assert target11.keyword == "Protected areas"
    assert target11.identifier == "AICHI-TARGET-11"
    assert (
        SustainableDevelopmentGoal.objects.get(code="SDG15").identifier
        == "SUSTAINABLE-DEVELOPMENT-GOAL-15"
    )


def test_names_are_translated_with_fallback_to_english():
    algeria = Country.objects.get(code="DZ")
    africa = Region.objects.get(code="002")
    target = GBFTarget.objects.get(code="GBF-T3")
    aichi = AichiTarget.objects.get(code="AICHI-T1")
    with translation.override("fr"):
        assert algeria.name == "Algérie"
        assert africa.name == "Afrique"
        assert RegionalGroup.objects.get(code="AFRICAN").name == "Afrique"
        assert ThematicArea.objects.get(code="protected_areas").name == (
            "Aires protégées et conservées"
        )
        assert target.title.startswith("30")
        assert "zones" in target.title
        assert aichi.title == "Sensibilisation aux valeurs de la biodiversité"
        # No French text of the Aichi targets: English is shown.
        assert aichi.text.startswith("By 2020, at the latest, people are aware")
    with translation.override("es"):
        assert algeria.name == "Argelia"
        assert africa.name == "África"
        assert RegionalGroup.objects.get(code="WEOG").name == "Europa occidental y otros"
        assert SupportType.objects.get(code="training").name == "Formación y educación"
    with translation.override("ar"):
        assert algeria.name == "Algeria"
    assert algeria.name_ar is None
    assert algeria.name_en == "Algeria"


def test_portal_vocabularies_are_coded_and_translated():
    assert list(Language.objects.filter(is_active=True).values_list("code", flat=True)) == [
        "en",
        "fr",
        "es",
        "ar",
        "zh",
        "ru",
        "pt",
        "sw",
        "de",
        "id",
        "hi",
    ]
    assert list(BeneficiaryType.objects.values_list("code", flat=True)) == [
        "women",
        "youth",
        "iplc",
        "local_communities",
        "government_staff",
        "researchers",
        "educators",
        "students",
        "farmers_fishers",
        "private_sector",
        "civil_society",
        "persons_with_disabilities",
        "general_public",
    ]
    assert Language.objects.get(code="en").position == 1
    assert BeneficiaryType.objects.get(code="general_public").position == 13
    assert Language.objects.get(code="de").name_en == "German"
    with translation.override("fr"):
        assert Language.objects.get(code="en").name == "Anglais"
        assert Language.objects.get(code="id").name == "Indonésien"
        assert BeneficiaryType.objects.get(code="women").name == "Femmes"
        assert BeneficiaryType.objects.get(code="iplc").name == (
            "Peuples autochtones et communautés locales"
        )
    with translation.override("es"):
        assert Language.objects.get(code="sw").name == "Suajili"
        assert Language.objects.get(code="de").name == "Alemán"
        assert BeneficiaryType.objects.get(code="women").name == "Mujeres"
        assert BeneficiaryType.objects.get(code="persons_with_disabilities").name == (
            "Personas con discapacidad"
        )
    with translation.override("ar"):
        assert Language.objects.get(code="ar").name == "Arabic"  # Falls back to English.


# --- Reloading -------------------------------------------------------------------------------
def test_reloading_unchanged_files_changes_nothing(django_assert_max_num_queries):
    before = list(Country.objects.order_by("code").values())
    # Reads each table once and writes nothing.
    with django_assert_max_num_queries(40):
        report = load_reference_data()
    assert not report.changed
    assert report["Country"].unchanged == 250
    assert report["Region"].unchanged == 29
    assert report["Language"].unchanged == 11
    assert report["BeneficiaryType"].unchanged == 13
    assert list(Country.objects.order_by("code").values()) == before


def test_reloading_restores_file_values_and_keeps_what_files_do_not_hold():
    # Staff corrections: a graduated LDC, a French name, a retired term, an Arabic name.
    Country.objects.filter(code="ST").update(is_ldc=False, name_ar="ساو تومي وبرينسيبي")
    ThematicArea.objects.filter(code="urban").update(is_active=False, name_fr="Villes")

    report = load_reference_data()

    assert report["Country"].updated == ["ST"]
    assert report["ThematicArea"].updated == ["urban"]
    sao_tome = Country.objects.get(code="ST")
    assert sao_tome.is_ldc  # The file value wins.
    assert sao_tome.name_ar == "ساو تومي وبرينسيبي"  # Not in the files: kept.
    urban = ThematicArea.objects.get(code="urban")
    assert urban.name_fr != "Villes"
    assert not urban.is_active  # Not in the files: kept.
    assert not load_reference_data().changed


def test_reloading_recreates_missing_records_and_never_deletes():
    Priority.objects.filter(code="low").delete()
    extra = Priority.objects.create(code="urgent", name="Urgent", position=9)

    report = load_reference_data()

    assert report["Priority"].created == ["low"]
    assert Priority.objects.filter(pk=extra.pk).exists()
    assert Priority.objects.get(code="low").position == 3


def test_loading_under_another_language_stores_english_in_the_base_column():
    with translation.override("fr"):
        load_reference_data()
    # The untranslated column holds English whatever language was active.
    assert Country.objects.filter(code="DZ", name_en="Algeria").exists()
    assert list(Country.objects.filter(code="DZ").values_list("name_fr", flat=True)) == ["Algérie"]
    assert not load_reference_data().changed


def test_dry_run_reports_changes_and_rolls_them_back():
    Country.objects.filter(code="HT").update(is_sids=False)

    report = reference_data_reload(dry_run=True)

    assert report["Country"].updated == ["HT"]
    assert not Country.objects.get(code="HT").is_sids


def test_command_reports_what_it_changed():
    Country.objects.filter(code="HT").update(is_sids=False)
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    assert "Country: 0 created, 1 updated, 249 unchanged" in out.getvalue()
    assert "updated: HT" in out.getvalue()
    assert Country.objects.get(code="HT").is_sids

    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "already up to date" in out.getvalue()


def test_command_dry_run_saves_nothing():
    Country.objects.filter(code="HT").update(is_sids=False)
    out = StringIO()

    call_command("load_reference_data", "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert Country.objects.filter(Q(code="HT") & Q(is_sids=False)).exists()


def test_loading_with_the_models_of_migration_0002_skips_the_portal_lists():
    # Migration 0002 runs the loader with the historical models, before Language and
    # BeneficiaryType existed; their lists are loaded by 0004.
    state = MigrationLoader(connection).project_state(("vocabularies", "0002_load_reference_data"))

    report = load_reference_data(state.apps)

    models = {result.model for result in report.results}
    assert "Priority" in models
    assert not models & {"Language", "BeneficiaryType"}
    assert not report.changed


def test_loading_the_portal_lists_keeps_staff_corrections_of_the_others():
    # Migration 0004 runs on databases that already hold (and may have corrected) reference data.
    Country.objects.filter(code="ST").update(is_ldc=False)
    Language.objects.filter(code="pt").update(position=99, name_es="Portugues")
    BeneficiaryType.objects.filter(code="youth").update(name_fr="Jeunesse", is_active=False)

    report = load_portal_vocabularies()

    assert [result.model for result in report.results] == ["Language", "BeneficiaryType"]
    assert report["Language"].updated == ["pt"]
    assert report["BeneficiaryType"].updated == ["youth"]
    youth = BeneficiaryType.objects.get(code="youth")
    assert (youth.name_fr, youth.is_active) == ("Jeunes", False)
    portuguese = Language.objects.get(code="pt")
    assert (portuguese.position, portuguese.name_es) == (7, "Portugués")
    assert not Country.objects.get(code="ST").is_ldc  # Not touched.
    assert not load_portal_vocabularies().changed


def test_other_iso_languages_are_inactive_and_translated():
    divehi = Language.objects.get(code="dv")
    samoan = Language.objects.get(code="sm")

    assert not divehi.is_active and not samoan.is_active
    assert (samoan.name_en, samoan.name_fr, samoan.name_es) == ("Samoan", "Samoan", "Samoano")
    assert Language.objects.filter(is_active=False).count() == 173
    # The portal's own list keeps its order ahead of the others.
    assert list(Language.objects.values_list("code", flat=True)[:3]) == ["en", "fr", "es"]
