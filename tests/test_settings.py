"""Settings from the environment, the error pages and the date format."""

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import formats

from config import views

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "review.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_sessions_are_read_through_a_shared_cache_and_never_through_a_cache_per_process():
    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"]
    shared = manage(*show, **PRODUCTION, DJANGO_CACHE_URL="redis://127.0.0.1:6379/1")
    assert shared.stdout.strip() == "django.contrib.sessions.backends.cached_db", shared.stderr
    alone = manage(*show, **PRODUCTION)
    assert alone.stdout.strip() == "django.contrib.sessions.backends.db", alone.stderr


def test_a_missing_secret_key_stops_start_up_with_a_clear_error():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set. Set it in the environment "
        "(or set DJANGO_DEBUG=true for local development)." in result.stderr
    )


def test_missing_allowed_hosts_stop_start_up():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_a_misspelt_boolean_fails_loudly():
    result = manage("check", **{**PRODUCTION, "DJANGO_DEBUG": "ture"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG must be true or false, not 'ture'." in result.stderr


def test_code_only_commands_need_nothing_from_the_environment():
    assert manage("makemigrations", "--check", "--dry-run").returncode == 0
    assert "System check identified no issues" in manage("check").stdout
    # The deployment check is about production: without its environment it stops, as start-up does.
    deploy = manage("check", "--deploy")
    assert deploy.returncode != 0 and "DJANGO_SECRET_KEY is not set" in deploy.stderr


def test_development_defaults_need_nothing_from_the_environment():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# Error pages


@pytest.mark.django_db
def test_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "There is nothing here, or nothing you may see." in page
    assert 'href="/catalog/"' in page  # the layout (navigation) is there


@pytest.mark.django_db
def test_403_page(rf: RequestFactory, member):
    request = rf.get("/somewhere/")
    request.user = member
    response = views.permission_denied(request)
    assert response.status_code == 403
    assert "You are not allowed to see this page" in response.content.decode()


def test_500_page_renders_without_the_request_context(rf: RequestFactory):
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Nothing you entered was lost." in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_unhandled_error_gives_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_permission_denied_gives_the_403_page(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "You are not allowed to see this page" in response.content.decode()


# Dates


def test_dates_are_shown_dd_mm_yyyy():
    day = datetime.date(2026, 1, 1)
    assert formats.date_format(day) == "01.01.2026"
    assert formats.date_format(day, "SHORT_DATE_FORMAT") == "01.01.2026"
    assert Template("{{ d|date }}").render(Context({"d": day})) == "01.01.2026"
    assert Template("{{ d }}").render(Context({"d": day})) == "01.01.2026"
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d.%m.%Y"


def test_kazakh_russian_and_english_each_named_in_itself_and_english_by_default():
    assert settings.LANGUAGE_CODE == "en"
    assert settings.LANGUAGES == [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


# Numbers, folders and the README's table


@pytest.mark.parametrize(
    ("name", "value"),
    [("DJANGO_EMAIL_PORT", "twenty-five"), ("DATABASE_CONN_MAX_AGE", "1 minute"), ("DJANGO_SECURE_HSTS_SECONDS", "-1")],
)
def test_a_malformed_number_fails_loudly(name, value):
    result = manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be a whole number of 0 or more, not {value!r}." in result.stderr


def test_a_misspelt_log_level_fails_loudly():
    result = manage("check", **{**PRODUCTION, "DJANGO_LOG_LEVEL": "LOUD"})
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: DJANGO_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in result.stderr
    )


def test_locale_paths_exist():
    assert settings.LOCALE_PATHS and all(Path(path).is_dir() for path in settings.LOCALE_PATHS)


def test_the_readme_lists_every_variable_the_settings_read():
    import re

    source = (BASE_DIR / "config" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|env_\w+)\(\s*["']([A-Z_]+)["']""", source))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read  # the pattern finds them
    readme = (BASE_DIR / "README.md").read_text()
    table = readme[readme.index("## Configuration (environment)") :].split("\n## ", 1)[0]
    assert sorted(name for name in read if f"`{name}`" not in table) == []
