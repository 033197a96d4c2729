"""Placeholder: being written."""

from django.views.generic import TemplateView



class NeedDetailView(TemplateView):
    template_name = 'needs/index.html'


class NeedExportCsvView(TemplateView):
    template_name = 'needs/index.html'


class NeedExportJsonView(TemplateView):
    template_name = 'needs/index.html'


class NeedFeed:
    def __call__(self, request, *args, **kwargs):
        raise NotImplementedError


class NeedRegistryView(TemplateView):
    template_name = 'needs/index.html'
