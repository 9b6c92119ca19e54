"""The Kazakh and Russian catalogs (locale/<lang>/LC_MESSAGES/django.po) are complete and safe, and the compiled
.mo files committed beside them (read at run time: no gettext needed) say exactly what the .po says.

- every msgid is translated, none fuzzy, and no translation drops or invents a placeholder (%(name)s, %s, {n});
- plural forms: Russian three, Kazakh two, each with the header's rule;
- the committed .mo matches its .po (polib compiles nothing at run time; `make messages` recompiles);
- the .po is not stale: when gettext's xgettext is installed, makemessages run on a copy of the sources finds
  exactly the msgids the .po holds (skipped with the reason where xgettext is missing).
"""

import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from config.messages import IGNORED, LOCALE, ROOT

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "kk": "nplurals=2; plural=(n!=1);",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def placeholder_problems(entry: polib.POEntry) -> list[str]:
    """What a translation drops or invents. A plural's forms may leave out what only the plural msgid has
    (Kazakh "one" form), but never what the singular has; the last form says what the plural msgid says."""
    if not entry.msgid_plural:
        expected, found = placeholders(entry.msgid), placeholders(entry.msgstr)
        return [] if expected == found else [f"{entry.msgid!r}: {sorted(expected)} != {sorted(found)}"]
    singular, plural = placeholders(entry.msgid), placeholders(entry.msgid_plural)
    forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    problems = []
    for form in forms:
        found = placeholders(form)
        if not singular <= found or not found <= singular | plural:
            problems.append(f"{entry.msgid!r} form {form!r}: {sorted(found)}")
    if placeholders(forms[-1]) != plural:
        problems.append(f"{entry.msgid_plural!r} last form: {sorted(placeholders(forms[-1]))} != {sorted(plural)}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)
    assert len(po) > 1000
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_drops_or_invents_a_placeholder(language):
    problems = [problem for entry in catalog(language) for problem in placeholder_problems(entry)]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_the_language(language):
    po = catalog(language)
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    count = int(PLURAL_FORMS[language].split("nplurals=")[1][0])
    plurals = [entry for entry in po if entry.msgid_plural]
    assert plurals, "no plural msgid: blocktranslate count / ngettext is expected somewhere"
    assert [entry.msgid for entry in plurals if len(entry.msgstr_plural) != count] == []


def test_the_checker_finds_a_dropped_or_invented_placeholder():
    dropped = polib.POEntry(msgid="Application %(reference)s received", msgstr="Заявка получена")
    invented = polib.POEntry(msgid="Hello", msgstr="Привет, %(name)s")
    braces = polib.POEntry(msgid="Selected: {n}", msgstr="Выбрано: {m}")
    fine = polib.POEntry(msgid="%(n)s of %(total)s", msgstr="%(total)s ішінен %(n)s")
    assert len(placeholder_problems(dropped)) == len(placeholder_problems(invented)) == 1
    assert placeholder_problems(braces) and not placeholder_problems(fine)
    plural = polib.POEntry(
        msgid="Claimed activity",
        msgid_plural="Claimed activities (%(n)s)",
        msgstr_plural={0: "Мәлімделген қызмет түрі", 1: "Мәлімделген қызмет түрлері (%(n)s)"},
    )
    assert placeholder_problems(plural) == []
    plural.msgstr_plural[1] = "Мәлімделген қызмет түрлері"
    assert placeholder_problems(plural)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_says_what_the_po_says(language):
    po = catalog(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
            for entry in entries
            if entry.msgid
        }

    def normalise(entries):
        return {
            key: {int(k): v for k, v in value.items()} if isinstance(value, dict) else value
            for key, value in entries.items()
        }

    translated = [entry for entry in po if entry.translated()]
    assert normalise(messages(mo)) == normalise(messages(translated)), (
        "run `make messages` (or python -m config.messages)"
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata["Plural-Forms"]


def test_the_po_files_are_not_stale(tmp_path):
    """makemessages on a copy of the sources: the msgids it finds are exactly those the .po holds."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext's xgettext is not installed: cannot extract msgids to compare (apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, ".git", "*.pyc", "__pycache__", "db.sqlite3", "*.mo")
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete", "--add-location=never"]
        + [f"--ignore={name}" for name in IGNORED],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    extracted = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    fresh = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in extracted if not entry.obsolete}
    committed = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in catalog("ru") if not entry.obsolete}
    assert sorted(fresh - committed, key=str) == [], "new msgids: run `make messages` and translate them"
    assert sorted(committed - fresh, key=str) == [], "msgids no longer in the sources: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_gettext_itself_accepts_the_catalogs(language, tmp_path):
    """msgfmt --check: what Django's compilemessages would refuse (e.g. a python-format string broken)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed (apt-get install gettext); polib's checks above still ran")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
