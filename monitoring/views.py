from django.views.generic import TemplateView


class IndexView(TemplateView):
    """Landing page of the area: what it offers and to whom."""

    template_name = "monitoring/index.html"
