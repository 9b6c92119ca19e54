"""Who may open what, for EVERY URL pattern of the project (admin excluded).

The resolver is walked, so a view added without a line in ACCESS below fails
`test_every_url_pattern_is_classified`: deciding who may see a new page is part of adding it.

The rules checked here:
- anonymous visitors go to the login page (GET and POST) except on the public pages;
- an applicant gets 403 on every reviewer page, even for their own organisation's application;
- an outsider (a signed-in member of another organisation) gets 404 on another organisation's
  application, scans, letter, status page and organisation pages, whether the reference exists or not;
- the right user gets the page with its real content;
- a refused POST (anonymous, applicant on a reviewer action, outsider) changes nothing in the database.
"""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.applicant.services import application_submit
from applications.models import Export, Outcome, PeriodicRun, Verdict
from applications.review import services as review
from applications.review.exports import export_run, parameters_of
from applications.review.selectors import QueueFilters
from catalog.apps import CATALOG_EDITORS
from catalog.models import Provision
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    complete_draft,
    member_of,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # any signed-in user; nothing of anyone else's on the page
APPLICANT = "applicant"  # signed-in applicants; 403 with the reason for staff and catalog editors
ORGANISATION = "organisation"  # members of the organisation in the URL; 404 for anyone else
APPLICATION = "application"  # members of the application's organisation; 404 for anyone else
STAFF = "staff"  # reviewers; 403 for applicants
MEMBER_OR_STAFF = "member or staff"  # members of the application's organisation and reviewers; 404 for others
MOVED = "moved"  # an old address: everyone is sent on (301) to the new one, which applies its own rule

# name: (who may open it, status the right user gets on a GET, text the page must contain or None).
# Text markers are attribute paths resolved on the World below ("draft.reference").
ACCESS = {
    # Start, accounts and password reset.
    "applications:home": (PUBLIC, 200, "Create an account"),
    "applications:login": (PUBLIC, 200, "Log in"),
    "login": (PUBLIC, 200, "Log in"),  # the same path as applications:login, which wins
    "applications:signup": (PUBLIC, 200, "Create an account"),
    "applications:invitation_accept": (PUBLIC, 302, None),  # a made-up token: back home with a message
    "applications:email_verify_link": (PUBLIC, 302, None),  # a made-up token: to "Your account" with a message
    "applications:email_verify": (SIGNED_IN, 200, "Your account"),
    "applications:two_factor_enrol": (SIGNED_IN, 200, "Set up two-factor sign-in"),  # offered to all, asked of staff
    "applications:two_factor_verify": (SIGNED_IN, 200, "Type your code"),
    "logout": (PUBLIC, 405, None),  # Django 5 logs out on POST only
    "password_reset": (PUBLIC, 200, "password"),
    "password_reset_done": (PUBLIC, 200, None),
    "password_reset_confirm": (PUBLIC, 200, None),  # a made-up token: the "link not valid" page
    "password_reset_complete": (PUBLIC, 200, None),
    "password_change": (SIGNED_IN, 200, None),
    "password_change_done": (SIGNED_IN, 200, None),
    "language": (PUBLIC, 405, None),  # the switcher's form posts the choice (tests/test_languages.py)
    # The catalog and its API.
    "catalog:on_date": (PUBLIC, 200, "Appendix 1"),
    "catalog:act_list": (PUBLIC, 200, "37/RD"),
    "catalog:compare": (PUBLIC, 200, None),
    "catalog:provision_detail": (PUBLIC, 200, "37/RD"),
    "catalog_api:catalog": (PUBLIC, 200, "activities"),
    # The applicant's side.
    "applications:dashboard": (SIGNED_IN, 200, "draft.reference"),
    "applications:organisation_create": (APPLICANT, 200, None),
    "applications:organisation_detail": (ORGANISATION, 200, "organisation.name"),
    "applications:organisation_edit": (ORGANISATION, 200, "organisation.bin"),
    "applications:organisation_invite": (ORGANISATION, 405, None),
    "applications:organisation_leave": (ORGANISATION, 405, None),
    "applications:application_start": (ORGANISATION, 405, None),
    "applications:detail": (APPLICATION, 200, "draft.reference"),
    "applications:eligibility": (APPLICATION, 200, "draft.reference"),
    "applications:not_eligible": (APPLICATION, 302, None),  # the draft is eligible: back to the task list
    "applications:activities": (APPLICATION, 200, "We build and sell software for paragraph 1."),
    "applications:goods": (APPLICATION, 200, "draft.reference"),
    "applications:certificates": (APPLICATION, 200, "draft_certificate.number"),
    "applications:certificate_remove": (APPLICATION, 405, None),
    "applications:check": (APPLICATION, 200, "We build and sell software for paragraph 2."),
    "applications:declaration": (APPLICATION, 200, "draft.reference"),
    "applications:submitted": (APPLICATION, 302, None),  # the draft is not submitted: back to the task list
    "applications:withdraw": (APPLICATION, 200, "draft.reference"),
    "applications:scan": (APPLICATION, 200, None),
    # The reviewers' side.
    "review:queue": (STAFF, 200, "in_review.reference"),
    "review:register_received": (STAFF, 200, None),
    "review:application": (STAFF, 200, "in_review.organisation.name"),
    "review:take": (STAFF, 302, None),  # actions answer a GET with the review screen
    "review:declare": (STAFF, 302, None),
    "review:assign": (STAFF, 302, None),
    "review:claim_tick": (STAFF, 302, None),
    "review:certificate_verify": (STAFF, 302, None),
    "review:certificate_scan": (STAFF, 200, None),
    "review:request_changes": (STAFF, 302, None),
    "review:decide": (STAFF, 302, None),
    "review:note_add": (STAFF, 302, None),
    "review:message_send": (STAFF, 302, None),
    "review:timeline": (STAFF, 200, "in_review.reference"),
    "review:dashboard": (STAFF, 200, "in_review.reference"),  # among "my most urgent applications"
    "review:batch": (STAFF, 405, None),  # POST only: the queue's ticked rows
    "review:preferences": (STAFF, 200, "Only the daily digest"),
    "review:exports": (STAFF, 200, "Export decisions"),
    # An export is its asker's alone: another reviewer gets 404 (tests/review/test_exports.py).
    "review:export": (STAFF, 200, "Export of decisions"),
    "review:export_progress": (STAFF, 200, '"state": "done"'),
    "review:export_download": (STAFF, 200, None),
    # Operations: for monitors, no login, no personal data (tests/test_health.py).
    "healthz": (PUBLIC, 200, "database"),
    # Where the status page and the letter used to be: links in e-mails already sent.
    "review:old_status": (MOVED, 301, "applications:status"),
    "review:old_letter": (MOVED, 301, "applications:letter"),
    "applications:status": (MEMBER_OR_STAFF, 200, "decided.reference"),
    "applications:letter": (MEMBER_OR_STAFF, 200, "decided.reference"),
}

MADE_UP_REFERENCE = "AH-2025-99999"
MADE_UP_PK = 999_999


def project_patterns() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern outside admin, the name as "namespace:name" (an unnamed pattern
    shows as "<unnamed route>", so that it cannot slip past the classification either)."""
    found = []

    def walk(patterns, namespace: str, route: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, route + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                full = route + str(entry.pattern)
                found.append((f"{namespace}{entry.name}" if entry.name else f"<unnamed {full}>", full))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_pattern_is_classified():
    names = [name for name, _route in project_patterns()]
    unclassified = sorted(set(names) - set(ACCESS))
    assert not unclassified, f"Say who may open these pages in ACCESS: {unclassified}"
    assert not sorted(set(ACCESS) - set(names)), "ACCESS names pages that no longer exist"


# --- the world the rules are checked in --------------------------------------------------------------


@dataclass
class World:
    member: object  # an applicant of `organisation`
    organisation: object
    draft: object  # the organisation's draft, every step answered, one certificate
    draft_certificate: object
    in_review: object  # the organisation's application in review by `rev`, with a certificate
    decided: object  # the organisation's approved application
    outsider: object  # a member of another organisation
    outsider_organisation: object
    rev: object
    editor: object  # a catalog editor: staff in Django admin, not a reviewer
    export: object  # rev's export of decisions, written
    outsider_application: object  # the outsider organisation's submitted application, unassigned


@pytest.fixture
def world(db):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        member = UserFactory(email="member@example.com")
        organisation = OrganisationFactory(name="Steppe Software LLP")
        rev = reviewer("rev@example.com")
        in_review = submitted_application(
            organisation=organisation, user=member, sells_goods=True, on=datetime.date(2025, 3, 3)
        )
        in_review = review.application_take(application=in_review, user=rev, no_conflict=True)
        decided = submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 4))
        decided = review.application_take(application=decided, user=rev, no_conflict=True)
        for claim in decided.claims.all():
            review.claim_tick(claim=claim, user=rev, verdict=Verdict.CONFIRMED, note="")
        review.decision_record(application=decided, user=rev, outcome=Outcome.APPROVED, reasons="")
        draft = complete_draft(
            organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2)
        )
        outsider = UserFactory(email="outsider@example.com")
        editor = UserFactory(email="editor@example.com", is_staff=True)
        editor.groups.add(Group.objects.get_or_create(name=CATALOG_EDITORS)[0])
        outsider_organisation = member_of(OrganisationFactory(name="Other Company LLP"), outsider).organisations.get()
        # The outsider's own submitted application, so their pages are not empty.
        outsider_application = application_submit(
            application=complete_draft(
                organisation=outsider_organisation, user=outsider, today=datetime.date(2025, 3, 5)
            ),
            user=outsider,
            today=datetime.date(2025, 3, 5),
        )
        yield World(
            member=member,
            organisation=organisation,
            draft=draft,
            draft_certificate=draft.certificates.get(),
            in_review=in_review,
            decided=decided,
            outsider=outsider,
            outsider_organisation=outsider_organisation,
            rev=rev,
            editor=editor,
            export=_written_export(rev),
            outsider_application=outsider_application,
        )


def _written_export(user):
    """An export of 2025's decisions, asked for by `user` and written (as the task would); and beat ran just now,
    so that /healthz finds everything healthy."""
    PeriodicRun.objects.create(task="applications.send_pending_notifications", last_run_at=timezone.now(), runs=1)
    filters = QueueFilters(
        status="all", decided_from=datetime.date(2025, 1, 1), decided_to=datetime.date(2025, 12, 31), sort="reference"
    )
    export = Export.objects.create(requested_by=user, format="csv", parameters=parameters_of(filters))
    export_run(export.pk)
    export.refresh_from_db()
    return export


def _application_for(name: str, world: World):
    kind = ACCESS[name][0]
    if kind == STAFF:
        return world.in_review
    if kind in (MEMBER_OR_STAFF, MOVED):
        return world.decided
    return world.draft


def url(name: str, world: World, *, made_up: bool = False) -> str:
    """The URL of `name` on the world's objects; with made_up, on a reference or id that does not exist."""
    route = dict(project_patterns())[name]
    kwargs = {}
    if "<reference:reference>" in route:
        kwargs["reference"] = MADE_UP_REFERENCE if made_up else _application_for(name, world).reference
    if "<int:pk>" in route:
        if made_up:
            kwargs["pk"] = MADE_UP_PK
        elif name.startswith("applications:organisation") or name == "applications:application_start":
            kwargs["pk"] = world.organisation.pk
        elif name in ("applications:certificate_remove", "applications:scan"):
            kwargs["pk"] = world.draft_certificate.pk
        elif name in ("review:certificate_verify", "review:certificate_scan"):
            kwargs["pk"] = world.in_review.certificates.get().pk
        elif name == "review:claim_tick":
            kwargs["pk"] = world.in_review.claims.order_by("pk").first().pk
        elif name == "catalog:provision_detail":
            kwargs["pk"] = Provision.objects.get(act__code="37/RD", appendix=1, paragraph=1).pk
        else:  # pragma: no cover - a new <int:pk> route needs its object named here
            raise AssertionError(f"Which object does {name}'s pk name?")
    if "<uuid:export_id>" in route:
        kwargs["export_id"] = "00000000-0000-4000-8000-000000000000" if made_up else world.export.pk
    if "<str:token>" in route:
        kwargs["token"] = "not-a-token"
    if "<uidb64>" in route:
        kwargs.update(uidb64="MQ", token="not-a-token")
    return reverse(name, kwargs=kwargs)


def names_of(*kinds: str) -> list[str]:
    return [name for name, (kind, _status, _marker) in ACCESS.items() if kind in kinds]


def fingerprint() -> dict:
    """Every row of every applications model and history table: a refused request must leave it as it was."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("applications").get_models()
    }


# A POST each action would act on if the sender were allowed to: refused requests must change nothing.
def post_data(name: str, world: World) -> dict:
    claim = world.in_review.claims.order_by("pk").first()
    certificate = world.in_review.certificates.get()
    data = {
        "applications:organisation_edit": {
            "name": "Hijacked LLP",
            "bin": world.organisation.bin,
            "legal_address": "Elsewhere",
            "director": "Someone Else",
            "contact_email": "hijack@example.com",
            "contact_phone": "+7 7172 111111",
        },
        "applications:organisation_invite": {"email": "intruder@example.com"},
        "applications:eligibility": dict.fromkeys(
            ["is_legal_entity", "state_share_below_50", "not_subsoil_user", "not_sez_participant"], "no"
        ),
        "applications:goods": {"sells_own_goods": "no", "confirm": "yes"},
        "applications:certificate_remove": {"confirm": "yes"},
        "applications:declaration": {"confirm": "on"},
        "review:take": {"no_conflict": "on"},
        "review:declare": {"no_conflict": "on"},
        "review:assign": {"reviewer": world.rev.pk},
        "review:claim_tick": {f"claim-{claim.pk}-verdict": Verdict.NOT_CONFIRMED, f"claim-{claim.pk}-note": "No."},
        "review:certificate_verify": {
            f"certificate-{certificate.pk}-verification": "rejected",
            f"certificate-{certificate.pk}-note": "Forged.",
        },
        "review:request_changes": {"message": "Change everything."},
        "review:decide": {"outcome": Outcome.REJECTED, "reasons": "Because."},
        "review:note_add": {"body": "An intruder's note."},
        "review:message_send": {"body": "An intruder's message."},
        "review:batch": {"action": "take", "no_conflict": "on", "references": [world.outsider_application.reference]},
        "review:preferences": {"digest_only": "digest"},
        "review:exports": {"decided_from": "01.01.2025", "decided_to": "31.12.2025", "format": "csv"},
        "logout": {},
    }
    return data.get(name, {})


# --- anonymous visitors ------------------------------------------------------------------------------


def _send(client, method: str, name: str, world, **url_kwargs):
    return getattr(client, method)(url(name, world, **url_kwargs), post_data(name, world) if method == "post" else None)


# One test per page, with its requests in a loop: the world takes a moment to build.


@pytest.mark.parametrize("name", names_of(SIGNED_IN, APPLICANT, ORGANISATION, APPLICATION, STAFF, MEMBER_OR_STAFF))
def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, world, name):
    before = fingerprint()
    for method in ("get", "post"):
        response = _send(client, method, name, world)
        assert response.status_code == 302, (name, method)
        assert response.url == f"{reverse('login')}?next={url(name, world)}", (name, method)
    assert fingerprint() == before


@pytest.mark.parametrize("name", names_of(PUBLIC))
def test_public_pages_open_to_anonymous_visitors(client, world, name):
    _kind, status, marker = ACCESS[name]
    response = client.get(url(name, world))
    assert response.status_code == status, name
    if marker:
        assert _text(marker, world) in response.content.decode(), name


# --- applicants on reviewers' pages -----------------------------------------------------------------


@pytest.mark.parametrize("name", names_of(STAFF))
def test_applicants_get_403_on_every_reviewer_page_and_change_nothing(client, world, name):
    """Even a member of the application's organisation (reviewing is not an applicant's business), and a
    catalog editor, who is staff in Django admin but no reviewer. The role check comes before the lookup,
    so a made-up reference gets 403 too (a 404 would tell which references exist)."""
    before = fingerprint()
    for who in ("member", "outsider", "editor"):
        client.force_login(getattr(world, who))
        for method in ("get", "post"):
            for made_up in (False, True):
                response = _send(client, method, name, world, made_up=made_up)
                assert response.status_code == 403, (name, who, method, made_up)
                assert "You are not allowed to see this page" in response.content.decode()
    assert fingerprint() == before


# --- staff on applicants' pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", names_of(APPLICANT))
def test_staff_get_403_with_the_reason_on_pages_only_applicants_use_and_change_nothing(client, world, name):
    """Registering an organisation is an applicant's: reviewers and catalog editors act for the park."""
    before = fingerprint()
    for who in ("rev", "editor"):
        client.force_login(getattr(world, who))
        for method in ("get", "post"):
            response = _send(client, method, name, world)
            assert response.status_code == 403, (name, who, method)
            assert "they cannot register or join an organisation" in response.content.decode()
    assert fingerprint() == before


# --- outsiders ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", names_of(ORGANISATION, APPLICATION, MEMBER_OR_STAFF))
def test_outsiders_get_404_whether_the_reference_exists_or_not_and_change_nothing(client, world, name):
    client.force_login(world.outsider)
    before = fingerprint()
    for method in ("get", "post"):
        for made_up in (False, True):
            response = _send(client, method, name, world, made_up=made_up)
            if method == "get" and ACCESS[name][1] == 405:
                # A POST-only action answers every GET alike, so it tells nothing about what exists.
                assert response.status_code == 405, name
            else:
                assert response.status_code == 404, (name, method, made_up)
                assert "There is nothing here, or nothing you may see." in response.content.decode()
    assert fingerprint() == before


def test_a_reviewer_does_not_see_a_draft_on_the_reviewers_pages(client, world):
    """Drafts are the applicant's own business until they are submitted."""
    client.force_login(world.rev)
    for name in ("review:application", "review:timeline", "applications:letter", "applications:status"):
        assert client.get(reverse(name, args=[world.draft.reference])).status_code == 404, name


# --- the right user ----------------------------------------------------------------------------------


def _right_user(name: str, world: World):
    kind = ACCESS[name][0]
    return world.rev if kind == STAFF else world.member


def _text(marker: str, world: World) -> str:
    head, _dot, rest = marker.partition(".")
    if not rest or not hasattr(world, head):
        return marker
    value = getattr(world, head)
    for part in rest.split("."):
        value = getattr(value, part)
    return str(value)


@pytest.mark.parametrize("name", names_of(SIGNED_IN, APPLICANT, ORGANISATION, APPLICATION, STAFF, MEMBER_OR_STAFF))
def test_the_right_user_gets_the_page_with_its_content(client, world, name):
    _kind, status, marker = ACCESS[name]
    client.force_login(_right_user(name, world))
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        response = client.get(url(name, world))
    assert response.status_code == status, name
    if status == 302:
        # An action or a page that does not apply now sends the user to the application, never elsewhere.
        assert response.url.startswith(
            reverse("review:application", args=[world.in_review.reference])
            if ACCESS[name][0] == STAFF
            else reverse("applications:detail", args=[world.draft.reference])
        ), name
    if marker:
        assert _text(marker, world) in response.content.decode(), name


@pytest.mark.parametrize("name", ["applications:scan", "review:certificate_scan"])
def test_the_right_user_downloads_the_scan(client, world, name):
    client.force_login(_right_user(name, world))
    response = client.get(url(name, world))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", names_of(MOVED))
def test_old_addresses_send_everyone_on_to_the_new_one_which_applies_its_own_rule(client, world, name):
    """The status page and the letter moved under the applicant's addresses; e-mails sent before link the old
    ones. The redirect says nothing about what exists (a made-up reference is sent on alike)."""
    new_name = ACCESS[name][2]
    for made_up in (False, True):
        reference = MADE_UP_REFERENCE if made_up else world.decided.reference
        new_url = reverse(new_name, args=[reference])
        for who in (None, world.outsider, world.member, world.rev):
            client.logout()
            if who:
                client.force_login(who)
            response = client.get(url(name, world, made_up=made_up))
            assert response.status_code == 301 and response.url == new_url, (name, who, made_up)
    client.force_login(world.member)
    page = client.get(url(name, world), follow=True)
    assert page.status_code == 200 and world.decided.reference in page.content.decode()
    client.force_login(world.outsider)
    assert client.get(url(name, world), follow=True).status_code == 404
    client.logout()
    assert client.get(url(name, world), follow=True).redirect_chain[-1][0].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["applications:letter", "applications:status"])
def test_reviewers_see_the_letter_and_status_page_too(client, world, name):
    client.force_login(world.rev)
    response = client.get(url(name, world))
    assert response.status_code == 200 and world.decided.reference in response.content.decode()


# The refused POSTs above carry data that does act when the right user sends it: proof that "nothing
# changed" is because of the refusal, not because the data was ignored.
@pytest.mark.parametrize(
    "name",
    [
        "applications:organisation_edit",
        "applications:organisation_invite",
        "applications:application_start",
        "applications:eligibility",
        "applications:goods",
        "applications:certificate_remove",
        "applications:withdraw",
        "review:claim_tick",
        "review:certificate_verify",
        "review:request_changes",
        "review:decide",
        "review:note_add",
        "review:message_send",
        "review:batch",
        "review:preferences",
    ],
)
def test_the_same_post_from_the_right_user_does_act(client, world, name):
    client.force_login(_right_user(name, world))
    before = fingerprint()
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        response = client.post(url(name, world), post_data(name, world))
    assert response.status_code in (200, 302), name
    assert fingerprint() != before, name


@pytest.mark.parametrize("language,logout", [("kk", "Шығу"), ("ru", "Выйти")])
def test_every_page_opens_in_kazakh_and_russian(client, world, language, logout):
    """Each page its right user opens, in the language the account keeps: the page is in that language (its
    html lang, the navigation's words), with no English left in the navigation."""
    from applications.languages import user_language_set

    kinds = (SIGNED_IN, APPLICANT, ORGANISATION, APPLICATION, STAFF, MEMBER_OR_STAFF)
    pages = [name for name in names_of(*kinds) if ACCESS[name][1] == 200 and not name.endswith("scan")]
    for user in (world.member, world.rev):
        user_language_set(user=user, language=language)
    assert len(pages) > 20
    for name in pages:
        client.force_login(_right_user(name, world))
        with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
            response = client.get(url(name, world))
        assert response.status_code == 200, name
        if response["Content-Type"].startswith("text/html"):
            content = response.content.decode()
            assert f'<html lang="{language}">' in content and logout in content, name
            assert ">Log out<" not in content, name
