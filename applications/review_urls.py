from django.urls import path

from . import review_views

app_name = "review"

urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("register/", review_views.register_received, name="register_received"),
    path("<str:reference>/", review_views.application_detail, name="application"),
    path("<str:reference>/take/", review_views.application_take, name="take"),
    path("<str:reference>/assign/", review_views.application_assign, name="assign"),
    path("<str:reference>/claims/<int:pk>/tick/", review_views.claim_tick, name="claim_tick"),
    path("<str:reference>/certificates/<int:pk>/verify/", review_views.certificate_verify, name="certificate_verify"),
    path("<str:reference>/certificates/<int:pk>/scan/", review_views.certificate_scan, name="certificate_scan"),
    path("<str:reference>/request-changes/", review_views.request_changes, name="request_changes"),
    path("<str:reference>/decide/", review_views.decide, name="decide"),
    path("<str:reference>/notes/", review_views.note_add, name="note_add"),
    path("<str:reference>/messages/", review_views.message_send, name="message_send"),
    path("<str:reference>/timeline/", review_views.timeline, name="timeline"),
    # Pages the applicant sees too (members of the organisation, and staff).
    path("<str:reference>/letter/", review_views.decision_letter, name="letter"),
    path("<str:reference>/status/", review_views.applicant_status, name="applicant_status"),
]
