"""Receivers that keep suggestions current when requests and offers change (connected in
``MatchmakingConfig.ready``). They only record work to do, in the change's transaction."""

from partners.models import Offer

from .models import Suggestion, SuggestionRefresh


def on_need_changed(sender, *, need, **kwargs) -> None:
    from .services.suggestions import suggestions_on_need_changed

    suggestions_on_need_changed(need=need)


def on_record_changed(sender, *, record_id: int, deleted: bool = False, **kwargs) -> None:
    from .services.suggestions import suggestions_on_offer_changed, suggestions_request_refresh

    if sender is not Offer:
        return
    if deleted:
        # Its suggestions go with it: the requests that had it are recomputed instead.
        need_ids = Suggestion.objects.filter(offer_id=record_id).values_list("need_id", flat=True)
        for need_id in need_ids.distinct():
            suggestions_request_refresh(kind=SuggestionRefresh.Kind.NEED, object_id=need_id)
        return
    suggestions_on_offer_changed(offer_id=record_id)
