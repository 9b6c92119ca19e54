"""The translation catalogs: locale/<lang>/LC_MESSAGES/django.po (edited by people) and django.mo (compiled,
committed, read at run time), so that running the site needs neither gettext nor polib.

    make messages    # makemessages for every language (needs gettext's xgettext), then compiles with polib

`python -m config.messages` compiles only (polib, from requirements-dev.txt); tests/test_translations.py fails
when a committed .mo differs from its .po, when a msgid is untranslated or fuzzy, or a placeholder is lost.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# What makemessages skips: environments, installed packages, tests, collected static files.
IGNORED = [".venv", "node_modules", "tests", "staticfiles", "test-artifacts", "private_media", ".bench"]


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compile_catalogs() -> list[Path]:
    import polib

    written = []
    for po_path in po_files():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        written.append(po_path.with_suffix(".mo"))
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(path.relative_to(ROOT))
