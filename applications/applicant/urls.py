from django.urls import include, path

from config import converters  # noqa: F401  (registers <reference:...>)

from . import views

app_name = "applications"

# One application (AH-2025-00042, a number people read out on the phone): the task list (or, once
# submitted, the read-only view), its steps, and what its organisation sees once it is submitted.
application_patterns = [
    path("", views.application_detail, name="detail"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("eligibility/not-eligible/", views.not_eligible, name="not_eligible"),
    path("activities/", views.activities, name="activities"),
    path("goods/", views.goods, name="goods"),
    path("goods/certificates/", views.certificates, name="certificates"),
    path("goods/certificates/<int:pk>/remove/", views.certificate_remove, name="certificate_remove"),
    path("check/", views.check_answers, name="check"),
    path("declaration/", views.declaration, name="declaration"),
    path("submitted/", views.submitted, name="submitted"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("certificates/<int:pk>/scan/", views.scan, name="scan"),
    # Members of the organisation, and staff: what happened to it, and the decision letter.
    path("status/", views.status, name="status"),
    path("letter/", views.letter, name="letter"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.dashboard, name="dashboard"),
    # Accounts. Django's own auth URLs (logout, password reset) stay under accounts/ in config/urls.py;
    # this login comes first and takes the e-mail address as the username.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/verify/", views.email_verify, name="email_verify"),
    path("accounts/two-factor/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/verify/<str:token>/", views.email_verify_link, name="email_verify_link"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Organisations.
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("organisations/<int:pk>/leave/", views.organisation_leave, name="organisation_leave"),
    path("organisations/<int:pk>/apply/", views.application_start, name="application_start"),
    path("applications/<reference:reference>/", include(application_patterns)),
]
