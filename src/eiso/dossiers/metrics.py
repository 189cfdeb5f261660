"""Báo cáo, thống kê hồ sơ (metrics of dossier processing), domain.md §4–5 and §8. Reads only.

Every figure is computed in the database with conditional aggregation (`Count(filter=Q(…))`, conditional
sums) over `Dossier.objects.visible_to(user)` (work items: `WorkItem.objects.visible_to(user)`), one
grouped query per report whatever the number of dossiers (two for the officer report, one per month
for the monthly report), on SQLite and PostgreSQL alike.

A report covers an agency's subtree (`Agency.path` prefix: a province shows every agency under it) and
a period [first, last] of whole days in local time; `start` is 00:00 of `first`, `end` 00:00 of the day
after `last`. Only dossiers that entered processing count (they have a legal clock): dossiers waiting at
the counter for supplements (form 02) and refusals of reception (form 03) are not "received".

- **Tiếp nhận** (received) = **kỳ trước chuyển sang** (carried over: received before `start` and neither
  settled nor stopped / withdrawn before `start`) + **mới tiếp nhận** (received within the period),
  the new ones split by channel (direct, online, postal).
- **Đã giải quyết** (settled): `settled_at` within the period (result ready, or refused after appraisal),
  split by the dossier's `timeliness`: early / on time / late (Decision 766: more than one supplement
  request counts as late). **Dừng, rút** (stopped or withdrawn) within the period are counted apart.
- **Chưa giải quyết** (pending) at the end of the period = every received dossier not settled, stopped
  or withdrawn before `end`, split into **tạm dừng** (paused: waiting for the applicant's supplement at
  `end`, read from the hand-over log), **quá hạn** (overdue: its appointment `clock.due_at` is before
  `end`) and **trong hạn** (in time). The appointment is the current one (an apology letter written
  after the period moves it). So received = settled + stopped/withdrawn + pending, always.
- **Thời gian giải quyết bình quân**: mean of `settled_at − received_at` in days over the dossiers settled
  in the period; **in working days**: mean of the working time the process steps used (the hand-over log's
  `used_seconds` of each completed step, 8 working hours a day; time waiting for a supplement is not
  counted, steps run in parallel each count).
- **Chỉ số 1, 2 theo Thông tư 01/2018/TT-VPCP** (per dossier settled in the period, 0–2 points each;
  the seed articles do not define them, so eISO uses the circular's scale as summarised in domain.md §8):
  index 1, total time against the limit: early 2, on time 1, late 0; index 2, time used by each body or
  step: 2 when every hand-over was early, 1 when none was late but some was on time, 0 when any hand-over
  (a step or a consultation) was late. A report shows each index's average points and its share:
  **chỉ số 1 (%)** = dossiers settled early or on time ÷ settled; **chỉ số 2 (%)** = settled dossiers
  without a late hand-over ÷ settled.
- **Cán bộ** (officer report): work items completed in the period by the person who completed them
  (early / on time / late, share early or on time, mean working hours used), and the items assigned to
  each person still open at `end` (overdue when their step's due moment is before `end`).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eiso.dossiers.models import Channel, Dossier, HandOver, HandOverAction, Outcome, Timeliness, WorkItem

WORKING_DAY_SECONDS = 8 * 3600
DOSSIER_PAGE_ROWS = 500  # lines per page of the dossier level (the page and the API)
XLSX_DOSSIER_ROWS = 50_000  # lines in one XLSX export of the dossier level

GROUPS: dict[str, str] = {
    "agency": gettext_lazy("Cơ quan giải quyết"),
    "receiving_unit": gettext_lazy("Bộ phận tiếp nhận"),
    "procedure": gettext_lazy("Thủ tục"),
    "officer": gettext_lazy("Cán bộ xử lý"),
    "channel": gettext_lazy("Cách thức nộp"),
    "month": gettext_lazy("Tháng"),
    "dossier": gettext_lazy("Từng hồ sơ"),
}
CHANNELS = [c.value for c in Channel]
# Items closed without the holder finishing them (supplement request, reassignment) are not their work.
NOT_WORKED = [Outcome.SUPPLEMENT, Outcome.FORWARDED, Outcome.CANCELLED]


# --- the period --------------------------------------------------------------------------------------


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """Kỳ báo cáo: whole days [first, last] in local time."""

    first: datetime.date
    last: datetime.date

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError(_("Ngày cuối kỳ phải sau ngày đầu kỳ."))

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=_zone())

    @property
    def end(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.last + datetime.timedelta(days=1), datetime.time(), tzinfo=_zone()
        )

    @property
    def label(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(
            datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        return cls(cls.month(year, first_month).first, cls.month(year, first_month + 2).last)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def months(self) -> list[Period]:
        """The calendar months the period touches, each clipped to the period."""
        parts, day = [], self.first
        while day <= self.last:
            month = Period.month(day.year, day.month)
            parts.append(Period(max(month.first, self.first), min(month.last, self.last)))
            day = month.last + datetime.timedelta(days=1)
        return parts


# --- report rows -------------------------------------------------------------------------------------

# Raw figures: summed over rows to make the totals (every dossier falls in exactly one row).
DOSSIER_RAW = [
    "carried_over",
    *(f"new_{c}" for c in CHANNELS),
    "settled_early",
    "settled_on_time",
    "settled_late",
    "closed",
    "pending_in_time",
    "pending_overdue",
    "paused",
    "settle_seconds",
    "work_seconds",
    "index1_points",
    "index2_points",
    "no_late_hand_over",
]
OFFICER_RAW = [
    "items_done",
    "items_early",
    "items_on_time",
    "items_late",
    "used_seconds",
    "items_pending_in_time",
    "items_pending_overdue",
]


def _columns(kind: str) -> list[tuple[str, str]]:
    """(key, Vietnamese heading) of the figures a report shows, in order."""
    if kind == "officer":
        return [
            ("items_done", _("Việc đã xử lý")),
            ("items_early", _("Trước hạn")),
            ("items_on_time", _("Đúng hạn")),
            ("items_late", _("Quá hạn")),
            ("items_share", _("Trước hạn, đúng hạn (%)")),
            ("avg_item_hours", _("Thời gian bình quân (giờ làm việc)")),
            ("items_pending_in_time", _("Đang xử lý trong hạn")),
            ("items_pending_overdue", _("Đang xử lý quá hạn")),
        ]
    return [
        ("received", _("Tổng tiếp nhận")),
        ("carried_over", _("Kỳ trước chuyển sang")),
        ("new", _("Mới tiếp nhận")),
        ("new_direct", _("Trực tiếp")),
        ("new_online", _("Trực tuyến")),
        ("new_postal", _("Bưu chính")),
        ("settled", _("Đã giải quyết")),
        ("settled_early", _("Trước hạn")),
        ("settled_on_time", _("Đúng hạn")),
        ("settled_late", _("Quá hạn")),
        ("closed", _("Dừng, rút")),
        ("pending", _("Chưa giải quyết")),
        ("pending_in_time", _("Trong hạn")),
        ("pending_overdue", _("Quá hạn")),
        ("paused", _("Tạm dừng (chờ bổ sung)")),
        ("avg_days", _("Thời gian bình quân (ngày)")),
        ("avg_working_days", _("Thời gian bình quân (ngày làm việc)")),
        ("index1_avg", _("Chỉ số 1 (điểm)")),
        ("index2_avg", _("Chỉ số 2 (điểm)")),
        ("index1_share", _("Chỉ số 1 (%)")),
        ("index2_share", _("Chỉ số 2 (%)")),
    ]


def _ratio(numerator, denominator, scale=1, digits=1):
    if not denominator:
        return None
    return round(float(numerator) * scale / float(denominator), digits)


@dataclass
class Row:
    key: object
    label: str
    raw: dict = field(default_factory=dict)
    code: str = ""
    link: str = ""  # drill-down: the next report level or the dossier list
    values: dict = field(default_factory=dict)

    def derive(self, kind: str) -> Row:
        r = self.raw
        if kind == "officer":
            done = r["items_done"]
            self.values = {
                **{k: r[k] for k in OFFICER_RAW if k != "used_seconds"},
                "items_share": _ratio(r["items_early"] + r["items_on_time"], done, 100),
                "avg_item_hours": _ratio(r["used_seconds"], done * 3600, digits=2),
            }
            return self
        new = sum(r[f"new_{c}"] for c in CHANNELS)
        settled = r["settled_early"] + r["settled_on_time"] + r["settled_late"]
        self.values = {
            **{
                k: r[k]
                for k in DOSSIER_RAW
                if not k.endswith(("_seconds", "_points")) and k != "no_late_hand_over"
            },
            "new": new,
            "received": r["carried_over"] + new,
            "settled": settled,
            "pending": r["pending_in_time"] + r["pending_overdue"] + r["paused"],
            "avg_days": _ratio(r["settle_seconds"], settled * 86400, digits=2),
            "avg_working_days": _ratio(r["work_seconds"], settled * WORKING_DAY_SECONDS, digits=2),
            "index1_avg": _ratio(r["index1_points"], settled, digits=2),
            "index2_avg": _ratio(r["index2_points"], settled, digits=2),
            "index1_share": _ratio(r["settled_early"] + r["settled_on_time"], settled, 100),
            "index2_share": _ratio(r["no_late_hand_over"], settled, 100),
        }
        return self


@dataclass
class Report:
    agency: object
    period: Period
    group: str
    kind: str  # "dossier" or "officer"
    columns: list[tuple[str, str]]
    rows: list[Row]
    total: Row
    dossiers: list[dict] = field(default_factory=list)  # group "dossier": one page of lines, one per dossier
    dossier_offset: int = 0  # how many lines come before this page
    truncated: bool = False  # more lines follow this page

    @property
    def group_label(self) -> str:
        return str(GROUPS[self.group])


# --- the dossier aggregates -------------------------------------------------------------------------


def _open_at(moment) -> Q:
    """Not settled, stopped or withdrawn before `moment`."""
    return (Q(settled_at__isnull=True) | Q(settled_at__gte=moment)) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=moment)
    )


def _paused_at(moment):
    """Waiting for the applicant's supplement at `moment`: a supplement request before it that no
    resumption followed before it (read from the hand-over log, so past periods stay right)."""
    resumed = HandOver.objects.filter(
        dossier=OuterRef("dossier"),
        action=HandOverAction.RESUME,
        given_at__gte=OuterRef("given_at"),
        given_at__lt=moment,
    )
    return Exists(
        HandOver.objects.filter(
            dossier=OuterRef("pk"), action=HandOverAction.SUPPLEMENT, given_at__lt=moment
        ).filter(~Exists(resumed))
    )


def _counted(condition: Q, value=None, output_field=None):
    """SUM(CASE WHEN condition THEN value ELSE 0) — `value` 1 when omitted (a conditional count)."""
    if value is None:
        return Count("pk", filter=condition)
    # No rows give NULL: `_clean` reads it as 0.
    return Sum(CaseWhen(When(condition, then=value), default=None, output_field=output_field))


def _dossier_base(user, agency, period: Period):
    """Dossiers that count in the period: received before its end and either received within it or
    still unfinished at its start."""
    return (
        Dossier.objects.visible_to(user)
        .filter(agency__path__startswith=agency.path, clock__isnull=False, received_at__lt=period.end)
        .filter(Q(received_at__gte=period.start) | _open_at(period.start))
    )


# Circular 01/2018's indices per settled dossier: 1 scores its own result, 2 its worst hand-over.
INDEX1_POINTS, INDEX1_OTHERWISE = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1}, 0
INDEX2_POINTS, INDEX2_OTHERWISE = {Timeliness.LATE: 0, Timeliness.ON_TIME: 1}, 2


def _points(field: str, table: dict, otherwise: int) -> CaseWhen:
    return CaseWhen(
        *(When(**{field: value}, then=Value(points)) for value, points in table.items()),
        default=Value(otherwise),
        output_field=IntegerField(),
    )


def _dossier_aggregates(period: Period) -> dict:
    start, end = period.start, period.end
    settled = Q(settled_at__gte=start, settled_at__lt=end)
    pending = _open_at(end)
    paused = Q(_paused_at(end))
    overdue = Q(clock__due_at__lt=end)
    index1 = _points("timeliness", INDEX1_POINTS, INDEX1_OTHERWISE)
    # from the summary written when the dossier was settled, not the hand-over log row by row
    index2 = _points("worst_hand_over", INDEX2_POINTS, INDEX2_OTHERWISE)
    return {
        "carried_over": _counted(Q(received_at__lt=start)),
        **{f"new_{c}": _counted(Q(received_at__gte=start, channel=c)) for c in CHANNELS},
        "settled_early": _counted(settled & Q(timeliness=Timeliness.EARLY)),
        "settled_on_time": _counted(settled & Q(timeliness=Timeliness.ON_TIME)),
        "settled_late": _counted(settled & Q(timeliness=Timeliness.LATE)),
        "closed": _counted(Q(closed_at__gte=start, closed_at__lt=end)),
        "paused": _counted(pending & paused),
        "pending_overdue": _counted(pending & ~paused & overdue),
        "pending_in_time": _counted(pending & ~paused & ~overdue),
        "settle_seconds": _counted(
            settled,
            ExpressionWrapper(F("settled_at") - F("received_at"), output_field=DurationField()),
            DurationField(),
        ),
        "work_seconds": _counted(settled, F("work_seconds"), IntegerField()),  # written when settled
        "index1_points": _counted(settled, index1, IntegerField()),
        "index2_points": _counted(settled, index2, IntegerField()),
        "no_late_hand_over": _counted(settled & ~Q(worst_hand_over=Timeliness.LATE)),
    }


def _clean(raw: dict, keys: list[str]) -> dict:
    out = {}
    for key in keys:
        value = raw.get(key) or 0
        if isinstance(value, datetime.timedelta):
            value = value.total_seconds()
        elif isinstance(value, Decimal):
            value = float(value)
        out[key] = value
    return out


def _sum_rows(rows: list[Row], keys: list[str]) -> dict:
    return {k: sum(r.raw[k] for r in rows) for k in keys}


# --- grouping ------------------------------------------------------------------------------------------

_GROUP_FIELDS = {
    "agency": ("agency_id", "agency__name", None),
    "receiving_unit": ("receiving_unit_id", "receiving_unit__name", None),
    "procedure": ("procedure_id", "procedure__name", "procedure__code"),
    "channel": ("channel", None, None),
}


def _safe_reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def report(
    user,
    agency,
    period: Period,
    group: str = "procedure",
    *,
    procedure_id: int | None = None,
    dossier_page: int = 1,
    dossier_rows: int = DOSSIER_PAGE_ROWS,
) -> Report:
    """The metrics of `agency`'s subtree over `period`, one row per `group` (see `GROUPS`), with totals.

    `procedure_id` narrows everything to one procedure (the drill-down's last level). Group "dossier"
    also lists page `dossier_page` of the dossiers, `dossier_rows` to a page."""
    if group not in GROUPS:
        raise ValueError(group)
    if group == "officer":
        return _officer_report(user, agency, period, procedure_id=procedure_id)
    aggregates = _dossier_aggregates(period)
    base = _dossier_base(user, agency, period)
    if procedure_id:
        base = base.filter(procedure_id=procedure_id)
    rows: list[Row] = []
    if group == "month":
        months = period.months()
        for part in months:
            part_base = _dossier_base(user, agency, part)
            if procedure_id:
                part_base = part_base.filter(procedure_id=procedure_id)
            raw = part_base.aggregate(**_dossier_aggregates(part))
            rows.append(
                Row(key=part.first.isoformat(), label=f"{part.first:%m/%Y}", raw=_clean(raw, DOSSIER_RAW))
            )
        # One month is its own total; over several, carried-over and pending do not add up.
        total_raw = rows[0].raw if len(months) == 1 else _clean(base.aggregate(**aggregates), DOSSIER_RAW)
        total = Row(key=None, label=_("Tổng cộng"), raw=dict(total_raw))
    elif group == "dossier":
        total = Row(key=None, label=_("Tổng cộng"), raw=_clean(base.aggregate(**aggregates), DOSSIER_RAW))
    else:
        key_field, label_field, code_field = _GROUP_FIELDS[group]
        fields = [f for f in (key_field, label_field, code_field) if f]
        labels = dict(Channel.choices)
        for raw in base.order_by().values(*fields).annotate(**aggregates).order_by(*fields[::-1]):
            label = (
                str(labels.get(raw[key_field], raw[key_field])) if group == "channel" else raw[label_field]
            )
            rows.append(
                Row(
                    key=raw[key_field],
                    label=label or "—",
                    code=raw[code_field] if code_field else "",
                    raw=_clean(raw, DOSSIER_RAW),
                )
            )
        rows.sort(key=lambda r: (r.code or "", r.label))
        total = Row(key=None, label=_("Tổng cộng"), raw=_sum_rows(rows, DOSSIER_RAW))
    for row in rows:
        row.derive("dossier")
    total.derive("dossier")
    result = Report(
        agency=agency,
        period=period,
        group=group,
        kind="dossier",
        columns=_columns("dossier"),
        rows=rows,
        total=total,
    )
    if group == "dossier":
        result.dossier_offset = (max(1, dossier_page) - 1) * dossier_rows
        result.dossiers, result.truncated = dossier_lines(
            user, agency, period, procedure_id=procedure_id, offset=result.dossier_offset, limit=dossier_rows
        )
    return result


# --- the officer report ------------------------------------------------------------------------------


def _officer_report(user, agency, period: Period, *, procedure_id=None) -> Report:
    from django.contrib.auth import get_user_model

    start, end = period.start, period.end
    items = WorkItem.objects.visible_to(user).filter(agency__path__startswith=agency.path)
    if procedure_id:
        items = items.filter(dossier__procedure_id=procedure_id)
    done = (
        items.filter(status="done", completed_at__gte=start, completed_at__lt=end, completed_by__isnull=False)
        .exclude(outcome__in=NOT_WORKED)
        .order_by()
        .values("completed_by")
        .annotate(
            items_done=Count("pk"),
            items_early=Count("pk", filter=Q(timeliness=Timeliness.EARLY)),
            items_on_time=Count("pk", filter=Q(timeliness=Timeliness.ON_TIME)),
            items_late=Count("pk", filter=Q(timeliness=Timeliness.LATE)),
            used_seconds=Coalesce(Sum("used_seconds"), 0),
        )
    )
    open_at_end = Q(started_at__lt=end) & (Q(completed_at__isnull=True) | Q(completed_at__gte=end))
    pending = (
        items.filter(open_at_end)
        .order_by()
        .values("assignee")
        .annotate(
            items_pending_overdue=Count("pk", filter=Q(due_at__lt=end)),
            items_pending_in_time=Count("pk", filter=Q(due_at__gte=end)),
        )
    )
    figures: dict = {}
    for raw in done:
        figures.setdefault(raw["completed_by"], {}).update(raw)
    for raw in pending:
        figures.setdefault(raw["assignee"], {}).update(raw)
    people = get_user_model().objects.in_bulk([pk for pk in figures if pk is not None])
    rows = []
    for pk, raw in figures.items():
        person = people.get(pk)
        label = (person.get_full_name() or person.username) if person else _("(chưa giao người xử lý)")
        rows.append(
            Row(key=pk, label=label, code=person.username if person else "", raw=_clean(raw, OFFICER_RAW))
        )
    rows.sort(key=lambda r: (r.key is None, r.label))
    total = Row(key=None, label=_("Tổng cộng"), raw=_sum_rows(rows, OFFICER_RAW))
    for row in [*rows, total]:
        row.derive("officer")
    return Report(
        agency=agency,
        period=period,
        group="officer",
        kind="officer",
        columns=_columns("officer"),
        rows=rows,
        total=total,
    )


# --- the dossier level of the drill-down ------------------------------------------------------------


def dossier_lines(
    user, agency, period: Period, *, procedure_id=None, offset: int = 0, limit: int = DOSSIER_PAGE_ROWS
):
    """One line per dossier counted in the period, with where it falls and its indices: `limit` lines
    after the first `offset`, in order of reception.

    Returns (lines, more): `more` says whether lines follow."""
    start, end = period.start, period.end
    base = _dossier_base(user, agency, period).annotate(paused=_paused_at(end))
    if procedure_id:
        base = base.filter(procedure_id=procedure_id)
    rows = list(
        base.select_related("procedure", "clock", "agency")
        .order_by("received_at", "pk")
        .only(
            "code",
            "applicant_name",
            "received_at",
            "settled_at",
            "closed_at",
            "timeliness",
            "worst_hand_over",
            "status",
            "channel",
            "procedure__code",
            "procedure__name",
            "clock__due_at",
            "agency__name",
        )[offset : offset + limit + 1]
    )
    lines = []
    for d in rows[:limit]:
        settled = d.settled_at is not None and start <= d.settled_at < end
        closed = d.closed_at is not None and start <= d.closed_at < end
        is_open = (d.settled_at is None or d.settled_at >= end) and (
            d.closed_at is None or d.closed_at >= end
        )
        due = d.clock.due_at if d.clock_id else None
        if settled:
            state = Timeliness(d.timeliness).label if d.timeliness else _("Đã giải quyết")
            state = _("Đã giải quyết — %(t)s") % {"t": state}
        elif closed:
            state = _("Dừng, rút")
        elif is_open and d.paused:
            state = _("Tạm dừng (chờ bổ sung)")
        elif is_open and due is not None and due < end:
            state = _("Chưa giải quyết — quá hạn")
        else:
            state = _("Chưa giải quyết — trong hạn")
        lines.append(
            {
                "pk": d.pk,
                "code": d.code,
                "url": _safe_reverse("dossiers:detail", d.pk),
                "applicant": d.applicant_name,
                "procedure": d.procedure.name,
                "agency": d.agency.name,
                "agency_id": d.agency_id,
                "channel": str(Channel(d.channel).label),
                "carried_over": d.received_at < start,
                "received_at": d.received_at,
                "due_at": due,
                "settled_at": d.settled_at,
                "state": state,
                "index1": INDEX1_POINTS.get(d.timeliness, INDEX1_OTHERWISE) if settled else None,
                "index2": INDEX2_POINTS.get(d.worst_hand_over, INDEX2_OTHERWISE) if settled else None,
            }
        )
    return lines, len(rows) > limit


def default_group(agency) -> str:
    """A province (or any agency with agencies under it) starts at its agencies; an agency at its
    procedures."""
    from eiso.organizations.models import Agency

    below = Agency.objects.filter(path__startswith=agency.path, dossiers__isnull=False).exclude(pk=agency.pk)
    return "agency" if below.exists() else "procedure"
