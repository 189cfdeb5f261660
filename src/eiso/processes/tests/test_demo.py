"""The demo data: most procedures of the demo agencies have a process in force (coverage visibly below
100 %), the ward of the demo users has one draft, one submitted and one overdue review; idempotent."""

import datetime
import io

import pytest
from django.core.management import call_command

from eiso.organizations.models import Agency
from eiso.procedures.models import AgencyProcedure
from eiso.procedures.querysets import coverage_for, total_coverage
from eiso.processes import demo
from eiso.processes.models import InternalProcess, ProcessStatus, ProcessVersion, ReviewFlag

pytestmark = pytest.mark.django_db


def test_demo_processes(transactional_db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    ward = Agency.objects.get(admin_code=demo.WARD)
    today = datetime.date.today()
    coverage = coverage_for([ward])[ward.pk]
    assert coverage.total == AgencyProcedure.objects.active_on(today).filter(agency=ward).count()
    assert 0.6 < coverage.covered / coverage.total < 1
    settling = AgencyProcedure.objects.active_on(today).values("agency_id").distinct()
    overall = total_coverage(coverage_for(list(settling.values_list("agency_id", flat=True))).values())
    assert 0.7 < overall.covered / overall.total < 0.95
    statuses = list(ProcessVersion.objects.filter(process__agency=ward).values_list("status", flat=True))
    assert statuses.count(ProcessStatus.DRAFT) == 1 and statuses.count(ProcessStatus.SUBMITTED) == 1
    process_flags = ReviewFlag.objects.filter(content_type__model="internalprocess")
    flag = process_flags.get()
    assert (
        flag.agency == ward and flag.is_overdue(today) and flag.target.procedures.get().code == demo.FLAGGED
    )
    assert not InternalProcess.objects.filter(agency=ward, procedures__code=demo.LEFT_FOR_JOURNEY).exists()
    # Every version is valid and within its legal limit.
    assert not ProcessVersion.objects.filter(error_count__gt=0).exists()
    for version in ProcessVersion.objects.exclude(limit_hours=None)[:50]:
        assert version.planned_hours <= version.limit_hours
    count = InternalProcess.objects.count()
    assert demo.load(io.StringIO()) == [] and InternalProcess.objects.count() == count
