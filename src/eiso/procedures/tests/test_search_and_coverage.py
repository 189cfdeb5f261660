"""Search that ignores diacritics, the list filters, and coverage (with a stub of the process designer)."""

import datetime

import pytest

from eiso.accounts import roles
from eiso.procedures import importing, querysets, services
from eiso.procedures.filtersets import ProcedureFilterSet
from eiso.procedures.models import Procedure
from eiso.procedures.querysets import coverage_for, total_coverage

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")


def _codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


@pytest.mark.parametrize(
    "query",
    ["dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ky khai sinh", "khai sinh dang ky"],
)
def test_search_ignores_diacritics_and_case(catalogue, query):
    found = _codes(Procedure.objects.search(query))
    assert "1.001193" in found
    assert "1.000656" not in found  # khai tử


def test_the_whole_phrase_comes_first(catalogue):
    # "tu" is inside "thủ tục": every "thủ tục … khai …" matches, the death registration comes first.
    found = list(Procedure.objects.search("dang ky khai tu").values_list("code", flat=True))
    assert found[0] == "1.000656" and len(found) > 1
    assert list(Procedure.objects.search("khai sinh").values_list("code", flat=True))[0] in {
        "1.001193",
        "1.001695",
        "1.004884",
        "1.012645",
    }


def test_d_folds_to_d_and_codes_are_searchable(catalogue):
    assert "2.000720" in _codes(Procedure.objects.search("dang ky thanh lap ho kinh doanh"))
    assert "1.012790" in _codes(Procedure.objects.search("dat dai"))  # sector name "Đất đai"
    assert _codes(Procedure.objects.search("1.001193")) == {"1.001193"}
    assert not Procedure.objects.search("khong co thu tuc nay").exists()


def _filtered(user, **params):
    class Request:
        pass

    request = Request()
    request.user = user
    filterset = ProcedureFilterSet(params, queryset=Procedure.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return _codes(filterset.qs)


def test_filters_combine(world, catalogue):
    user = world.users[roles.ADMIN]
    commune = _filtered(user, level="commune")
    province = _filtered(user, level="province")
    assert "1.001193" in commune and "2.000488" in province and not commune & province
    assert _filtered(user, sector="HT", search="khai sinh") >= {"1.001193", "1.004884"}
    assert all(code.startswith(("1.", "2.")) for code in _filtered(user, online_level="full"))
    assert _filtered(user, complete="no") == {"1.000440", "1.012810"}
    assert Procedure.objects.get(code="1.001193").sector_names == "Hộ tịch"  # the list's copy
    assert "1.000440" not in _filtered(user, complete="yes")


@pytest.fixture
def assigned(world, catalogue):
    commune_level = list(Procedure.objects.filter(levels__contains="commune", current_version__isnull=False))
    start = datetime.date(2025, 7, 1)
    services.assign_procedures(
        actor=None, agency=world.commune_a, procedures=commune_level[:10], valid_from=start
    )
    services.assign_procedures(
        actor=None, agency=world.commune_office, procedures=commune_level[10:14], valid_from=start
    )
    services.assign_procedures(
        actor=None, agency=world.commune_b, procedures=commune_level[:6], valid_from=start
    )
    return commune_level


@pytest.fixture
def processes(monkeypatch):
    """Stub of eiso.processes: {agency id: procedure ids with a process in force}."""
    table: dict[int, set[int]] = {}
    calls = []

    def in_force(agency_ids, day):
        calls.append((tuple(agency_ids), day))
        return set().union(*(table.get(a, set()) for a in agency_ids)) if agency_ids else set()

    monkeypatch.setattr(querysets, "in_force_procedure_ids", in_force)
    in_force.table, in_force.calls = table, calls
    return in_force


def test_without_the_process_app_nothing_is_covered(world, assigned):
    figures = coverage_for([world.commune_a])
    assert (figures[world.commune_a.pk].total, figures[world.commune_a.pk].covered) == (10, 0)


def test_coverage_per_agency_and_subtree(world, assigned, processes):
    processes.table[world.commune_a.pk] = {p.pk for p in assigned[:4]} | {999_999}
    processes.table[world.commune_office.pk] = {assigned[10].pk}
    processes.table[world.commune_b.pk] = {p.pk for p in assigned[:6]}
    figures = coverage_for([world.commune_a, world.commune_office, world.commune_b])
    a, office, b = figures[world.commune_a.pk], figures[world.commune_office.pk], figures[world.commune_b.pk]
    assert (a.total, a.covered, a.percent) == (10, 4, 40)  # 999 999 is not one of its procedures
    assert (office.total, office.covered, office.percent) == (4, 1, 25)
    assert b.complete and b.percent == 100
    subtree = total_coverage([a, office])
    assert (subtree.total, subtree.covered, subtree.percent) == (14, 5, 35)
    # One agency's process never counts for another: the lookup is asked per agency.
    assert all(len(agency_ids) == 1 for agency_ids, _day in processes.calls)


def test_coverage_filter(world, assigned, processes):
    processes.table[world.commune_a.pk] = {p.pk for p in assigned[:3]}
    user = world.users[roles.ISO_SECRETARY]
    covered = _filtered(user, agency=world.commune_a.pk, coverage="covered")
    uncovered = _filtered(user, agency=world.commune_a.pk, coverage="uncovered")
    assert covered == {p.code for p in assigned[:3]}
    assert uncovered == {p.code for p in assigned[3:10]}
    # Another agency's catalogue is not a filter an outsider can use.
    assert _filtered(world.outsider, agency=world.commune_a.pk) == set()


def test_ending_an_assignment_drops_it_from_coverage(world, assigned):
    assignment = world.commune_a.procedure_assignments.first()
    services.end_assignment(
        actor=None, assignment=assignment, last_day=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert coverage_for([world.commune_a])[world.commune_a.pk].total == 9
