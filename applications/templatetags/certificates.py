"""Template filters that ask the models their questions (the rules stay in applications/models.py)."""

from django import template

register = template.Library()


@register.filter
def validity_warning(certificate, on):
    """Why `certificate` is not valid on the date `on`, or "" (Certificate.validity_warning)."""
    return certificate.validity_warning(on) if on else ""
