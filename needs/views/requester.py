"""Placeholder: being written."""

from django.views.generic import TemplateView



class AssessmentDraftNeedsView(TemplateView):
    template_name = 'needs/index.html'


class AssessmentEditView(TemplateView):
    template_name = 'needs/index.html'


class AssessmentListView(TemplateView):
    template_name = 'needs/index.html'


class AssessmentStartView(TemplateView):
    template_name = 'needs/index.html'


class AssessmentSubmitView(TemplateView):
    template_name = 'needs/index.html'


class IndexView(TemplateView):
    template_name = 'needs/index.html'


class MyRequestsView(TemplateView):
    template_name = 'needs/index.html'


class NeedAnswerView(TemplateView):
    template_name = 'needs/index.html'


class NeedAttachmentAddView(TemplateView):
    template_name = 'needs/index.html'


class NeedAttachmentDeleteView(TemplateView):
    template_name = 'needs/index.html'


class NeedAttachmentDownloadView(TemplateView):
    template_name = 'needs/index.html'


class NeedCreateView(TemplateView):
    template_name = 'needs/index.html'


class NeedManageView(TemplateView):
    template_name = 'needs/index.html'


class NeedMessageView(TemplateView):
    template_name = 'needs/index.html'


class NeedStepView(TemplateView):
    template_name = 'needs/index.html'


class NeedSubmitView(TemplateView):
    template_name = 'needs/index.html'


class NeedSubmittedView(TemplateView):
    template_name = 'needs/index.html'


class NeedWithdrawView(TemplateView):
    template_name = 'needs/index.html'
