"""What a published change to the catalog does to applications (catalog.changes.change_published).

Inside the publishing transaction, so that nothing is recorded or told if the publication rolls back:
- each open application whose pinned wordings the change moved or ended gets a CatalogChangeEffect (append-only)
  saying which and how, and its assigned reviewer a staff update (the outbox: told after the commit, in their
  language, or in their digest);
- drafts that could not be submitted for want of a list are e-mailed, once, when the published list is in force
  for their date (watches.stalled_drafts_watch, also run daily for a list published ahead of its date).
"""

from django.db import transaction

from catalog.models import CatalogChange

from .models import CatalogChangeEffect, StaffEvent
from .notifications import staff_event_write, staff_updates_together
from .watches import stalled_drafts_watch


@transaction.atomic
def catalog_change_effects_record(*, change: CatalogChange, impact) -> list[CatalogChangeEffect]:
    """Record what the published `change` did to each open application it touched (catalog.impact.Impact), and
    tell each one's assigned reviewer. An unassigned application is found by the queue's filter."""
    effects = []
    with staff_updates_together():  # a reviewer holding several touched applications gets one e-mail
        for touched in impact.open:
            effect = CatalogChangeEffect.objects.create(
                application=touched.application,
                change=change,
                claims=[claim.as_record() for claim in touched.claims],
            )
            effects.append(effect)
            reviewer = touched.application.assigned_reviewer
            if reviewer is not None:
                staff_event_write(
                    user=reviewer,
                    kind=StaffEvent.Kind.CATALOG_CHANGED,
                    application=touched.application,
                    actor=change.approved_by,
                    catalog_effect=effect,
                )
    return effects


def on_change_published(sender, *, change: CatalogChange, impact, **kwargs) -> None:
    catalog_change_effects_record(change=change, impact=impact)
    if change.kind in (CatalogChange.Kind.LIST, CatalogChange.Kind.ACT_FACTS):  # a list in force from a new date
        stalled_drafts_watch()
