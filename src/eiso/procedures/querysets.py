"""Read logic of the procedure catalogue. Visibility rule: see `eiso.accounts.scope`.

- The catalogue itself (procedures, versions, sectors, legal documents) is national data: everyone
  signed in reads it.
- Which agency settles which procedure (`AgencyProcedure`), coverage and every other agency-specific
  figure are scoped: `visible_to(user)` is `scope_for(user).agency_q("agency__")`.

Coverage (độ bao phủ của phạm vi HTQLCL) of an agency on a day = its procedures (active assignments)
that have an approved internal process in force, over all its procedures. The process designer
(`eiso.processes`) answers the first half through one function, imported lazily so this app works
before that one is installed:

    eiso.processes.querysets.in_force_procedure_ids(agency_ids: list[int], day: date) -> set[int]

— the ids of the procedures that have an approved internal process in force on `day` for (any of)
those agencies. `coverage_for` calls it once per agency, so one agency's process never counts for
another. Without that app every procedure counts as not covered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from eiso.core.text import search_q, vi_fold


def _active_on_q(day: datetime.date, prefix: str = "") -> Q:
    from eiso.accounts.querysets import active_on_q

    return active_on_q(day, prefix)


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The national catalogue: every signed-in user reads all of it."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self

    def search(self, text: str | None):
        """Every folded word of `text` in code, name or sector ("dang ky khai sinh" finds "Đăng ký khai sinh"),
        those holding the whole phrase first: words match inside words, so "khai tu" also finds every
        "thủ tục … khai …", and "Đăng ký khai tử" must come before them."""
        from django.db.models import Case, IntegerField, Value, When

        if not text or not vi_fold(text):
            return self
        rank = Case(
            When(search_text__contains=vi_fold(text), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return self.filter(search_q(text)).annotate(search_rank=rank).order_by("search_rank", "code")

    def at_level(self, level: str):
        return self.filter(levels__contains=level)

    def in_sector(self, sector):
        """Procedures whose current version is in `sector` (a Sector or its code).

        A subquery on the link table rather than a join through the versions: the version rows are wide
        and the planner need not visit them."""
        from eiso.procedures.models import ProcedureVersion

        links = ProcedureVersion.sectors.through.objects.filter(sector__code=getattr(sector, "code", sector))
        return self.filter(current_version_id__in=links.values("procedureversion_id"))

    def settled_by(self, agency_ids: Iterable[int], day: datetime.date | None = None):
        """Procedures that one of `agency_ids` settles on `day` (active assignments)."""
        from eiso.procedures.models import AgencyProcedure

        assigned = (
            AgencyProcedure.objects.active_on(day)
            .filter(agency_id__in=list(agency_ids))
            .values("procedure_id")
        )
        return self.filter(pk__in=assigned)

    def for_list(self):
        """What a list page row shows: the identity's copy only, one query for the whole page."""
        return self.only(
            "id",
            "code",
            "name",
            "levels",
            "online_level",
            "is_complete",
            "sector_names",
            "current_version_id",
        )

    def for_api_list(self):
        """The list row of the API, which also gives the current version's summary and sector codes.

        The current version is prefetched for the page's rows, not joined: with a join PostgreSQL visits
        the version of every matching procedure before sorting and keeping 50 (its estimate of how many
        rows a trigram search matches is far too low). Only the version's summary columns are read — its
        JSON sections are large and decoding them cost more than the query."""
        from eiso.procedures.models import ProcedureVersion

        summary = ProcedureVersion.objects.only(
            "id",
            "procedure_id",
            "decision_number",
            "decision_date",
            "status",
            "valid_from",
            "valid_to",
            "is_complete",
        )
        return self.for_list().prefetch_related(
            models.Prefetch("current_version", queryset=summary),
            "current_version__sectors",
        )


class ProcedureVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self

    def published(self):
        """Published at some point (in force now, or superseded since)."""
        return self.exclude(status="draft")

    def in_force(self, day: datetime.date | None = None):
        """The versions that apply on `day`: the one a dossier received that day is pinned to."""
        day = day or datetime.date.today()
        return self.published().filter(valid_from__isnull=False).filter(_active_on_q(day))


class AgencyProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return self.none()
        return self.filter(scope.agency_q("agency__"))

    def active_on(self, day: datetime.date | None = None):
        return self.filter(_active_on_q(day or datetime.date.today()))


class ProcedureImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Import jobs: administrators see every job, others their own."""
        from eiso.accounts.scope import scope_for

        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if scope_for(user).everything:
            return self
        return self.filter(created_by=user)


# --- coverage ------------------------------------------------------------------------------------


def in_force_procedure_ids(agency_ids: list[int], day: datetime.date) -> set[int]:
    """Procedures with an approved internal process in force on `day` for `agency_ids`.

    Delegates to `eiso.processes.querysets.in_force_procedure_ids`; none while that app is absent.
    """
    from django.apps import apps

    if not apps.is_installed("eiso.processes"):
        return set()
    try:
        from eiso.processes.querysets import in_force_procedure_ids as lookup
    except ImportError:
        return set()
    return set(lookup(list(agency_ids), day))


@dataclass(frozen=True)
class Coverage:
    """Độ bao phủ: `covered` of an agency's `total` procedures have an internal process in force."""

    agency_id: int | None
    total: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def percent(self) -> int:
        """Whole percent, rounded down so 99.6 % never reads as "all covered"."""
        return 0 if not self.total else (100 * self.covered) // self.total

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.covered == self.total


def coverage_for(agencies, day: datetime.date | None = None) -> dict[int, Coverage]:
    """{agency id: Coverage} for `agencies` (Agency objects or ids) on `day` (today by default).

    One query for the assignments, then one `in_force_procedure_ids` call per agency that has any.
    """
    from eiso.procedures.models import AgencyProcedure

    day = day or datetime.date.today()
    ids = [getattr(agency, "pk", agency) for agency in agencies]
    assigned: dict[int, set[int]] = {agency_id: set() for agency_id in ids}
    rows = (
        AgencyProcedure.objects.active_on(day)
        .filter(agency_id__in=ids)
        .order_by()
        .values_list("agency_id", "procedure_id")
    )
    for agency_id, procedure_id in rows:
        assigned[agency_id].add(procedure_id)
    result = {}
    for agency_id, procedures in assigned.items():
        covered = in_force_procedure_ids([agency_id], day) & procedures if procedures else set()
        result[agency_id] = Coverage(agency_id, len(procedures), len(covered))
    return result


def covered_procedure_ids(agency_ids: Iterable[int], day: datetime.date | None = None) -> set[int]:
    """Ids of procedures with a process in force for one of `agency_ids` (one call, for list filters)."""
    agency_ids = list(agency_ids)
    return in_force_procedure_ids(agency_ids, day or datetime.date.today()) if agency_ids else set()


def total_coverage(rows: Iterable[Coverage]) -> Coverage:
    """The subtree's figure: procedures are counted per agency (the same procedure in two communes is two)."""
    rows = list(rows)
    return Coverage(None, sum(r.total for r in rows), sum(r.covered for r in rows))
