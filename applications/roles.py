"""Who may do what. Roles are Django groups; an applicant is any signed-in user without a staff role."""

from dataclasses import dataclass

from catalog.apps import CATALOG_EDITORS

REVIEWERS = "Reviewers"
LEAD_REVIEWERS = "Lead reviewers"


@dataclass(frozen=True)
class Roles:
    authenticated: bool = False
    reviewer: bool = False
    lead_reviewer: bool = False
    catalog_editor: bool = False
    admin: bool = False

    @property
    def staff(self) -> bool:
        return self.reviewer or self.lead_reviewer or self.admin

    @property
    def applicant(self) -> bool:
        return self.authenticated and not (self.staff or self.catalog_editor)


def roles_for(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = Roles(
        authenticated=True,
        reviewer=REVIEWERS in names or LEAD_REVIEWERS in names,
        lead_reviewer=LEAD_REVIEWERS in names,
        catalog_editor=CATALOG_EDITORS in names,
        admin=user.is_superuser,
    )
    user._roles_cache = roles
    return roles
