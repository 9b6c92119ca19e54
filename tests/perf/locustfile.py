"""The users of `make loadtest` (tests/perf/loadtest.py starts locust with this file): reviewers, applicants and
anonymous readers of the catalog, in about the mix the park sees. Reviewers post internal notes now and then;
every note the server accepted is written to LOADTEST_ACCEPTED (JSON) at the end, for the check that each is in
the database exactly once. The users are locust's FastHttpUser (geventhttpclient): on this 2-core machine the load
generator shares the CPU with the server, and requests' HttpUser cost it several times more per request."""

import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import time
import uuid

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "load-test-2025")
REVIEWERS = int(os.environ.get("LOADTEST_REVIEWERS", "10"))
APPLICANTS = int(os.environ.get("LOADTEST_APPLICANTS", "10"))
TARGETS = json.loads(os.environ.get("LOADTEST_TARGETS", "{}"))  # reviewer e-mail -> references declared on
OWN = json.loads(os.environ.get("LOADTEST_OWN", "{}"))  # applicant e-mail -> references of their organisation
DATES = [f"{day:02d}.{month:02d}.{year}" for year in (2019, 2021, 2023, 2025) for month in (1, 6) for day in (1, 15)]
TOTP_KEY = os.environ.get("LOADTEST_TOTP_KEY", "")  # hex: every load-test reviewer's authenticator key
ACCEPTED: list[str] = []
NEXT_REVIEWER = itertools.count()  # each simulated reviewer its own account (a code is accepted once per account)


def totp(key_hex: str) -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 30 s, 6 digits), as django-otp checks it."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def csrf_token(user) -> str:
    return next((cookie.value for cookie in user.client.cookiejar if cookie.name == "csrftoken"), "")


def _login(user, email: str) -> None:
    user.client.get("/accounts/login/", name="login")
    token = csrf_token(user)
    user.client.post(
        "/accounts/login/", {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}, name="login"
    )


class Reviewer(FastHttpUser):
    weight = 5
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.email = f"loadrev{next(NEXT_REVIEWER) % REVIEWERS}@load.kz"
        self.targets = TARGETS.get(self.email, [])
        _login(self, self.email)
        # Staff sign in with a second factor: the code of their authenticator app.
        token = csrf_token(self)
        self.client.post(
            "/accounts/two-factor/verify/", {"token": totp(TOTP_KEY), "csrfmiddlewaretoken": token}, name="login"
        )

    @task(4)
    def queue(self):
        self.client.get("/review/", name="reviewer: queue")

    @task(2)
    def queue_filtered(self):
        status = random.choice(["in_review", "submitted", "all"])
        self.client.get(f"/review/?status={status}", name="reviewer: queue by status")

    @task(3)
    def screen(self):
        if self.targets:
            self.client.get(f"/review/{random.choice(self.targets)}/", name="reviewer: review screen")

    @task(1)
    def timeline(self):
        if self.targets:
            self.client.get(f"/review/{random.choice(self.targets)}/timeline/", name="reviewer: timeline")

    @task(1)
    def home(self):
        self.client.get("/review/home/", name="reviewer: home")

    @task(1)
    def note(self):
        if not self.targets:
            return
        body = f"loadtest-{uuid.uuid4()}"
        token = csrf_token(self)
        reference = random.choice(self.targets)
        with self.client.post(
            f"/review/{reference}/notes/",
            {"body": body, "csrfmiddlewaretoken": token},
            name="reviewer: post a note",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Accepted means sent back to the review screen; a redirect elsewhere (the login or code page) is not.
            if response.status_code == 302 and response.headers.get("Location", "").startswith(f"/review/{reference}/"):
                ACCEPTED.append(body)
                response.success()
            else:
                response.failure(f"note refused: {response.status_code} {response.headers.get('Location', '')}")


class Applicant(FastHttpUser):
    weight = 2
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.email = f"loadapp{random.randrange(APPLICANTS)}@load.kz"
        self.own = OWN.get(self.email, [])
        _login(self, self.email)

    @task(2)
    def home(self):
        self.client.get("/my/", name="applicant: home")

    @task(1)
    def status(self):
        if self.own:
            self.client.get(f"/applications/{random.choice(self.own)}/status/", name="applicant: status")


class Reader(FastHttpUser):
    weight = 4
    wait_time = between(0.2, 1.0)

    @task(2)
    def catalog(self):
        self.client.get(f"/catalog/?on={random.choice(DATES)}", name="anonymous: catalog")

    @task(1)
    def api(self):
        day, month, year = random.choice(DATES).split(".")
        self.client.get(f"/api/catalog/?on={year}-{month}-{day}", name="anonymous: catalog API")


@events.test_stop.add_listener
def _write_accepted(environment, **kwargs):
    path = os.environ.get("LOADTEST_ACCEPTED")
    if path:
        with open(path, "w") as file:
            json.dump(ACCEPTED, file)
