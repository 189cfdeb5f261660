"""Reading versions back as records (`eiso.procedures.records`) and writing export files.

Export writes the same formats the importer reads, so export → import reproduces the same records
(and re-importing an export into the same database changes nothing).
"""

from __future__ import annotations

import datetime

from django.db.models import F

from eiso.procedures import records as rec
from eiso.procedures.models import ProcedureVersion

FORMATS = ("json", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def versions_for_export(procedures=None, current_only: bool = False):
    """Versions of `procedures` (a queryset; all when None), with everything a record needs prefetched."""
    versions = ProcedureVersion.objects.all()
    if procedures is not None:
        versions = versions.filter(procedure__in=procedures.values("pk"))
    if current_only:
        versions = versions.filter(procedure__current_version=F("pk"))
    return (
        versions.select_related("procedure")
        .prefetch_related("sectors", "channels__fees", "cases__components", "legal_bases__document")
        .order_by("procedure__code", "valid_from", "pk")
    )


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def record_of(version: ProcedureVersion) -> dict:
    """The record this version was stored from (prefetch as `versions_for_export` does for many)."""
    record = rec.empty_record()
    record.update(
        {
            "code": version.procedure.code,
            "name": version.name,
            "decision_number": version.decision_number,
            "decision_date": _iso(version.decision_date),
            "decision_issuer": version.decision_issuer,
            "status": version.status,
            "valid_from": _iso(version.valid_from),
            "valid_to": _iso(version.valid_to),
            "levels": version.level_list,
            "sectors": [{"code": s.code, "name": s.name} for s in version.sectors.all()],
            "subjects": list(version.subjects),
            "competent_bodies": list(version.competent_bodies),
            "implementing_bodies": list(version.implementing_bodies),
            "coordinating_bodies": list(version.coordinating_bodies),
            "receiving_places": list(version.receiving_places),
            "steps": [dict(step) for step in version.steps],
            "channels": [
                {
                    "channel": c.channel,
                    "time_value": rec.format_number(c.time_value) if c.time_value is not None else None,
                    "time_unit": c.time_unit,
                    "counting_mode": c.counting_mode,
                    "cutoff": c.cutoff.strftime("%H:%M") if c.cutoff else None,
                    "description": c.description,
                    "fees": [
                        {
                            "kind": fee.kind,
                            "amount": int(fee.amount) if fee.amount is not None else None,
                            "currency": fee.currency,
                            "description": fee.description,
                        }
                        for fee in c.fees.all()
                    ],
                }
                for c in version.channels.all()
            ],
            "cases": [
                {
                    "name": case.name,
                    "components": [
                        {
                            "name": comp.name,
                            "originals": comp.originals,
                            "copies": comp.copies,
                            "required": comp.required,
                            "form_name": comp.form_name,
                            "form_url": comp.form_url,
                        }
                        for comp in case.components.all()
                    ],
                }
                for case in version.cases.all()
            ],
            "results": [dict(row) for row in version.results],
            "requirements": version.requirements,
            "online_level": version.online_level,
            "legal_bases": [
                {
                    "number": basis.document.number,
                    "title": basis.document.title,
                    "issuer": basis.document.issuer,
                    "issued_on": _iso(basis.document.issued_on),
                    "effective_from": _iso(basis.document.effective_from),
                }
                for basis in version.legal_bases.all()
            ],
            "related_codes": list(version.related_codes),
            "external_id": version.external_id,
            "source_updated_at": (
                version.source_updated_at.astimezone(datetime.UTC).isoformat(timespec="seconds")
                if version.source_updated_at
                else None
            ),
        }
    )
    return rec.normalise(record)


def export_bytes(versions, file_format: str) -> bytes:
    records = [record_of(v) for v in versions]
    if file_format == "xlsx":
        from eiso.procedures.xlsx import write_workbook

        return write_workbook(records)
    return rec.write_json(records)


def file_name(file_format: str, today: datetime.date | None = None) -> str:
    today = today or datetime.date.today()
    return f"thu-tuc-hanh-chinh-{today:%Y%m%d}.{file_format}"
