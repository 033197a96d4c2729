"""Pages of quality reviews (``/quality/``, namespace ``quality``).

- ``queue``: the reviewers' queue (open reviews first, the oldest first), filtered by record
  type and status, and a form to open a review of a published resource or event;
- ``start`` (POST): open and take a review of such an item;
- ``review``: one review; reviewers fill in the checklist and decide, the item's team reads it
  and says what they improved (``improvements``, POST);
- ``item_history``: every review of one item.

Pages read through ``chm_portal.quality.selectors`` and write only through
``chm_portal.quality.services``. A review the person may not see answers 404; the queue answers
403 to anyone but reviewers. Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from chm_portal.core.forms import add_service_errors

from . import registry, selectors, services
from .forms import ChecklistForm, ImprovementsForm, QueueFilterForm, StartReviewForm
from .models import QualityReview
from .rules import item_of

PAGE_SIZE = 20
DECISIONS = {
    "approved": _("The item meets the standards: the review is complete."),
    "changes_requested": _("Improvements are requested: the item's team is told."),
    "rejected": _("The item does not meet the standards: the review is complete."),
}


def review_url(review: QualityReview) -> str:
    return reverse("quality:review", kwargs={"pk": review.pk})


def review_for(user, pk: int) -> QualityReview:
    """The review for ``user``: 404 when they may not see it."""
    review = get_object_or_404(selectors.review_for_page(), pk=pk)
    if not user.has_perm("quality.view_review", review):
        raise Http404(_("No such review."))
    return review


def _item_context(review: QualityReview) -> dict[str, Any]:
    reviewable = registry.reviewable_for_content_type(review.content_type)
    item = item_of(review)
    return {
        "item": item,
        "kind_label": reviewable.label if reviewable else review.content_type.name,
        "kind": reviewable.kind if reviewable else review.content_type.model,
        "item_url": reviewable.url(item) if reviewable and item is not None else "",
    }


class ReviewerRequiredMixin(LoginRequiredMixin):
    """Reviewers only: 403 for everyone else who is signed in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("quality.view_queue"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- The queue --------------------------------------------------------------------------------
class QueueView(ReviewerRequiredMixin, TemplateView):
    """``/quality/``: reviews by record type and status, 20 a page; and the search of published
    items to open a review of. Queries: count, page (with types and people), standards none."""

    template_name = "quality/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        filter_form = QueueFilterForm(request.GET or None)
        filters = (
            filter_form.filters()
            if filter_form.is_bound
            else {"kind": None, "status": selectors.OPEN}
        )
        page_obj = Paginator(selectors.review_queue(**filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        start_form = StartReviewForm(request.GET if "start_q" in request.GET else None)
        candidates = None
        if start_form.is_bound and start_form.is_valid():
            candidates = selectors.candidate_items(
                kind=start_form.cleaned_data["start_kind"],
                query=start_form.cleaned_data["start_q"],
            )
        kinds = {reviewable.content_type().pk: reviewable for reviewable in registry.registered()}
        context.update(
            filter_form=filter_form,
            page_obj=page_obj,
            rows=[(review, kinds.get(review.content_type_id)) for review in page_obj],
            query_string=query.urlencode(),
            start_form=start_form,
            start_kinds=start_form.fields["start_kind"].choices,
            candidates=candidates,
            candidate_kind=start_form.cleaned_data.get("start_kind")
            if candidates is not None
            else None,
        )
        return context


class StartReviewView(ReviewerRequiredMixin, View):
    """``POST /quality/start/``: open a review of a published resource or event (``kind``,
    ``object_id``) and take it; an item already under review leads to its review."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        reviewable = registry.reviewable_for_kind(request.POST.get("kind", ""))
        object_id = request.POST.get("object_id", "")
        if reviewable is None or reviewable.candidates is None or not object_id.isdigit():
            raise Http404
        item = get_object_or_404(reviewable.candidates(), pk=int(object_id))
        existing = selectors.open_review_of(item)
        if existing is not None:
            messages.info(request, _("This item is already under review."))
            return redirect(review_url(existing))
        try:
            with transaction.atomic():
                review = services.request_review(item=item, by=request.user)
                services.start_review(review=review, reviewer=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("quality:queue")
        messages.success(request, _("The review is open: check the item against each standard."))
        return redirect(review_url(review))


# --- One review -------------------------------------------------------------------------------
class ReviewView(LoginRequiredMixin, TemplateView):
    """``/quality/reviews/<pk>/``: the checklist. Reviewers fill it in while the review is open
    and decide with one of the buttons; the item's team reads it and says what they improved."""

    template_name = "quality/review.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.review = review_for(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def page(self, *, form: ChecklistForm | None = None, improvements_form=None, status=200):
        review = self.review
        user = self.request.user
        may_review = review.is_open and user.has_perm("quality.review_item", review)
        may_improve = (
            review.status == QualityReview.Status.CHANGES_REQUESTED
            and review.improved_at is None
            and user.has_perm("quality.record_improvements", review)
        )
        if may_review and form is None:
            form = ChecklistForm(review=review)
        if may_improve and improvements_form is None:
            improvements_form = ImprovementsForm(
                initial={"improvements_made": review.improvements_made}
            )
        context = self.get_context_data(
            review=review,
            checks=list(review.checks.all()),
            form=form if may_review else None,
            improvements_form=improvements_form if may_improve else None,
            is_reviewer=user.has_perm("quality.review_item", review),
            **_item_context(review),
        )
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        review = self.review
        if not request.user.has_perm("quality.review_item", review):
            raise PermissionDenied
        if not review.is_open:
            messages.info(request, _("This review is complete: it can no longer be changed."))
            return redirect(review_url(review))
        decision = request.POST.get("decision", "save")
        if decision == "start":
            try:
                services.start_review(review=review, reviewer=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("You are reviewing this item."))
            return redirect(review_url(review))
        form = ChecklistForm(data=request.POST, review=review)
        if not form.is_valid():
            return self.page(form=form)
        try:
            services.record_checks(review=review, reviewer=request.user, results=form.results())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.page(form=form)
        if decision not in DECISIONS:
            messages.success(request, _("The checklist is saved."))
            return redirect(review_url(review))
        try:
            services.complete_review(
                review=review,
                reviewer=request.user,
                status=decision,
                summary=form.cleaned_data["summary"],
                improvements_requested=form.cleaned_data["improvements_requested"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            messages.warning(request, _("The checklist is saved, but the review is not decided."))
            return self.page(form=form)
        messages.success(request, DECISIONS[decision])
        return redirect(review_url(review))


class ImprovementsView(LoginRequiredMixin, View):
    """``POST /quality/reviews/<pk>/improvements/``: the item's team says what they changed."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = review_for(request.user, pk)
        if not request.user.has_perm("quality.record_improvements", review):
            raise PermissionDenied
        form = ImprovementsForm(data=request.POST)
        if form.is_valid():
            try:
                services.record_improvements(
                    review=review,
                    by=request.user,
                    improvements_made=form.cleaned_data["improvements_made"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: the reviewer will see what you improved at the next review."),
                )
                return redirect(review_url(review))
        view = ReviewView()
        view.setup(request, pk=pk)
        view.review = review
        return view.page(improvements_form=form, status=400)


# --- The reviews of one item ------------------------------------------------------------------
class ItemHistoryView(LoginRequiredMixin, TemplateView):
    """``/quality/items/<kind>/<object_id>/``: every review of one item, the latest first."""

    template_name = "quality/item_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        reviewable = registry.reviewable_for_kind(kwargs["kind"])
        if reviewable is None:
            raise Http404
        item = reviewable.model._default_manager.filter(pk=kwargs["object_id"]).first()
        if item is None:
            if not user.has_perm("quality.view_queue"):
                raise Http404
        elif not user.has_perm("quality.view_item_reviews", item):
            raise Http404
        reviews = list(
            selectors.reviews_of_item(
                content_type=reviewable.content_type(), object_id=kwargs["object_id"]
            )[:100]
        )
        if item is None and not reviews:
            raise Http404
        context.update(
            item=item,
            item_title=reviewable.title(item) if item is not None else reviews[0].item_title,
            item_url=reviewable.url(item) if item is not None else "",
            kind_label=reviewable.label,
            reviews=reviews,
            is_reviewer=user.has_perm("quality.view_queue"),
        )
        return context


urlpatterns = [
    path("", QueueView.as_view(), name="queue"),
    path("start/", StartReviewView.as_view(), name="start"),
    path("reviews/<int:pk>/", ReviewView.as_view(), name="review"),
    path("reviews/<int:pk>/improvements/", ImprovementsView.as_view(), name="improvements"),
    path(
        "items/<slug:kind>/<int:object_id>/",
        ItemHistoryView.as_view(),
        name="item_history",
    ),
]
