"""Path converters: a URL part matches the format of what it names, or the URL does not resolve (404) before any
view or database sees it (a NUL byte in a reference used to reach PostgreSQL and answer 500)."""

from django.urls import register_converter


class ReferenceConverter:
    """An application's reference number as applications/applicant/services.next_reference writes it:
    AH-<year>-<at least five digits>."""

    regex = r"AH-[0-9]{4}-[0-9]{5,9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
