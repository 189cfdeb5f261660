"""Reference data: the 34 provincial units (from 01/07/2025) and the template of mandatory departments.

Every loader is idempotent: it looks an agency up by its code (or its name under its parent)
and creates only what is missing, through the services, so each creation is audited.
"""

import datetime
import json
from functools import cache
from pathlib import Path

from eiso.organizations import services
from eiso.organizations.models import Agency, AgencyKind

DATA = Path(__file__).parent / "data" / "provinces.json"


@cache
def reference() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _get_or_create(*, parent, name, kind, valid_from, **fields) -> tuple[Agency, bool]:
    code = fields.get("admin_code")
    existing = (
        Agency.objects.filter(kind=kind, admin_code=code)
        if code
        else Agency.objects.filter(parent=parent, name=name)
    )
    found = existing.first()
    if found:
        return found, False
    return services.create_agency(
        actor=None, parent=parent, name=name, kind=kind, valid_from=valid_from, **fields
    ), True


def seed_provinces(valid_from: datetime.date | None = None) -> int:
    """Create the 34 provinces and centrally-run cities that are missing. Returns how many were created."""
    ref = reference()
    start = valid_from or datetime.date.fromisoformat(ref["valid_from"])
    created = 0
    for item in ref["provinces"]:
        _, new = _get_or_create(
            parent=None,
            name=item["name"],
            kind=AgencyKind.PROVINCE,
            valid_from=start,
            admin_code=item["admin_code"],
            short_name=item["short_name"],
            legal_basis=ref["legal_basis"],
        )
        created += new
    return created


def seed_mandatory_departments(province: Agency, valid_from: datetime.date | None = None) -> list[Agency]:
    """The 12 departments every province has (domain.md §7), under `province`."""
    start = valid_from or province.valid_from
    result = []
    for item in reference()["mandatory_departments"]:
        agency, _ = _get_or_create(
            parent=province,
            name=item["name"],
            kind=item.get("kind", AgencyKind.PROVINCIAL_DEPARTMENT),
            valid_from=start,
            short_name=item["short_name"],
        )
        result.append(agency)
    return result


def seed_commune_offices(commune: Agency, valid_from: datetime.date | None = None) -> list[Agency]:
    """The three offices of a commune-level People's Committee; wards name the economy office differently."""
    start = valid_from or commune.valid_from
    result = []
    for item in reference()["commune_offices"]:
        name = item.get("ward_name", item["name"]) if commune.kind == AgencyKind.WARD else item["name"]
        agency, _ = _get_or_create(
            parent=commune,
            name=name,
            kind=AgencyKind.COMMUNE_OFFICE,
            valid_from=start,
            short_name=item["short_name"],
        )
        result.append(agency)
    return result
