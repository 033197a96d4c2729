"""What people do with the partners' records: download resources, apply to opportunities (and
review the applications), and follow events in a calendar or an iCalendar feed.

Pages read through :mod:`partners.selectors` and write through :mod:`partners.services`. A record
the person may not see answers 404 (drafts are not revealed), as do applications they may not
review.
"""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView, View

from chm_portal.core.faceting import filter_chips
from chm_portal.core.feeds import filter_query_string, with_query

from .. import databases, selectors, services
from ..forms.engagement import (
    ApplicationDecisionForm,
    ApplicationForm,
    CalendarMonthForm,
    add_service_errors,
)
from ..models import Event, Opportunity, OpportunityApplication, Resource

ApplicationStatus = OpportunityApplication.Status

# The most events a calendar month or the iCalendar feed lists (a month rarely has a tenth).
CALENDAR_MAX_EVENTS = 300
ICS_MAX_EVENTS = 500
# How far back the iCalendar feed goes.
ICS_PAST_DAYS = 90
APPLICATIONS_PAGE_SIZE = 25


# --- Helpers ------------------------------------------------------------------------------------
def _visible_or_404(queryset: QuerySet, pk: int, permission: str, user):
    record = get_object_or_404(queryset, pk=pk)
    if not user.has_perm(permission, record):
        raise Http404
    return record


# --- Resources ------------------------------------------------------------------------------------
class ResourceDownloadView(View):
    """``/partners/resources/<pk>/download/``: count the download, then go to the file (uploaded
    here) or to the resource's link."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = _visible_or_404(
            Resource.objects.select_related("organisation"),
            pk,
            "partners.view_resource",
            request.user,
        )
        try:
            services.resource_download_record(resource=resource, user=request.user)
        except PermissionDenied as error:
            raise Http404 from error
        response = redirect(resource.file.url if resource.file else resource.url)
        # Crawlers that follow the link anyway should not index the hop.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- Applications to opportunities ----------------------------------------------------------------
class OpportunityApplyView(LoginRequiredMixin, TemplateView):
    """``/partners/opportunities/<pk>/apply/``: the portal's application form, while the
    opportunity is open and takes its applications here."""

    template_name = "partners/applications/apply.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.opportunity = _visible_or_404(
            selectors.opportunities_for_page(),
            kwargs["pk"],
            "partners.view_opportunity",
            request.user,
        )
        if not self.opportunity.applications_on_portal:
            raise Http404
        self.application = (
            OpportunityApplication.objects.filter(
                opportunity=self.opportunity, applicant=request.user
            )
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            opportunity=self.opportunity,
            application=self.application,
            is_open=self.opportunity.is_open,
        )
        if "form" not in context and self.opportunity.is_open and self.application is None:
            context["form"] = ApplicationForm(initial={"country": self.request.user.country_id})
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ApplicationForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                services.application_submit(
                    opportunity=self.opportunity,
                    by=request.user,
                    data=form.service_data(),
                    cv=form.cleaned_data["cv"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your application to “%(title)s” is sent.") % {"title": self.opportunity},
                )
                return redirect("partners:my_applications")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MyApplicationsView(LoginRequiredMixin, ListView):
    """``/partners/applications/mine/``: the person's applications and where each stands."""

    template_name = "partners/applications/mine.html"
    context_object_name = "applications"
    paginate_by = APPLICATIONS_PAGE_SIZE

    def get_queryset(self) -> QuerySet[OpportunityApplication]:
        return selectors.applications_of_applicant(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["withdrawable"] = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)
        return context


class ApplicationWithdrawView(LoginRequiredMixin, View):
    """``POST /partners/applications/<pk>/withdraw/``: the applicant withdraws."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(selectors.applications_of_applicant(request.user), pk=pk)
        title = application.opportunity.title
        try:
            services.application_withdraw(application=application, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your application to “%(title)s” is withdrawn.") % {"title": title}
            )
        return redirect("partners:my_applications")


def _reviewable_opportunity_or_404(user, pk: int) -> Opportunity:
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("organisation", "opportunity_type"), pk=pk
    )
    if not services.applications_may_review(user=user, opportunity=opportunity):
        raise Http404
    return opportunity


class OpportunityApplicationsView(LoginRequiredMixin, TemplateView):
    """``/partners/opportunities/<pk>/applications/``: the applications to an opportunity, for
    its organisation's members (the help desk reviews the portal's own programme), with a form
    to accept or decline each submitted one.

    ``POST`` decides on one application (``application`` names it); on a problem the page shows
    again with the error next to that application.
    """

    template_name = "partners/applications/review.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.opportunity = _reviewable_opportunity_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(
            selectors.applications_of_opportunity(self.opportunity), APPLICATIONS_PAGE_SIZE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        failed = kwargs.get("failed")  # (application id, bound form) of a refused decision
        rows = []
        for application in page.object_list:
            form = None
            if application.status == ApplicationStatus.SUBMITTED:
                if failed and failed[0] == application.pk:
                    form = failed[1]
                else:
                    form = ApplicationDecisionForm(prefix=f"application-{application.pk}")
            rows.append({"application": application, "form": form})
        context.update(
            opportunity=self.opportunity,
            rows=rows,
            page_obj=page,
            paginator=paginator,
            accepted_count=self.opportunity.applications.filter(
                status=ApplicationStatus.ACCEPTED
            ).count(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = get_object_or_404(
            selectors.applications_of_opportunity(self.opportunity),
            pk=request.POST.get("application"),
        )
        form = ApplicationDecisionForm(data=request.POST, prefix=f"application-{application.pk}")
        if form.is_valid():
            try:
                services.application_decide(
                    application=application,
                    by=request.user,
                    accept=form.accept,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "invalid_status":
                    # Decided meanwhile (a colleague, a second click): nothing left to do here.
                    messages.error(request, " ".join(error.messages))
                    return redirect(request.get_full_path())
                add_service_errors(form, error)
            else:
                done = (
                    _("%(name)s is accepted; they are told by email.")
                    if form.accept
                    else _("%(name)s is declined; they are told by email.")
                )
                messages.success(request, done % {"name": application.applicant})
                return redirect(request.get_full_path())
        context = self.get_context_data(failed=(application.pk, form))
        return self.render_to_response(context, status=400)


class ApplicationCVView(LoginRequiredMixin, View):
    """``/partners/applications/<pk>/cv/``: an applicant's CV, for the applicant and those who
    review the applications to the opportunity (never public)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(
            OpportunityApplication.objects.select_related("opportunity__organisation"), pk=pk
        )
        user = request.user
        if application.applicant_id != user.pk and not services.applications_may_review(
            user=user, opportunity=application.opportunity
        ):
            raise Http404
        if not application.cv:
            raise Http404
        try:
            handle = application.cv.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=application.cv.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- Events: calendar and iCalendar ---------------------------------------------------------------
@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of ``month`` and of the next, in the reader's time zone."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    return start, end


def _first_weekday() -> int:
    """The first day of the week of the active language, as Python's calendar counts (0 Monday);
    Django's FIRST_DAY_OF_WEEK counts from Sunday."""
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def month_weeks(month: datetime.date, events: list[Event]) -> list[list[CalendarDay]]:
    """The weeks of ``month`` with, on each day, the events happening that day (an event over
    several days is on each of them), in the reader's time zone."""
    today = timezone.localdate()
    weeks = [
        [CalendarDay(day, day.month == month.month, day == today) for day in week]
        for week in calendar.Calendar(_first_weekday()).monthdatescalendar(month.year, month.month)
    ]
    by_day = {cell.day: cell for week in weeks for cell in week if cell.in_month}
    for event in events:
        day = max(timezone.localdate(event.starts_at), month)
        last = timezone.localdate(event.ends_at)
        while day <= last and day in by_day:
            by_day[day].events.append(event)
            day += datetime.timedelta(days=1)
    return weeks


def _shifted(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_query(query: str, month: datetime.date) -> str:
    parameter = f"month={month:%Y-%m}"
    return f"{parameter}&{query}" if query else parameter


class EventCalendarView(TemplateView):
    """``/partners/events/calendar/?month=YYYY-MM``: the public events of a month in a table of
    weeks, filtered like the events list (``?event_type=webinar``...). Two queries whatever the
    number of events: the filters' vocabulary terms and the month's events."""

    template_name = "partners/events/calendar.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        database = databases.EVENTS
        month_form = CalendarMonthForm(request.GET)
        filterset = database.filterset(request.GET, request)
        month_valid = month_form.is_valid()
        filters_valid = filterset.is_valid()
        month = (month_valid and month_form.cleaned_data["month"]) or timezone.localdate().replace(
            day=1
        )
        query = request.GET.copy()
        query.pop("month", None)
        filters = filter_query_string(query)
        context = self.get_context_data(
            database=database,
            filterset=filterset,
            month_form=month_form,
            month=month,
            month_label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
            weekdays=[
                {
                    "name": WEEKDAYS[(_first_weekday() + i) % 7],
                    "abbr": WEEKDAYS_ABBR[(_first_weekday() + i) % 7],
                }
                for i in range(7)
            ],
            time_zone=timezone.get_current_timezone_name(),
            calendar_url=reverse("partners:event_calendar"),
            previous_url=with_query(
                reverse("partners:event_calendar"), _month_query(filters, _shifted(month, -1))
            ),
            next_url=with_query(
                reverse("partners:event_calendar"), _month_query(filters, _shifted(month, 1))
            ),
            current_url=with_query(reverse("partners:event_calendar"), filters),
            list_url=database.list_url(filters),
            ics_url=with_query(reverse("partners:events_ics"), filters),
        )
        if not (month_valid and filters_valid):
            return self.render_to_response(context, status=400)
        start, end = _month_bounds(month)
        events = list(
            filterset.qs.filter(starts_at__lt=end, ends_at__gte=start)
            .prefetch_related(None)
            .order_by("starts_at", "pk")[: CALENDAR_MAX_EVENTS + 1]
        )
        selected = filterset.selected()
        context.update(
            show_calendar=True,
            weeks=month_weeks(month, events[:CALENDAR_MAX_EVENTS]),
            event_count=min(len(events), CALENDAR_MAX_EVENTS),
            truncated=len(events) > CALENDAR_MAX_EVENTS,
            chips=filter_chips(database.facets, filterset, selected, request.GET),
        )
        return self.render_to_response(context)


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_location(event: Event) -> str:
    """Where an event happens, in one line: online, or venue, city and country."""
    if event.is_online:
        return str(_("Online"))
    parts = [event.venue, event.city, event.country.name if event.country_id else ""]
    return ", ".join(part for part in parts if part)


def event_component(request: HttpRequest, event: Event) -> icalendar.Event:
    """One event as a VEVENT: times in its own zone (TZID), a UID that never changes."""
    zone = zoneinfo.ZoneInfo(event.time_zone)
    url = request.build_absolute_uri(databases.record_url(event))
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{_site_host()}")
    component.add("dtstamp", event.updated_at.astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", event.title)
    description = event.description
    if event.registration_url:
        description += "\n\n" + str(_("Registration: %(url)s") % {"url": event.registration_url})
    component.add("description", f"{description}\n\n{url}")
    component.add("url", url)
    component.add("location", event_location(event))
    component.add("categories", [event.event_type.name])
    component.add("status", "CONFIRMED")
    return component


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{_site_host()}//CHM portal events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _ics_response(cal: icalendar.Calendar, filename: str, *, attachment: bool) -> HttpResponse:
    cal.add_missing_timezones()
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class EventsICalendarView(View):
    """``/partners/events/calendar.ics``: the public events matching the list's filters, from
    ``ICS_PAST_DAYS`` ago on, for calendar applications to subscribe to."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        database = databases.EVENTS
        filterset = database.filterset(request.GET, request)
        if not filterset.is_valid():
            errors = "; ".join(
                f"{name}: {' '.join(messages_)}" for name, messages_ in filterset.errors.items()
            )
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        since = timezone.now() - datetime.timedelta(days=ICS_PAST_DAYS)
        events = (
            filterset.qs.filter(ends_at__gte=since)
            .prefetch_related(None)
            .order_by("starts_at", "pk")[:ICS_MAX_EVENTS]
        )
        cal = _calendar(str(database.label))
        for event in events:
            cal.add_component(event_component(request, event))
        return _ics_response(cal, "events.ics", attachment=False)


class EventICalendarView(View):
    """``/partners/events/<pk>/event.ics``: one event, to add to a calendar."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _visible_or_404(
            Event.objects.select_related("organisation", "event_type", "country"),
            pk,
            "partners.view_event",
            request.user,
        )
        cal = _calendar(event.title)
        cal.add_component(event_component(request, event))
        return _ics_response(cal, f"event-{event.pk}.ics", attachment=True)


urlpatterns = [
    path(
        "resources/<int:pk>/download/",
        ResourceDownloadView.as_view(),
        name="resource_download",
    ),
    path(
        "opportunities/<int:pk>/apply/",
        OpportunityApplyView.as_view(),
        name="opportunity_apply",
    ),
    path(
        "opportunities/<int:pk>/applications/",
        OpportunityApplicationsView.as_view(),
        name="opportunity_applications",
    ),
    path("applications/mine/", MyApplicationsView.as_view(), name="my_applications"),
    path(
        "applications/<int:pk>/withdraw/",
        ApplicationWithdrawView.as_view(),
        name="application_withdraw",
    ),
    path("applications/<int:pk>/cv/", ApplicationCVView.as_view(), name="application_cv"),
    path("events/calendar/", EventCalendarView.as_view(), name="event_calendar"),
    path("events/calendar.ics", EventsICalendarView.as_view(), name="events_ics"),
    path("events/<int:pk>/event.ics", EventICalendarView.as_view(), name="event_ics"),
]
