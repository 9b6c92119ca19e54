from django.urls import path

from . import views

app_name = "applications"

# Reference numbers read out on the phone: AH-2025-00042.
A = "applications/<str:reference>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.dashboard, name="dashboard"),
    # Accounts. Django's own auth URLs (logout, password reset) stay under accounts/ in config/urls.py;
    # this login comes first and takes the e-mail address as the username.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Organisations.
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("organisations/<int:pk>/apply/", views.application_start, name="application_start"),
    # An application: the task list (or, once submitted, the read-only view) and its steps.
    path(A, views.application_detail, name="detail"),
    path(A + "eligibility/", views.eligibility, name="eligibility"),
    path(A + "eligibility/not-eligible/", views.not_eligible, name="not_eligible"),
    path(A + "activities/", views.activities, name="activities"),
    path(A + "goods/", views.goods, name="goods"),
    path(A + "goods/certificates/", views.certificates, name="certificates"),
    path(A + "goods/certificates/<int:pk>/remove/", views.certificate_remove, name="certificate_remove"),
    path(A + "check/", views.check_answers, name="check"),
    path(A + "declaration/", views.declaration, name="declaration"),
    path(A + "withdraw/", views.withdraw, name="withdraw"),
    path(A + "certificates/<int:pk>/scan/", views.scan, name="scan"),
    # Once submitted: what happened to it, and the decision letter (members of its organisation, and staff).
    path(A + "status/", views.status, name="status"),
    path(A + "letter/", views.letter, name="letter"),
]
