from django.urls import path

from .views import assessments, capacity, registry, requester

app_name = "needs"

urlpatterns = [
    path("", requester.IndexView.as_view(), name="index"),
    # The public registry of published requests.
    path("registry/", registry.NeedRegistryView.as_view(), name="registry"),
    path("registry/export.csv", registry.NeedExportCsvView.as_view(), name="export_csv"),
    path("registry/export.json", registry.NeedExportJsonView.as_view(), name="export_json"),
    path("registry/feed/", registry.NeedFeed(), name="feed"),
    path("capacity/", capacity.CapacitySummaryView.as_view(), name="capacity_summary"),
    # Requesters: focal points, IPLC organisations, the help desk on a country's behalf.
    path("mine/", requester.MyRequestsView.as_view(), name="my_requests"),
    path("new/", requester.NeedCreateView.as_view(), name="create"),
    path("<str:reference>/edit/<slug:step>/", requester.NeedStepView.as_view(), name="edit_step"),
    path("<str:reference>/submit/", requester.NeedSubmitView.as_view(), name="submit"),
    path("<str:reference>/submitted/", requester.NeedSubmittedView.as_view(), name="submitted"),
    path("<str:reference>/manage/", requester.NeedManageView.as_view(), name="manage"),
    path("<str:reference>/withdraw/", requester.NeedWithdrawView.as_view(), name="withdraw"),
    path("<str:reference>/answer/", requester.NeedAnswerView.as_view(), name="answer"),
    path("<str:reference>/message/", requester.NeedMessageView.as_view(), name="message"),
    path(
        "<str:reference>/attachments/",
        requester.NeedAttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "<str:reference>/attachments/<int:pk>/delete/",
        requester.NeedAttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path(
        "<str:reference>/attachments/<int:pk>/",
        requester.NeedAttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    # The common assessment format.
    path("assessments/", assessments.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/start/", assessments.AssessmentStartView.as_view(), name="assessment_start"),
    path("assessments/<int:pk>/", assessments.AssessmentEditView.as_view(), name="assessment_edit"),
    path(
        "assessments/<int:pk>/submit/",
        assessments.AssessmentSubmitView.as_view(),
        name="assessment_submit",
    ),
    path(
        "assessments/<int:pk>/draft-requests/",
        assessments.AssessmentDraftNeedsView.as_view(),
        name="assessment_draft_needs",
    ),
    # Public page of one request (last: its path is the widest).
    path("<str:reference>/", registry.NeedDetailView.as_view(), name="detail"),
]
