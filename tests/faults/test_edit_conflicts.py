"""Two people changing the same record at once: the first save wins; the second gets a message
saying the record changed since they opened it, and nothing of theirs is written.

In the admin, Hana and Ivo (both at the help desk) open the same change page; on the portal,
Xavier and his colleague Xena (organisation X) open the same offer's edit page.
"""

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import formats, timezone

from chm_portal.accounts.roles import Role
from chm_portal.core.admin_tools import CONFLICT_FIELD, ConflictCheckAdminMixin
from matchmaking.models import Match
from needs import services as need_services
from needs.models import Assessment
from partners.models import Membership, Offer
from tests.factories import MembershipFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

# Admins of models with ``updated_at`` that nobody edits in a form: every field is read-only,
# changes go through the workflow actions of the list.
READ_ONLY_ADMINS = {Match, Assessment}


def message(record) -> str:
    """The conflict message as the second person reads it, with the time of the first save."""
    time = formats.time_format(timezone.localtime(record.updated_at), "H:i")
    return (
        f"This record was changed by someone else at {time}, after you opened it. Your changes "
        "were not saved: copy them, reload the page and make them again."
    )


def opened_at_version(response, record) -> None:
    """The page carries, hidden, the version of the record it shows."""
    hidden = f'<input type="hidden" name="{CONFLICT_FIELD}" value="{record.updated_at.isoformat()}"'
    assert hidden in response.content.decode()


def form_data(*forms_: forms.BaseForm) -> dict:
    """What a browser would post back from these forms, unchanged."""
    data = {}
    for form in forms_:
        for name, field in form.fields.items():
            bound = form[name]
            key, value = bound.html_name, bound.value()
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None and not isinstance(field, forms.FileField):
                data[key] = str(value)
    return data


def admin_form_data(response) -> dict:
    """The admin change form and its inlines, as the page shows them."""
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return form_data(
        response.context["adminform"].form,
        *(form for formset in formsets for form in (formset.management_form, *formset.forms)),
    )


@pytest.fixture
def colleague_at_helpdesk(db):
    """Ivo Petrov, help desk, Hana's colleague."""
    return UserFactory(
        email="ivo.petrov@chm-portal.example", full_name="Ivo Petrov", staff_roles=[Role.HELPDESK]
    )


@pytest.fixture
def second_member_x(organisation_x):
    """Xena Lopez, editor at organisation X, Xavier's colleague."""
    user = UserFactory(email="xena@mangrove-alliance.example", full_name="Xena Lopez")
    MembershipFactory(user=user, organisation=organisation_x, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def offer(organisation_x) -> Offer:
    return OfferFactory(
        provider=organisation_x,
        title="Training in mangrove mapping",
        description="Two weeks of field training.",
    )


# --- In the admin ---------------------------------------------------------------------------------
@pytest.fixture
def submitted(draft, focal_point_a):
    """A submitted request: its admin saves through the services, and the check runs before them."""
    need_services.need_submit(need=draft, by=focal_point_a)
    return draft


ADMIN_CASES = {
    # record fixture: (change page, Hana's change, Ivo's change, the field Ivo tried to change)
    "offer": (
        "admin:partners_offer_change",
        {"title_en": "Training in mangrove mapping (2027)"},
        {"description_en": "Three weeks of field training."},
        "description",
    ),
    "submitted": (
        "admin:needs_need_change",
        {"objectives": "Train 40 county officers."},
        {"title": "Species identification for customs officers"},
        "title",
    ),
}


@pytest.mark.parametrize("record_fixture", ADMIN_CASES)
def test_the_first_save_wins_and_the_second_gets_the_message(
    client, helpdesk_user, colleague_at_helpdesk, record_fixture, request
):
    record = request.getfixturevalue(record_fixture)
    url_name, hana_change, ivo_change, ivo_field = ADMIN_CASES[record_fixture]
    before = getattr(record, ivo_field)
    url = reverse(url_name, args=[record.pk])
    client.force_login(helpdesk_user)
    page = client.get(url)
    opened_at_version(page, record)
    hana = admin_form_data(page)
    client.force_login(colleague_at_helpdesk)
    ivo = admin_form_data(client.get(url))

    client.force_login(helpdesk_user)
    first = client.post(url, {**hana, **hana_change})
    assert first.status_code == 302, first.context["adminform"].form.errors

    client.force_login(colleague_at_helpdesk)
    second = client.post(url, {**ivo, **ivo_change})

    record.refresh_from_db()
    assert second.status_code == 200
    assert message(record) in second.content.decode()
    [(hana_key, hana_value)] = hana_change.items()
    assert getattr(record, hana_key.removesuffix("_en")) == hana_value
    assert getattr(record, ivo_field) == before

    # Reloaded, the page carries the new version, and Ivo's change goes through.
    again = admin_form_data(client.get(url))
    assert again[hana_key] == hana_value
    saved = client.post(url, {**again, **ivo_change})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    record.refresh_from_db()
    assert getattr(record, hana_key.removesuffix("_en")) == hana_value
    [ivo_value] = ivo_change.values()
    assert getattr(record, ivo_field) == ivo_value


def test_the_same_form_sent_twice_is_no_conflict(client, helpdesk_user, offer):
    """A double click on "Save": the second post would change nothing, so it is no conflict."""
    url = reverse("admin:partners_offer_change", args=[offer.pk])
    client.force_login(helpdesk_user)
    data = {**admin_form_data(client.get(url)), "title_en": "Mangrove mapping"}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302

    offer.refresh_from_db()
    assert offer.title == "Mangrove mapping"


def test_every_edited_record_type_has_the_check():
    """Each admin of a model with ``updated_at`` whose records staff edit in a form."""
    missing = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if any(field.name == "updated_at" for field in model._meta.get_fields())
        and model not in READ_ONLY_ADMINS
        and not isinstance(model_admin, ConflictCheckAdminMixin)
    ]
    assert missing == []


# --- On the portal --------------------------------------------------------------------------------
def test_two_members_editing_the_same_offer(client, member_x, second_member_x, offer):
    url = reverse("partners:record_edit", args=["offers", offer.pk])
    client.force_login(member_x)
    page = client.get(url)
    opened_at_version(page, offer)
    xavier = {**form_data(page.context["form"]), "action": "save"}
    client.force_login(second_member_x)
    xena = {**form_data(client.get(url).context["form"]), "action": "save"}

    client.force_login(member_x)
    first = client.post(url, {**xavier, "title_en": "Mangrove mapping for county staff"})
    assert first.status_code == 302, first.context["form"].errors

    client.force_login(second_member_x)
    second = client.post(url, {**xena, "description_en": "Three weeks in the field."})

    offer.refresh_from_db()
    assert second.status_code == 200
    content = second.content.decode()
    assert "There is a problem" in content and message(offer) in content
    assert offer.title == "Mangrove mapping for county staff"
    assert offer.description == "Two weeks of field training."
