#!/usr/bin/env python
import os
import sys

# Commands that only read the code (they never serve a request, nor touch data or secrets) run on the
# development defaults when the environment names no mode, so that `manage.py makemigrations --check` and
# `manage.py check` need nothing set. Everything else, and `check --deploy`, is production unless told.
CODE_ONLY_COMMANDS = {"makemigrations", "check"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS and "--deploy" not in sys.argv:
        os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
