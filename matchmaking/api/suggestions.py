"""API of a request's suggestions: ``/api/v1/needs/{need_id}/suggestions/``.

Whoever may see a request (``needs.view_need``: the public for public requests, its owners, the
help desk) sees its stored suggestions once it is published; the help desk sees them from
submission on. Reasons come as codes and as sentences in the request's language (``Accept-
Language`` or ``?lang=``).
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from chm_portal.accounts.predicates import is_helpdesk_or_site_admin
from needs.models import Need

from ..models import Suggestion
from ..reasons import reason_texts
from ..selectors.suggestions import REQUESTER_SUGGESTION_STATUSES, suggestion_list_for_need


class SuggestedOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    url = serializers.SerializerMethodField()

    def get_url(self, offer) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("partners:offer_detail", kwargs={"pk": offer.pk})
        )


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    text = serializers.CharField()


class SuggestionSerializer(serializers.ModelSerializer):
    offer = SuggestedOfferSerializer(read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["rank", "score", "offer", "reasons", "algorithm_version", "computed_at"]
        read_only_fields = fields

    def get_reasons(self, suggestion) -> list[dict]:
        texts = reason_texts(suggestion.reasons)
        return ReasonSerializer(
            [
                {"code": code, "value": value, "text": text}
                for (code, value), text in zip(suggestion.reasons, texts, strict=True)
            ],
            many=True,
        ).data


@extend_schema_view(
    list=extend_schema(
        summary="Suggested offers of a request",
        description="The offers the matching engine ranks for the request, best first, with "
        "their score (0 to 1) and the reasons, in the language of the response.",
        parameters=[OpenApiParameter("need_pk", int, OpenApiParameter.PATH)],
    )
)
class NeedSuggestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SuggestionSerializer
    permission_classes = [permissions.AllowAny]
    # Ten suggestions at most: one page.
    pagination_class = None

    def get_queryset(self) -> QuerySet[Suggestion]:
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        need = get_object_or_404(Need, pk=self.kwargs["need_pk"])
        user = self.request.user
        if not user.has_perm("needs.view_need", need):
            raise Http404
        if need.status not in REQUESTER_SUGGESTION_STATUSES and not is_helpdesk_or_site_admin(user):
            return Suggestion.objects.none()
        return suggestion_list_for_need(need=need)


# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = [
    (r"needs/(?P<need_pk>\d+)/suggestions", NeedSuggestionViewSet, "need-suggestion"),
]
