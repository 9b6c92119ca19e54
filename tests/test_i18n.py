"""Every user-facing word in a template is translatable, and dates are shown DD.MM.YYYY.

The template check strips what is already translated ({% translate %}, {% blocktranslate %}), tags,
variables, comments and scripts, and fails on any words left in the text or in attributes a person
reads (title, placeholder, aria-label, alt). Python strings are checked by review: messages, form errors
and DomainError all go through gettext (grep for them when adding one).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "applications" / "templates", ROOT / "catalog" / "templates", ROOT / "templates"]
TEMPLATES = sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))

# Names and examples, not words to translate.
ALLOWED = re.compile(r"Astana Hub|AH-\d{4}-\d{5}")

# Date formats a page may show: DD.MM.YYYY, with the time where the moment matters. Y-m-d only feeds
# machines (an <input type="date">'s value, the JSON API's ?on=).
SHOWN_DATE_FORMATS = {"d.m.Y", "d.m.Y H:i", "d.m.Y H:i:s"}
MACHINE_DATE_FORMATS = {"Y-m-d"}


def _untranslated(source: str) -> list[str]:
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", source, flags=re.S)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    found = [
        m.group(0)
        for m in re.finditer(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', text)
        if re.search(r"[A-Za-z]{2,}", ALLOWED.sub("", re.sub(r"{%.*?%}|{{.*?}}", "", m.group(1))))
    ]
    text = re.sub(r"{%.*?%}|{{.*?}}", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", "\n", text, flags=re.S)
    for line in text.splitlines():
        if re.search(r"[A-Za-z]{2,}", ALLOWED.sub("", line)):
            found.append(line.strip())
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_translatable(template):
    assert _untranslated(template.read_text()) == []


def test_the_checker_finds_untranslated_text():
    assert _untranslated("<p>Hello there</p>") == ["Hello there"]
    assert _untranslated('<nav aria-label="breadcrumb"></nav>') == ['aria-label="breadcrumb"']
    assert (
        _untranslated("<p>{% translate 'Hello' %} {{ name }}</p><p>{% blocktranslate %}Hi{% endblocktranslate %}</p>")
        == []
    )


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dates_are_shown_dd_mm_yyyy(template):
    source = template.read_text()
    for match in re.finditer(r"\|date(?::(['\"])(.*?)\1)?", source):
        fmt = match.group(2)
        # No argument: DATE_FORMAT, which config/formats makes d.m.Y.
        assert fmt is None or fmt in SHOWN_DATE_FORMATS | MACHINE_DATE_FORMATS, (template.name, fmt)
        if fmt in MACHINE_DATE_FORMATS:
            context = source[max(0, match.start() - 200) : match.start()]
            assert 'type="date"' in context or "?on=" in context, (template.name, "Y-m-d shown to a person")
    assert not re.search(r"\|time\b|naturaltime|naturalday|\|timesince", source), template.name
