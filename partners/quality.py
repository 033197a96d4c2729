"""Resources and events as reviewable items of ``chm_portal.quality`` (imported by
``PartnersConfig.ready()``).

Content reviewers review published resources and events against the quality standards from the
queue page (``/quality/``); a review does not gate publication, so nothing happens to the
record when the reviewer decides (``on_decision`` is None). Its team reads the review and says
what they improved.
"""

from django.urls import reverse

from chm_portal.quality.registry import register_reviewable

from .models import Event, Resource

register_reviewable(
    Resource,
    kind="resource",
    title=lambda resource: resource.title,
    url=lambda resource: reverse("partners:resource_detail", args=[resource.pk]),
    candidates=lambda: Resource.objects.public().select_related("organisation"),
)
register_reviewable(
    Event,
    kind="event",
    title=lambda event: event.title,
    url=lambda event: reverse("partners:event_detail", args=[event.pk]),
    candidates=lambda: Event.objects.public().select_related("organisation"),
)
