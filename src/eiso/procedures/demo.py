"""Demo catalogue: 53 procedures citizens use most (civil status, certification, residence, household
businesses, land, construction, social allowances, judicial records…), imported from
`data/demo_procedures.json` through the importer, and assigned to the demo agencies.

The records follow the shape of the National Public Service Portal. Names, time limits, fees and legal
bases are written from public knowledge of the procedures; codes and announcement decision numbers are
illustrative where not known, so nothing here is a legal reference.
"""

import datetime
from pathlib import Path

from eiso.core.text import vi_fold
from eiso.organizations.models import COMMUNE_KINDS, Agency, AgencyKind
from eiso.procedures import importing, services
from eiso.procedures.models import Procedure

DATA = Path(__file__).parent / "data" / "demo_procedures.json"
REFORM = datetime.date(2025, 7, 1)


def load(stdout) -> list:
    summary = importing.import_file(actor=None, data=DATA.read_bytes(), file_name=DATA.name)
    procedures = list(
        Procedure.objects.filter(current_version__isnull=False).select_related("current_version")
    )
    communes = Agency.objects.filter(kind__in=COMMUNE_KINDS, parent__admin_code="33", valid_to__isnull=True)
    commune_level = [p for p in procedures if "commune" in p.level_list]
    assigned = 0
    for commune in communes:
        assigned += len(
            services.assign_procedures(
                actor=None, agency=commune, procedures=commune_level, valid_from=REFORM
            )
        )
    departments = list(
        Agency.objects.filter(kind=AgencyKind.PROVINCIAL_DEPARTMENT, parent__admin_code__in=["33", "31"])
    )
    for department in departments:
        own = [p for p in procedures if "province" in p.level_list and _settles(department, p)]
        if own:
            assigned += len(
                services.assign_procedures(actor=None, agency=department, procedures=own, valid_from=REFORM)
            )
    stdout.write(
        f"  thủ tục hành chính: {len(procedures)} thủ tục ({summary.created} phiên bản mới), "
        f"{assigned} lượt giao cho {communes.count()} xã/phường và các sở"
    )
    return []


def _settles(department: Agency, procedure: Procedure) -> bool:
    """Whether the department's name appears among the bodies that implement or decide the procedure."""
    name = vi_fold(department.name)
    version = procedure.current_version
    bodies = [vi_fold(body) for body in [*version.implementing_bodies, *version.competent_bodies]]
    return any(body == name or body.endswith(name) for body in bodies)
