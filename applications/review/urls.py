from django.urls import include, path

from config import converters  # noqa: F401  (registers <reference:...>)

from . import views

app_name = "review"

# The review screen of one application (AH-2025-00042) and what a reviewer does there.
application_patterns = [
    path("", views.screen, name="application"),
    path("take/", views.act, {"action": "take"}, name="take"),
    path("declare/", views.act, {"action": "declare"}, name="declare"),
    path("assign/", views.act, {"action": "assign"}, name="assign"),
    path("claims/<int:pk>/tick/", views.check, {"kind": "claim"}, name="claim_tick"),
    path("certificates/<int:pk>/verify/", views.check, {"kind": "certificate"}, name="certificate_verify"),
    path("certificates/<int:pk>/scan/", views.certificate_scan, name="certificate_scan"),
    path("request-changes/", views.act, {"action": "request_changes"}, name="request_changes"),
    path("decide/", views.act, {"action": "decision"}, name="decide"),
    path("notes/", views.act, {"action": "note"}, name="note_add"),
    path("messages/", views.act, {"action": "message"}, name="message_send"),
    path("timeline/", views.timeline, name="timeline"),
    # The applicant's pages used to live here; e-mails already sent link these addresses.
    path("letter/", views.moved_to_applicant("applications:letter"), name="old_letter"),
    path("status/", views.moved_to_applicant("applications:status"), name="old_status"),
]

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
    path("<reference:reference>/", include(application_patterns)),
]
