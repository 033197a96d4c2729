"""Script and HTML payloads written in any free-text field never reach a reader as markup.

The demonstration data set (``seed_demo``: every record type, created through the services) is
loaded once for the module, then every free-text column of every row of the apps people write in
is overwritten with a payload (``"><script>alert('needs.need.title.42')</script><img src=x
onerror=alert(1)>``; a shorter ``"><svg onload=alert(42)>`` where the column is narrow). The
columns are found from the models (``CharField``/``TextField``, django-modeltranslation's
``title_fr`` and so on included), so a field added tomorrow is poisoned too. The values are
written with SQL, past the validators that refuse markup in most fields: rows written before a
validator existed, harvested or imported must be safe to show as well.

Then the portal is read the way people and machines read it, and:

- HTML (public pages, signed-in pages, the admin's change lists and forms, the browsable API):
  the payload appears escaped (``&lt;script&gt;``), never as markup; in rich text (syllabi,
  lessons: ``chm_portal.core.richtext``) the script element and the event handler are gone;
- Atom feeds: entries whose content is HTML (``type="html"``) hold the payload escaped once more,
  so that a feed reader shows it as text rather than running it;
- JSON (API, exports) and CSV: served as data (their own content type, ``nosniff``, CSV as a
  download), never as a page a browser would render.

Writing is checked too: forms sent with a payload in every text input come back with the markup
refused and the text escaped, as do the API's writes (400), and a payload in a page's query
string is never echoed as markup.

The module's data is loaded in a transaction rolled back at its end; each test runs in a
savepoint of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.accounts.roles import Role
from chm_portal.alerts.models import InboxMessage, SavedSearch
from chm_portal.core.databases import registered
from matchmaking.selectors.projects import projects_for_iati
from needs.models import Need, NeedAttachment, NeedNote
from partners.models import HarvestRun, HarvestSource, Organisation
from tests.factories import (
    MatchNeedFactory,
    OfferFactory,
    OpportunityFactory,
    ProjectFactory,
    RoleRequestFactory,
    build_course,
)

from .free_text import (
    USER_APPS,
    free_text_fields,
    free_text_models,
    overwrite_free_text,
    url_fields,
)
from .html_forms import submit_with_text

# The payload around an identifier of the column and row: long form and narrow-column form.
LONG_PAYLOAD = ("\"><script>alert('", "')</script><img src=x onerror=alert(1)>")
SHORT_PAYLOAD = ('"><svg onload=alert(', ")>")
# Room left for the row id.
ID_ROOM = 10
# What the payloads look like when they are markup, and when they are escaped text.
RAW_MARKUP = (
    "<script>alert(",
    "<img src=x onerror=",
    "<svg onload=alert(",
    'href="javascript:',
    'src="javascript:',
    "href='javascript:",
)
ESCAPED_MARKUP = ("&lt;script&gt;alert(", "&lt;img src=x onerror=", "&lt;svg onload=alert(")
ESCAPED_TAG = re.compile(r"&lt;script&gt;alert\((?:&#x27;|')([a-z_]+\.[a-z_]+\.[a-z_]+)\.\d+")


def _payload_for(model: type[models.Model], f: models.Field) -> tuple[str, str] | None:
    tag = f"{model._meta.label_lower}.{f.name}."
    start, end = LONG_PAYLOAD[0] + tag, LONG_PAYLOAD[1]
    if f.max_length is None or len(start) + len(end) + ID_ROOM <= f.max_length:
        return start, end
    start, end = SHORT_PAYLOAD
    if len(start) + len(end) + ID_ROOM <= f.max_length:
        return start, end
    return None


def poison_every_row() -> dict[str, list[str]]:
    """Overwrite every free-text column of every row; returns the columns poisoned per model."""
    return {
        model._meta.label_lower: overwrite_free_text(model, _payload_for)
        for model in free_text_models()
    }


def _complete_the_demo() -> None:
    """A row of each record type the demo data leaves empty (it has no work in progress of
    these kinds), so that every free-text column has a row to poison."""
    helpdesk = User.objects.get(email=demo_email("helpdesk"))
    learner = User.objects.get(email=demo_email("learner"))
    need = Need.objects.order_by("pk").first()
    RoleRequestFactory(user=learner, role=Role.HELPDESK)
    InboxMessage.objects.create(recipient=helpdesk, subject="A subject", body="A message.", url="/")
    SavedSearch.objects.create(user=learner, database="offers", query="q=mangrove", name="Mine")
    source = HarvestSource.objects.create(
        name="A feed",
        url="https://feeds.example.org/atom",
        format="feed",
        organisation=Organisation.objects.order_by("pk").first(),
    )
    HarvestRun.objects.create(source=source, status="succeeded", report="Nothing new.")
    NeedNote.objects.create(need=need, author=helpdesk, body="Called the focal point.")
    NeedAttachment.objects.create(
        need=need,
        file="needs/attachments/plan.pdf",
        title="Plan",
        content_type="application/pdf",
        size=1000,
        uploaded_by=helpdesk,
    )


@dataclass
class Poisoned:
    """What the module's data set holds: the columns poisoned, and people to read as."""

    columns: dict[str, list[str]]
    superuser: User
    people: dict[str, User] = field(default_factory=dict)


@pytest.fixture(scope="module")
def poisoned(django_db_setup, django_db_blocker) -> Iterator[Poisoned]:
    """The demo data set with every free-text column poisoned, rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            _complete_the_demo()
            columns = poison_every_row()
            people = {
                role: User.objects.get(email=demo_email(role))
                for role in ("helpdesk", "focal.kenya", "partner.admin", "learner", "reviewer")
            }
            yield Poisoned(
                columns=columns,
                superuser=User.objects.get(email=demo_email("admin")),
                people=people,
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_record_type_with_free_text_has_poisoned_rows(poisoned, db):
    """Each model's rows hold the payload: a new record type needs demo rows (or a row in
    _complete_the_demo) to be covered."""
    empty = [model._meta.label for model in free_text_models() if not model.objects.exists()]
    assert empty == []
    assert set(poisoned.columns) == {model._meta.label_lower for model in free_text_models()}
    title = apps.get_model("partners.offer").objects.values_list("title_fr", flat=True)[0]
    assert title.startswith(LONG_PAYLOAD[0] + "partners.offer.title_fr.")


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Checks of one response -----------------------------------------------------------------------
def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_html_escaped(url: str, body: str) -> None:
    """No payload as markup in an HTML page."""
    for marker in RAW_MARKUP:
        at = body.find(marker)
        assert at < 0, f"{url} holds the payload as markup: …{body[max(0, at - 200) : at + 80]}…"


def escaped_tags(body: str) -> set[str]:
    """The columns (``app.model.field``) whose payload a page shows, escaped."""
    return set(ESCAPED_TAG.findall(body))


def shows_escaped_payload(body: str) -> bool:
    return any(marker in body for marker in ESCAPED_MARKUP)


def assert_feed_escaped(url: str, body: str) -> None:
    """An Atom feed: its XML is well formed, and what a reader renders as HTML holds no markup."""
    root = ElementTree.fromstring(body.encode())
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            assert_html_escaped(f"{url} <{element.tag}>", element.text)


def assert_served_as_data(url: str, response) -> None:
    """A JSON or CSV answer: never something a browser would render as a page."""
    content_type = response["Content-Type"]
    assert content_type.split(";")[0] in ("application/json", "text/csv"), (url, content_type)
    if content_type.startswith("text/csv"):
        assert response["Content-Disposition"].startswith("attachment"), url
    assert response.get("X-Content-Type-Options") == "nosniff", url


def check_response(url: str, response) -> str:
    """Check an answer by its type; returns its text."""
    content_type = response.get("Content-Type", "").split(";")[0]
    body = _text(response)
    if content_type == "text/html":
        assert_html_escaped(url, body)
    elif content_type == "application/atom+xml":
        assert_feed_escaped(url, body)
    elif content_type in ("application/json", "text/csv"):
        assert_served_as_data(url, response)
        if content_type == "application/json" and body:
            json.loads(body)
    elif content_type == "application/xml":
        # IATI activity XML: well formed, so no text of a record became markup.
        ElementTree.fromstring(body.encode())
    elif content_type == "text/calendar":
        # iCalendar text is plain text (RFC 5545); no HTML description is offered to clients.
        assert response.get("X-Content-Type-Options") == "nosniff", url
        assert "X-ALT-DESC" not in body, url
    return body


# --- Pages without parameters: every one, as each kind of reader ----------------------------------
def _parameterless_paths() -> list[str]:
    """Every GET-able page of the portal (English) whose address takes no parameter."""
    paths: list[str] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), namespace)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "<" in route or "(?P" in route or "^" in route.lstrip("^"):
                    continue
                paths.append("/" + route.replace("^", "").replace("$", ""))

    walk(get_resolver().url_patterns, "", "")
    skipped = ("/en/admin/", "/en/accounts/", "/i18n/", "/api/", "/health/")
    return sorted(
        {path for path in paths if path.startswith("/en/") and not path.startswith(skipped)}
    )


READERS = [None, "admin", "helpdesk", "focal.kenya", "partner.admin", "learner"]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r or "anonymous")
def test_every_page_without_parameters_escapes_payloads(poisoned, db, reader):
    user = None
    if reader == "admin":
        user = poisoned.superuser
    elif reader:
        user = poisoned.people[reader]
    client = client_for(user)
    shown: set[str] = set()
    answered = 0
    for path in _parameterless_paths():
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200:
            continue
        answered += 1
        body = check_response(path, response)
        shown |= escaped_tags(body)
    assert answered >= 20
    # The pages did show poisoned text (escaped), so the check above saw something.
    assert len(shown) >= 5, shown


# --- Pages of one record: each page that shows people's words ------------------------------------
def _first(label: str, **filters):
    row = apps.get_model(label).objects.filter(**filters).order_by("pk").first()
    assert row is not None, f"the demo data has no {label} matching {filters}"
    return row


def _pk(label: str, **filters) -> dict:
    return {"pk": _first(label, **filters).pk}


def _published(label: str) -> dict:
    return _pk(label, status="published")


def _lesson_page(kind: str) -> PageArgs:
    enrolment = _first("elearning.enrolment", status="active")
    lesson = enrolment.course.lessons.filter(kind=kind).order_by("pk").first()
    return enrolment.user, {"pk": lesson.course_id, "lesson_pk": lesson.pk}


def _survey_page() -> PageArgs:
    enrolment = _first("elearning.enrolment", status="completed", survey__isnull=True)
    return enrolment.user, {"pk": enrolment.pk}


def _evaluation_page() -> PageArgs:
    project = _first("matchmaking.project", evaluations__isnull=True)
    type(project).objects.filter(pk=project.pk).update(status="completed")
    return "admin", {"pk": project.pk}


def _post(**filters) -> dict:
    post = _first("elearning.post", **filters)
    return {"slug": post.thread.community.slug, "pk": post.pk}


def _thread() -> dict:
    thread = _first("elearning.thread")
    return {"slug": thread.community.slug, "pk": thread.pk}


def _reference(**filters) -> dict:
    return {"reference": _first("needs.need", **filters).reference}


def _indicator_code() -> str:
    return _first("monitoring.indicatorvalue").indicator


def _country_code() -> dict:
    return {"code": _first("monitoring.countryprofile").country.code}


def _node_code() -> dict:
    return {"code": _first("monitoring.nationalnode", is_published=True).country.code}


def _node_news() -> dict:
    item = _first("monitoring.nodenewsitem")
    return {"code": item.node.country.code, "pk": item.pk}


def _commitment_report_page() -> PageArgs:
    commitment = _first("commitments.commitment", status="published")
    return commitment.owner, {"pk": commitment.pk}


# URL name -> (reader, keyword arguments), from the module's data: "admin" is the site
# administrator (who may see every record), None an anonymous visitor, a User that person.
PageArgs = tuple[User | str | None, dict]
PAGES: dict[str, Callable[[], PageArgs]] = {
    # Requests for assistance and assessments
    "needs:detail": lambda: (None, _reference(status="published", visibility="public")),
    "needs:manage": lambda: ("admin", _reference()),
    "needs:submitted": lambda: ("admin", _reference(status="submitted")),
    "needs:edit_step": lambda: ("admin", {**_reference(status="draft"), "step": "review"}),
    "needs:assessment_edit": lambda: ("admin", _pk("needs.assessment")),
    # Partners
    "partners:organisation_detail": lambda: (None, _pk("partners.organisation", status="approved")),
    "partners:offer_detail": lambda: (None, _published("partners.offer")),
    "partners:initiative_detail": lambda: (None, _published("partners.initiative")),
    "partners:initiative_iati": lambda: (None, _published("partners.initiative")),
    "partners:resource_detail": lambda: (None, _published("partners.resource")),
    "partners:opportunity_detail": lambda: (None, _published("partners.opportunity")),
    "partners:event_detail": lambda: (None, _published("partners.event")),
    "partners:agreement_detail": lambda: (None, _published("partners.partnershipagreement")),
    "partners:event_ics": lambda: (None, _published("partners.event")),
    "partners:organisation_edit": lambda: ("admin", _pk("partners.organisation")),
    "partners:organisation_members": lambda: (
        "admin",
        {"pk": _first("partners.membership").organisation_id},
    ),
    "partners:manage_records": lambda: (
        "admin",
        {"organisation_pk": _first("partners.offer").provider_id},
    ),
    "partners:record_edit": lambda: ("admin", {"kind": "offers", **_pk("partners.offer")}),
    "partners:record_translate": lambda: (
        "admin",
        {"kind": "resources", **_pk("partners.resource")},
    ),
    "partners:record_delete": lambda: ("admin", {"kind": "events", **_pk("partners.event")}),
    "partners:opportunity_apply": lambda: ("admin", _published("partners.opportunity")),
    "partners:opportunity_applications": lambda: (
        "admin",
        {"pk": _first("partners.opportunityapplication").opportunity_id},
    ),
    # Matchmaking and pilot projects
    "matchmaking:story_detail": lambda: (None, _published("matchmaking.successstory")),
    "matchmaking:workshop_detail": lambda: (None, _pk("matchmaking.matchingworkshop")),
    "matchmaking:need_suggestions": lambda: (
        "admin",
        {"need_pk": _first("needs.need", status="published").pk},
    ),
    "matchmaking:match_detail": lambda: ("admin", _pk("matchmaking.match")),
    "matchmaking:project_detail": lambda: ("admin", _pk("matchmaking.project")),
    "matchmaking:project_iati": lambda: (
        None,
        {"pk": projects_for_iati().first().pk},
    ),
    "matchmaking:project_edit": lambda: ("admin", _pk("matchmaking.project")),
    "matchmaking:project_report": lambda: (
        "admin",
        {"pk": _first("matchmaking.progressreport").project_id},
    ),
    "matchmaking:project_evaluate": _evaluation_page,
    "matchmaking:project_story": lambda: (
        "admin",
        {"pk": _first("matchmaking.successstory").project_id},
    ),
    "matchmaking:project_launch": lambda: (
        "admin",
        {"match_pk": _first("matchmaking.match", status="agreed").pk},
    ),
    # E-learning
    "elearning:course_detail": lambda: (None, _published("elearning.course")),
    "elearning:lesson": lambda: _lesson_page("content"),
    "elearning:quiz": lambda: _lesson_page("quiz"),
    "elearning:course_results": lambda: (
        "admin",
        {"pk": _first("elearning.enrolment").course_id},
    ),
    "elearning:survey": _survey_page,
    "elearning:authoring_course": lambda: ("admin", _pk("elearning.course")),
    "elearning:authoring_course_edit": lambda: ("admin", _pk("elearning.course")),
    "elearning:authoring_course_delete": lambda: ("admin", _pk("elearning.course", status="draft")),
    "elearning:authoring_preview": lambda: ("admin", _pk("elearning.course")),
    "elearning:authoring_module_add": lambda: ("admin", _pk("elearning.course")),
    "elearning:authoring_module_edit": lambda: ("admin", _pk("elearning.module")),
    "elearning:authoring_module_delete": lambda: ("admin", _pk("elearning.module")),
    "elearning:authoring_lesson_add": lambda: ("admin", _pk("elearning.module")),
    "elearning:authoring_lesson_edit": lambda: ("admin", _pk("elearning.lesson", kind="content")),
    "elearning:authoring_lesson_delete": lambda: ("admin", _pk("elearning.lesson")),
    "elearning:authoring_lesson_preview": lambda: (
        "admin",
        _pk("elearning.lesson", kind="content"),
    ),
    "elearning:authoring_quiz": lambda: ("admin", {"pk": _first("elearning.quiz").lesson_id}),
    "elearning:authoring_question_edit": lambda: ("admin", _pk("elearning.question")),
    "elearning:authoring_question_delete": lambda: ("admin", _pk("elearning.question")),
    "elearning:community_detail": lambda: (None, {"slug": _first("elearning.community").slug}),
    "elearning:community_moderation": lambda: (
        "admin",
        {"slug": _first("elearning.postflag").post.thread.community.slug},
    ),
    "elearning:thread_detail": lambda: ("admin", _thread()),
    "elearning:post_edit": lambda: ("admin", _post()),
    "elearning:post_flag": lambda: ("admin", _post()),
    "elearning:post_moderate": lambda: ("admin", _post()),
    "elearning:alumni_profile": lambda: ("admin", _pk("elearning.alumnus")),
    "certificates:verify": lambda: (None, {"code": _first("elearning.certificate").code}),
    # Quality reviews
    "quality:review": lambda: ("admin", _pk("quality.qualityreview")),
    "quality:item_history": lambda: (
        "admin",
        {"kind": "course", "object_id": _first("quality.qualityreview").object_id},
    ),
    # Dashboards and reference data
    "monitoring:indicator": lambda: (None, {"code": _indicator_code()}),
    "monitoring:indicator-data": lambda: (None, {"code": _indicator_code(), "fmt": "csv"}),
    "monitoring:country": lambda: (None, _country_code()),
    "monitoring:country-edit": lambda: ("admin", _country_code()),
    "monitoring:evaluation": lambda: (None, _published("monitoring.evaluation")),
    "monitoring:node": lambda: (None, _node_code()),
    "monitoring:node-feed": lambda: (None, _node_code()),
    "monitoring:node-edit": lambda: ("admin", _node_code()),
    "monitoring:node-news-edit": lambda: ("admin", _node_news()),
    "monitoring:node-news-delete": lambda: ("admin", _node_news()),
    # Commitments (the Action Agenda)
    "commitments:commitment_detail": lambda: (None, _published("commitments.commitment")),
    "commitments:edit": lambda: ("admin", _pk("commitments.commitment", status="draft")),
    "commitments:report": _commitment_report_page,
    "commitments:news_detail": lambda: (None, _pk("commitments.newsitem", is_published=True)),
    # Components for other websites: what they show of the records, as a frame and as JSON
    "embeds:frame": lambda: (None, {"key": "opportunities"}),
    "embeds:json": lambda: (None, {"key": "opportunities"}),
    "vocabularies:term_list": lambda: (None, {"slug": "thematic-areas"}),
}
# Pages that show no one's words (figures, reference terms, a confirmation): checked for
# markup all the same.
PAGES_WITHOUT_WORDS = {
    "monitoring:indicator",
    "monitoring:indicator-data",
    "needs:submitted",
    "vocabularies:term_list",
}
# Pages with parameters that are not checked here, and why.
NOT_PAGES = {
    "partners:invitation_accept": "a one-time token from an email",
    "elearning:invitation_accept": "a one-time token from an email",
    "elearning:post_link": "redirects to the thread page",
    "elearning:course_learn": "redirects to the lesson where the learner left off",
    "needs:attachment_download": "a file download (uploads: test_uploads.py)",
    "partners:resource_download": "a file download or a redirect to the resource",
    "partners:application_cv": "a file download (uploads: test_uploads.py)",
    "matchmaking:project_agreement": "a file download (uploads: test_uploads.py)",
    "elearning:certificate_pdf": "a PDF",
    "partners:record_create": "an empty form",
    "commitments:create": "an empty form",
    "monitoring:node-news-add": "an empty form",
    "elearning:authoring_quiz_add": "an empty form",
    "elearning:authoring_question_add": "an empty form",
}


def _get_pages_with_parameters() -> set[str]:
    """URL names (``namespace:name``) of the pages with parameters that answer GET."""
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
                continue
            route = prefix + str(pattern.pattern)
            if not route.startswith("en/") or route.startswith(("en/admin/", "en/accounts/")):
                continue
            if "<" not in route and "(?P" not in route:
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None or (
                "get" in view_class.http_method_names and hasattr(view_class, "get")
            ):
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_page_with_parameters_is_checked_or_explained():
    """A new page showing a record must join PAGES (or say in NOT_PAGES why not)."""
    assert _get_pages_with_parameters() - set(PAGES) - set(NOT_PAGES) == set()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_record_pages_show_payloads_escaped(poisoned, db, name):
    reader, kwargs = PAGES[name]()
    user = poisoned.superuser if reader == "admin" else reader
    url = reverse(name, kwargs=kwargs)
    response = client_for(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = check_response(url, response)
    if name in PAGES_WITHOUT_WORDS:
        return
    if response["Content-Type"].startswith("text/html"):
        # The page shows people's words, escaped: the check above saw them.
        assert shows_escaped_payload(body), url
    else:
        assert "alert(" in body, url


# --- Public databases: list, exports and feed -----------------------------------------------------
@pytest.mark.parametrize("database", registered(), ids=lambda d: d.key)
def test_database_list_exports_and_feed_escape_payloads(poisoned, db, database):
    client = Client()
    for view in ("list", "export_csv", "export_json", "feed"):
        url = reverse(database.url_name(view))
        response = client.get(url)
        assert response.status_code == 200, url
        body = check_response(url, response)
        assert "alert(" in body, f"{url} shows no record: the check saw nothing"
    search = client.get(reverse(database.url_name("list")), {"q": "alert"})
    assert search.status_code == 200
    assert_html_escaped("search", _text(search))


def test_feed_summaries_are_escaped_html(poisoned, db):
    """In ``<summary type="html">`` a reader unescapes the XML, then renders HTML: the text is
    escaped twice, so the reader shows ``<script>`` as text."""
    database = registered()[0]
    response = Client().get(reverse(database.url_name("feed")))
    root = ElementTree.fromstring(_text(response).encode())
    summaries = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}summary") if e.text]
    assert summaries
    assert all("&lt;" in text or "alert(" not in text for text in summaries)
    assert any(shows_escaped_payload(text) for text in summaries)


# --- The admin: every change list and change form -------------------------------------------------
def _admin_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in admin.site._registry
            if model._meta.app_label in USER_APPS and free_text_fields(model)
        ),
        key=lambda model: model._meta.label,
    )


@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_admin_change_list_and_form_escape_payloads(poisoned, db, model):
    client = client_for(poisoned.superuser)
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    response = client.get(changelist)
    assert response.status_code == 200, changelist
    check_response(changelist, response)
    searched = client.get(changelist, {"q": "alert"})
    assert searched.status_code in (200, 302), changelist
    if searched.status_code == 200:
        check_response(changelist, searched)
    row = model._default_manager.order_by("pk").first()
    if row is None:
        pytest.skip(f"the demo data has no {model._meta.label}")
    change = reverse("admin:{}_{}_change".format(*info), args=[row.pk])
    response = client.get(change)
    assert response.status_code == 200, change
    body = check_response(change, response)
    assert shows_escaped_payload(body), change


# --- The API: every list, as JSON and in the browsable API ----------------------------------------
def _api_list_paths() -> list[str]:
    """Every list of the API (``/api/v1/<name>/``) that takes no parameter."""
    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (pattern.name or "").endswith("-list") and "(?P" not in route and "<" not in route:
                paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(path for path in paths if path.startswith("/api/v1/"))


def test_api_answers_payloads_as_json_data_and_escapes_them_in_the_browsable_api(poisoned, db):
    client = client_for(poisoned.superuser)
    paths = _api_list_paths()
    assert "/api/v1/needs/" in paths and "/api/v1/offers/" in paths
    seen = 0
    for path in paths:
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, path
        body = check_response(path, response)
        if "alert(" in body:
            seen += 1
            # The words come back as they were written: data, not markup the API altered.
            assert "<script>alert(" in json.dumps(json.loads(body), ensure_ascii=False) or (
                "<svg onload=alert(" in body
            )
        page = client.get(path, HTTP_ACCEPT="text/html")
        assert page.status_code == 200, path
        assert page["Content-Type"].startswith("text/html")
        assert_html_escaped(f"{path} (browsable API)", _text(page))
    assert seen >= 10


# --- Forms sent back with payloads, and payloads in addresses -------------------------------------
def _draft_need(request) -> str:
    need = MatchNeedFactory(
        country=request.getfixturevalue("country_a"),
        created_by=request.getfixturevalue("focal_point_a"),
        status="draft",
        published_at=None,
    )
    return reverse("needs:edit_step", args=[need.reference, "about"])


def _offer(request) -> str:
    offer = OfferFactory(provider=request.getfixturevalue("organisation_x"))
    return reverse("partners:record_edit", args=["offers", offer.pk])


def _opportunity(request) -> str:
    opportunity = OpportunityFactory(
        organisation=request.getfixturevalue("organisation_x"),
        applications_on_portal=True,
        link="",
        places=2,
    )
    return reverse("partners:opportunity_apply", args=[opportunity.pk])


def _course(request) -> str:
    course = build_course(request.getfixturevalue("organisation_x"), status="draft", quiz=False)
    return reverse("elearning:authoring_course_edit", args=[course.pk])


def _report(request) -> str:
    return reverse("matchmaking:project_report", args=[ProjectFactory(status="implementation").pk])


def _country_profile(request) -> str:
    return reverse("monitoring:country-edit", args=[request.getfixturevalue("country_a").code])


# (who fills the form in, the page of the form)
FORMS = {
    "a request for assistance": ("focal_point_a", _draft_need),
    "an offer of support": ("member_x", _offer),
    "an organisation's registration": (
        "learner",
        lambda r: reverse("partners:organisation_register"),
    ),
    "an application": ("learner", _opportunity),
    "a course": ("member_x", _course),
    "a progress report": ("helpdesk_user", _report),
    "a country profile": ("helpdesk_user", _country_profile),
    "a profile": ("learner", lambda r: reverse("accounts:profile")),
    "a role request": ("learner", lambda r: reverse("accounts:role_request")),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_forms_sent_with_payloads_never_echo_markup(db, request, client, form):
    """Every free-text input of the form holds a payload: the form comes back, the markup
    refused with a message, the text escaped in the inputs."""
    person, path = FORMS[form]
    client.force_login(request.getfixturevalue(person))
    url = path(request)

    response, filled = submit_with_text(
        client, url, lambda name: LONG_PAYLOAD[0] + f"form.{name}." + "1" + LONG_PAYLOAD[1]
    )

    assert filled, url
    # The form again (some pages answer an invalid form with 400), not a redirect.
    assert response.status_code in (200, 400), (url, response.status_code)
    body = check_response(url, response)
    assert "Remove the HTML markup" in body, url
    assert shows_escaped_payload(body), url


QUERY_PARAMETERS = ("q", "page", "country", "target", "status", "sort", "from", "to", "next")


def test_payloads_in_addresses_are_never_echoed_as_markup(db, client):
    """A link with a payload in its query string (reflected cross-site scripting)."""
    payload = LONG_PAYLOAD[0] + "query.1" + LONG_PAYLOAD[1]
    query = dict.fromkeys(QUERY_PARAMETERS, payload)
    for path in _parameterless_paths():
        response = client.get(path, query)
        assert response.status_code < 500, path
        check_response(path, response)


def _api_offer(request) -> tuple[str, str]:
    offer = OfferFactory(provider=request.getfixturevalue("organisation_x"))
    return f"/api/v1/offers/{offer.pk}/", "title"


def _api_need(request) -> tuple[str, str]:
    need = MatchNeedFactory(
        country=request.getfixturevalue("country_a"),
        created_by=request.getfixturevalue("focal_point_a"),
        status="draft",
        published_at=None,
    )
    return f"/api/v1/needs/{need.reference}/", "description"


def _api_project(request) -> tuple[str, str]:
    return f"/api/v1/projects/{ProjectFactory().pk}/", "objectives"


# (who writes, method, (fixture request) -> (address, field))
API_WRITES = {
    "an offer": ("member_x", "patch", _api_offer),
    "a request for assistance": ("focal_point_a", "patch", _api_need),
    "a pilot project": ("helpdesk_user", "patch", _api_project),
    "a role request": ("learner", "post", lambda r: ("/api/v1/role-requests/", "justification")),
}


@pytest.mark.parametrize("write", sorted(API_WRITES))
def test_the_api_refuses_markup_in_text(db, request, api_client, write):
    person, method, target = API_WRITES[write]
    api_client.force_authenticate(request.getfixturevalue(person))
    url, name = target(request)
    body = {name: LONG_PAYLOAD[0] + "api.1" + LONG_PAYLOAD[1]}
    if write == "a role request":
        body.update(role="helpdesk")

    response = getattr(api_client, method)(url, body, format="json")

    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert "Remove the HTML markup" in " ".join(response.json()[name]), response.json()


def test_every_address_field_refuses_javascript_urls():
    """``javascript:`` (and ``data:``) addresses are refused wherever people give an address
    (URLField, in forms, the API, the admin and imports; harvesting keeps http(s) links only):
    templates put stored addresses in ``href`` as they are."""
    fields = [
        f
        for model in apps.get_models()
        if model._meta.app_label in USER_APPS
        for f in url_fields(model)
    ]
    assert len(fields) >= 5
    for f in fields:
        for address in ("javascript:alert(1)", "JaVaScRiPt:alert(1)//x.org", "data:text/html,x"):
            with pytest.raises(ValidationError):
                f.clean(address, None)
