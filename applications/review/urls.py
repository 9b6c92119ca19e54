from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("home/", views.dashboard, name="dashboard"),
    path("batch/", views.batch, name="batch"),
    path("preferences/", views.preferences, name="preferences"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:export_id>/", views.export_detail, name="export"),
    path("exports/<uuid:export_id>/progress/", views.export_progress, name="export_progress"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("register/", views.register_received, name="register_received"),
    path("<str:reference>/", views.application_detail, name="application"),
    path("<str:reference>/take/", views.application_take, name="take"),
    path("<str:reference>/assign/", views.application_assign, name="assign"),
    path("<str:reference>/claims/<int:pk>/tick/", views.check, {"kind": "claim"}, name="claim_tick"),
    path(
        "<str:reference>/certificates/<int:pk>/verify/", views.check, {"kind": "certificate"}, name="certificate_verify"
    ),
    path("<str:reference>/certificates/<int:pk>/scan/", views.certificate_scan, name="certificate_scan"),
    path("<str:reference>/request-changes/", views.request_changes, name="request_changes"),
    path("<str:reference>/decide/", views.decide, name="decide"),
    path("<str:reference>/notes/", views.note_add, name="note_add"),
    path("<str:reference>/messages/", views.message_send, name="message_send"),
    path("<str:reference>/timeline/", views.timeline, name="timeline"),
    # The applicant's pages used to live here; e-mails already sent link these addresses.
    path("<str:reference>/letter/", views.moved_to_applicant("applications:letter"), name="old_letter"),
    path("<str:reference>/status/", views.moved_to_applicant("applications:status"), name="old_status"),
]
