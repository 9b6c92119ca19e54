"""Loads the legal acts and their text from catalog/data/order_37_rd.json.

Idempotent: an act or provision already present is left as it is, so that a date an editor has
confirmed in admin is never overwritten. Works with historical models (called from a data migration).
"""

import datetime
import json
from pathlib import Path

from django.utils import timezone

DATA_FILE = Path(__file__).resolve().parent / "data" / "order_37_rd.json"
SEED_REASON = "Loaded from the published text (catalog/data/order_37_rd.json)"


def load_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _record_history(apps, model_name: str, obj, fields: list[str]) -> None:
    historical = apps.get_model("catalog", f"Historical{model_name}")
    values = {name: getattr(obj, name) for name in fields}
    historical.objects.create(
        **values,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason=SEED_REASON,
    )


def load_catalog(apps) -> int:
    """Create what is missing; return the number of rows created."""
    LegalAct = apps.get_model("catalog", "LegalAct")
    Provision = apps.get_model("catalog", "Provision")
    ProvisionVersion = apps.get_model("catalog", "ProvisionVersion")
    data = load_data()
    created = 0
    act_fields = [
        "code", "kind", "title", "issuer", "signed_on", "registration_number", "registered_on",
        "effective_from", "effective_from_confirmed", "effective_from_basis", "valid_until", "abrogated_from",
    ]  # fmt: skip
    acts = {}
    for row in data["acts"]:
        act = LegalAct.objects.filter(code=row["code"]).first()
        if act is None:
            act = LegalAct.objects.create(
                **{
                    name: (_date(row[name]) if name.endswith(("_on", "_from", "_until")) else row[name])
                    for name in act_fields
                }
            )
            act._created = True
            created += 1
        acts[row["code"]] = act
    for row in data["acts"]:
        act = acts[row["code"]]
        if getattr(act, "_created", False):
            act.amends = acts[row["amends"]] if row["amends"] else None
            act.abrogated_by = acts[row["abrogated_by"]] if row["abrogated_by"] else None
            act.save()
            _record_history(apps, "LegalAct", act, ["id", *act_fields, "amends_id", "abrogated_by_id"])

    def ends_on(act):
        ends = [d for d in (act.abrogated_from, act.valid_until) if d]
        return min(ends) if ends else None

    for row in data["provisions"]:
        act = acts[row["act"]]
        provision, made = Provision.objects.get_or_create(act=act, appendix=row["appendix"], paragraph=row["paragraph"])
        if not made:
            continue
        created += 1
        _record_history(apps, "Provision", provision, ["id", "act_id", "appendix", "paragraph"])
        for item in row["versions"]:
            introduced_by = acts[item["introduced_by"]]
            ended_by = acts[item["ended_by"]] if item["ended_by"] else None
            ends = [d for d in (ended_by.effective_from if ended_by else None, ends_on(act)) if d]
            version = ProvisionVersion.objects.create(
                provision=provision,
                text=item["text"] or "",
                text_recorded=item["text"] is not None,
                footnote=item["footnote"],
                introduced_by=introduced_by,
                ended_by=ended_by,
                in_force_from=introduced_by.effective_from,
                in_force_until=min(ends) if ends else None,
                accepted_certificate_kinds=item.get("accepted_certificate_kinds", []),
            )
            created += 1
            _record_history(
                apps,
                "ProvisionVersion",
                version,
                [
                    "id",
                    "provision_id",
                    "text",
                    "text_recorded",
                    "footnote",
                    "introduced_by_id",
                    "ended_by_id",
                    "in_force_from",
                    "in_force_until",
                    "accepted_certificate_kinds",
                ],  # fmt: skip
            )
    return created
