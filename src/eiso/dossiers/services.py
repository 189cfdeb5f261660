"""Writes of dossier processing (xử lý hồ sơ TTHC theo cơ chế một cửa), domain.md §4–5.

Every transition runs in one transaction that first locks the dossier row (`SELECT … FOR UPDATE`; on
SQLite the IMMEDIATE transaction serialises writers), checks the state machine (`machine`), the actor's
right (`rules`) and — for a work item — that it is still open, so two officers completing the same step
at once get one success and one clear conflict. Each transition writes its hand-over (form 06 row) and
ends with an audit event. The legal clock is the dossier's `calendars.ClockRecord`, changed through
`calendars.services.clock_event`; step budgets use `StepBudget` on the agency's working calendar.

Work items follow the internal-process design pinned at reception: a step's transitions (or the next
step by number) say what opens next; several `always` targets open in parallel and the step they meet
at opens when the last branch is done; an approval step goes on by its `agreed` / `not_agreed`
transitions. Reaching a "return to applicant" step or the end means the result is ready (the clock
finishes there and the dossier is counted early / on time / late).

Who works on a step: the design names units and roles in free text, so each step gets a role code
(`role_for_step`): the first step and "return to applicant" go to the one-stop receiver; text naming the
chairman / director / head of the agency to the agency head; other leaders ("Lãnh đạo phòng",
"Trưởng phòng") to a unit head; everything else to an officer. When nobody in the agency holds that
role, the item goes to the agency head, who can always re-assign it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from eiso.accounts import roles
from eiso.calendars import adapter
from eiso.calendars import services as clock_services
from eiso.calendars.clock import StepBudget, classify
from eiso.calendars.models import ClockRecord
from eiso.core import audit, rows
from eiso.core.audit import record_event
from eiso.core.errors import Conflict, DomainError, PermissionRefused
from eiso.core.text import vi_fold
from eiso.dossiers import machine
from eiso.dossiers import rules as dossier_rules
from eiso.dossiers.models import (
    BookEntry,
    DailySerial,
    Dossier,
    DossierComponent,
    HandOver,
    HandOverAction,
    IdempotencyKey,
    Outcome,
    Risk,
    Status,
    Timeliness,
    TrackingBook,
    WorkItem,
    WorkStatus,
)
from eiso.organizations.models import Agency
from eiso.processes.design.model import END, ProcessDesign
from eiso.processes.models import ProcessVersion

ONE_WORKING_DAY = datetime.timedelta(hours=8)
SUPPLEMENT_WINDOW_DAYS = 3
AT_RISK_SHARE = Decimal("0.75")  # a step is "at risk" once three quarters of its time is used
CHANNEL_TO_DESIGN = {"direct": "in_person", "online": "online", "postal": "postal"}
OUTCOMES = ("received", "supplement", "refused")


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return (at or timezone.now()).replace(microsecond=0)


def _refuse_transition(dossier: Dossier, action: str) -> None:
    try:
        machine.next_state(dossier.status, action)
    except machine.TransitionRefused as exc:
        raise DomainError(_(exc.message_vi), code="transition_refused") from None


# The dossier lock runs on every transition, so its statements are built once (core/rows.py): the
# dossier with its agency and the stamp of its process version (enough to find the parsed design; the
# rest of the version loads if read), then its clock, then (for a work item's transition) the item.
_DOSSIER_SPEC = (Dossier, rows.attnames(Dossier))
_AGENCY_SPEC = (Agency, rows.attnames(Agency))
_CLOCK_SPEC = (ClockRecord, rows.attnames(ClockRecord))
_VERSION_SPEC = (ProcessVersion, ("id", "updated_at"))
_ITEM_SPEC = (WorkItem, rows.attnames(WorkItem))
_LOCK_SPECS = (_DOSSIER_SPEC, _AGENCY_SPEC, _VERSION_SPEC)


def _row_lock(alias: str) -> str:
    """The lock clause for rows a transition changes. NO KEY: inserts elsewhere that reference the row
    (their foreign-key check) do not wait for it; writers of the row still queue."""
    if connection.vendor == "postgresql":
        return f" FOR NO KEY UPDATE OF {alias}"
    return f" FOR UPDATE OF {alias}" if connection.features.has_select_for_update_of else ""


@cache
def _lock_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {rows.columns('d', *_DOSSIER_SPEC)}, {rows.columns('a', *_AGENCY_SPEC)}, "  # noqa: S608
        f"{rows.columns('v', *_VERSION_SPEC)} "
        f"FROM {quote(Dossier._meta.db_table)} d "
        f"JOIN {quote(Agency._meta.db_table)} a ON a.id = d.agency_id "
        f"JOIN {quote(ProcessVersion._meta.db_table)} v ON v.id = d.process_version_id "
        f"WHERE d.id = %s{_row_lock('d')}"
    )


@cache
def _clock_sql(vendor: str) -> str:
    """The dossier's clock, read in a statement of its own after the dossier's lock: a join under the
    lock could return a clock older than the change that lock waited for."""
    quote = connection.ops.quote_name
    return (
        f"SELECT {rows.columns('c', *_CLOCK_SPEC)} FROM {quote(ClockRecord._meta.db_table)} c "  # noqa: S608
        f"WHERE c.id = (SELECT clock_id FROM {quote(Dossier._meta.db_table)} WHERE id = %s){_row_lock('c')}"
    )


@cache
def _item_sql(vendor: str) -> str:
    table = connection.ops.quote_name(WorkItem._meta.db_table)
    return (
        f"SELECT {rows.columns('i', *_ITEM_SPEC)}, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {table} c WHERE c.parent_id = i.id AND c.status = %s) "
        f"FROM {table} i WHERE i.id = %s{_row_lock('i')}"
    )


def _dossier_queries(dossier_id: int) -> list:
    return [
        (_lock_sql(connection.vendor), [dossier_id], _LOCK_SPECS),
        (_clock_sql(connection.vendor), [dossier_id], [_CLOCK_SPEC]),
    ]


def _lock(dossier_id: int) -> Dossier:
    """Lock the dossier and its clock, and read both (with the agency and the process version)."""
    return _locked_dossier(dossier_id, *rows.fetch_each(_dossier_queries(dossier_id)))


def _locked_dossier(dossier_id: int, found: rows.Found, clock_found: rows.Found) -> Dossier:
    if found is None:
        raise Dossier.DoesNotExist(f"dossier {dossier_id}")
    (dossier, agency, version), _extra = found
    dossier.agency, dossier.process_version = agency, version
    dossier.clock = clock_found[0][0] if clock_found is not None else None
    if dossier.clock is not None and dossier.clock.agency_id == agency.pk:
        dossier.clock.agency = agency
    return dossier


def _lock_item(item: WorkItem, *, chain_head: bool = False) -> tuple[Dossier, WorkItem, str | None]:
    """Lock the item's dossier, its clock and the item, and read them, in one round trip (always in
    this order, so two transitions never deadlock).

    An item never changes dossier, so the caller's copy names it; the item itself is read again under
    the lock, with the number of its consultations still open (`open_consultations`).

    `chain_head`: also take the audit chain's lock and read its head, after the row locks, for the
    transition's first event (`record_event(head=...)`). Only for a transition that locks no other row
    afterwards: a writer that holds a row and waits for the chain (the scan, a calendar recompute) would
    otherwise deadlock with it."""
    dossier_id = item.dossier_id or WorkItem.objects.values_list("dossier_id", flat=True).get(pk=item.pk)
    locked, clock, found, *chain = rows.fetch_each(
        [
            *_dossier_queries(dossier_id),
            (_item_sql(connection.vendor), [WorkStatus.OPEN, item.pk], [_ITEM_SPEC]),
            *(audit.head_queries() if chain_head else ()),
        ]
    )
    dossier = _locked_dossier(dossier_id, locked, clock)
    if found is None:
        raise WorkItem.DoesNotExist(f"work item {item.pk}")
    (item,), (item.open_consultations,) = found
    # The item's agency (and, nearly always, its unit) is the dossier's, just read: no second join.
    item.dossier = dossier
    if item.agency_id == dossier.agency_id:
        item.agency = dossier.agency
    if item.unit_id == dossier.agency_id:
        item.unit = dossier.agency
    return dossier, item, audit.head_of(chain) if chain_head else None


def _begin_item_action(
    actor, item: WorkItem, action: str, *, chain_head: bool = False
) -> tuple[Dossier, WorkItem, str | None]:
    """The prologue of every transition on a work item: lock, still open, allowed now, allowed to you.
    Also returns the audit chain's head if asked (see `_lock_item`)."""
    dossier, item, head = _lock_item(item, chain_head=chain_head)
    _require_open_item(item)
    _refuse_transition(dossier, action)
    _require_item_actor(actor, item)
    return dossier, item, head


def _require_open_item(item: WorkItem) -> None:
    if item.status != WorkStatus.OPEN:
        who = (
            item.completed_by.get_full_name() or item.completed_by.get_username() if item.completed_by else ""
        )
        when = timezone.localtime(item.completed_at).strftime("%H:%M %d/%m/%Y") if item.completed_at else ""
        raise Conflict(
            _("Bước “%(step)s” đã được xử lý%(by)s%(at)s; hãy tải lại trang để xem trạng thái mới.")
            % {
                "step": item.step_name,
                "by": _(" bởi %(who)s") % {"who": who} if who else "",
                "at": _(" lúc %(when)s") % {"when": when} if when else "",
            }
        )


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


_DESIGNS: dict[tuple, ProcessDesign] = {}


def design_of(dossier: Dossier) -> ProcessDesign:
    """The pinned design, parsed once per process version.

    Versions in force never change, so (id, last change) names one design; the JSON column is read
    only on a miss (`_lock` defers it)."""
    version = dossier.process_version
    key = (version.pk, version.updated_at)
    design = _DESIGNS.get(key)
    if design is None:
        if len(_DESIGNS) > 512:
            _DESIGNS.clear()
        stored = type(version).objects.values_list("design", flat=True).get(pk=version.pk)
        design = _DESIGNS[key] = ProcessDesign.from_dict(stored)
    return design


# --- who works on a step ---------------------------------------------------------------------------

_HEAD_WORDS = (
    "chu tich",
    "giam doc",
    "thu truong",
    "lanh dao ubnd",
    "lanh dao so",
    "lanh dao co quan",
    "bo truong",
)
_UNIT_HEAD_WORDS = ("lanh dao", "truong phong", "pho truong phong", "chanh van phong")


def role_for_step(step, first_number: int) -> str:
    text = vi_fold(f"{step.role} {step.unit}")
    if step.kind == "return_to_applicant" or step.number == first_number:
        return roles.RECEIVER
    if any(word in text for word in _HEAD_WORDS):
        return roles.AGENCY_HEAD
    if any(word in text for word in _UNIT_HEAD_WORDS):
        return roles.UNIT_HEAD
    return roles.AGENCY_HEAD if step.kind == "approval" else roles.OFFICER


def _ancestor_paths(path: str) -> list[str]:
    from eiso.organizations.models import PATH_STEP

    step = PATH_STEP + 1
    return [path[: i + step] for i in range(0, len(path), step)]


def _role_available(agency, role_code: str) -> bool:
    from eiso.accounts.models import Membership

    cache = _role_available.cache  # type: ignore[attr-defined]
    key = (agency.pk, role_code, timezone.localdate())
    if key not in cache:
        if len(cache) > 4096:
            cache.clear()
        cache[key] = (
            Membership.objects.active_on()
            .filter(role__code=role_code)
            .filter(agency__path__in=_ancestor_paths(agency.path))
            .exists()
        )
    return cache[key]


_role_available.cache = {}  # type: ignore[attr-defined]


def _budget(dossier: Dossier, hours) -> StepBudget:
    return StepBudget(adapter.calendar_for(dossier.agency), float(hours))


def _open_item(
    dossier: Dossier,
    step,
    first_number: int,
    started_at: datetime.datetime,
    *,
    assignee=None,
    parent: WorkItem | None = None,
    writer=rows,
) -> WorkItem:
    role = role_for_step(step, first_number)
    if assignee is None and not _role_available(dossier.agency, role):
        role = roles.AGENCY_HEAD
    hours = Decimal(step.hours)
    budget = _budget(dossier, hours)
    at_risk = _budget(dossier, hours * AT_RISK_SHARE)
    return writer.insert(
        WorkItem(
            dossier=dossier,
            agency=dossier.agency,
            parent=parent,
            step_number=step.number,
            step_name=step.name[:500],
            kind=step.kind,
            owner_label=step.owner[:500],
            role_code=role,
            unit=dossier.agency,
            assignee=assignee,
            allotted_hours=hours,
            started_at=started_at,
            due_at=budget.due(started_at),
            at_risk_at=at_risk.due(started_at),
        )
    )


def _close_item(
    item: WorkItem, *, actor, at: datetime.datetime, outcome: str, note: str, writer=rows
) -> tuple[int, str]:
    budget = StepBudget(adapter.calendar_for(item.agency), float(item.allotted_hours))
    used = int(budget.used(item.started_at, at).total_seconds())
    timeliness = classify(adapter.calendar_for(item.agency).to_local(at), item.due_at)
    item.status = WorkStatus.DONE if outcome != Outcome.CANCELLED else WorkStatus.CANCELLED
    item.completed_at, item.completed_by, item.outcome = at, actor, outcome
    item.used_seconds, item.timeliness, item.note = used, timeliness, note
    item.risk = ""
    writer.update(
        item,
        [
            "status",
            "completed_at",
            "completed_by",
            "outcome",
            "used_seconds",
            "timeliness",
            "note",
            "risk",
        ],
    )
    return used, timeliness


def _hand_over(
    dossier: Dossier,
    *,
    action: str,
    actor,
    at: datetime.datetime,
    from_label: str,
    to_label: str = "",
    item: WorkItem | None = None,
    used: int | None = None,
    timeliness: str = "",
    note: str = "",
    writer=rows,
) -> HandOver:
    allotted = int(item.allotted_hours * 3600) if item is not None else None
    return writer.insert(
        HandOver(
            dossier=dossier,
            work_item=item,
            action=action,
            from_label=from_label[:500],
            to_label=to_label[:500],
            given_by=actor if getattr(actor, "is_authenticated", False) else None,
            given_at=at,
            received_at=at,
            allotted_seconds=allotted,
            used_seconds=used,
            timeliness=timeliness,
            note=note,
        )
    )


def _item_label(item: WorkItem, actor) -> str:
    who = _person(actor) or item.owner_label
    return f"{_('Bước')} {item.step_number}. {item.step_name} — {who}"


def _step_label(step) -> str:
    return f"{_('Bước')} {step.number}. {step.name} — {step.owner}"


def _save_dossier(dossier: Dossier, *fields: str, writer=rows) -> None:
    writer.update(dossier, [*fields, "updated_at"])


def _audit(
    actor,
    verb: str,
    dossier: Dossier,
    *,
    before=None,
    after=None,
    reason: str = "",
    writer=rows,
    head: str | None = None,
):
    """Record the event (`writer` and `head` as in `record_event`)."""
    return record_event(
        actor=actor,
        verb=verb,
        obj=dossier,
        agency=dossier.agency,
        before=before,
        after=after,
        reason=reason,
        writer=writer,
        head=head,
    )


# --- codes, book, reception ------------------------------------------------------------------------


def circular_01_2018_code(agency, day: datetime.date, serial: int) -> str:
    """`<agency electronic identifier>-YYMMDD-XXXX` (Circular 01/2018/TT-VPCP, domain.md §4)."""
    if not agency.electronic_id:
        raise DomainError(
            _("Cơ quan “%(agency)s” chưa có mã định danh điện tử nên chưa cấp được mã hồ sơ.")
            % {"agency": agency.name},
            code="no_electronic_id",
        )
    return f"{agency.electronic_id}-{day:%y%m%d}-{serial:04d}"


def code_generator():
    return import_string(
        getattr(settings, "EISO_DOSSIER_CODE_GENERATOR", "eiso.dossiers.services.circular_01_2018_code")
    )


def _next_serial(agency, day: datetime.date) -> int:
    """Daily serial of `agency`, unique under concurrency: insert-if-missing, then lock and count."""
    DailySerial.objects.bulk_create([DailySerial(agency=agency, day=day, last=0)], ignore_conflicts=True)
    DailySerial.objects.filter(agency=agency, day=day).update(last=F("last") + 1)
    return DailySerial.objects.values_list("last", flat=True).get(agency=agency, day=day)


def _book_entry(dossier: Dossier) -> BookEntry:
    year = timezone.localtime(dossier.received_at).year
    unit = dossier.receiving_unit
    TrackingBook.objects.bulk_create([TrackingBook(unit=unit, year=year)], ignore_conflicts=True)
    book = TrackingBook.objects.select_for_update().get(unit=unit, year=year)
    if book.locked_at is not None:
        raise DomainError(
            _("Sổ theo dõi hồ sơ năm %(year)s của %(unit)s đã khóa.") % {"year": year, "unit": unit.name},
            code="book_locked",
        )
    book.last_number += 1
    book.save(update_fields=["last_number"])
    return BookEntry.objects.create(book=book, number=book.last_number, dossier=dossier)


def process_version_for(agency, procedure, day: datetime.date):
    return (
        ProcessVersion.objects.in_force(day)
        .filter(process__agency=agency, procedures=procedure)
        .order_by("-valid_from", "-pk")
        .first()
    )


def _time_limit(procedure_version, process_version, channel: str):
    limit = procedure_version.time_limits.get(channel)
    if limit is not None and limit.stated:
        return limit.value, limit.unit, limit.counting_mode, limit.cutoff
    hours = ProcessDesign.from_dict(process_version.design).limit_for(CHANNEL_TO_DESIGN.get(channel, channel))
    if hours:
        return hours, "working_hours", "hours", None
    raise DomainError(
        _("Thủ tục chưa quy định thời hạn giải quyết cho cách thức nộp “%(channel)s”.")
        % {"channel": channel},
        field="channel",
    )


def _fees(procedure_version, channel: str) -> Decimal:
    for row in procedure_version.channels.all():
        if row.channel == channel:
            return sum((fee.amount or Decimal(0) for fee in row.fees.all()), Decimal(0))
    return Decimal(0)


@dataclass
class Applicant:
    name: str
    kind: str = "person"
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class ComponentLine:
    name: str
    original: bool = False
    quantity: int = 1
    received: bool = True
    required: bool = True


def _validate_applicant(applicant: Applicant) -> None:
    if not applicant.name.strip():
        raise DomainError(_("Cần ghi tên người nộp hồ sơ hoặc tổ chức."), field="applicant_name")
    phone = applicant.phone.replace(" ", "").replace(".", "")
    if phone and not (phone.lstrip("+").isdigit() and 8 <= len(phone.lstrip("+")) <= 15):
        raise DomainError(
            _("Số điện thoại “%(phone)s” không hợp lệ.") % {"phone": applicant.phone}, field="applicant_phone"
        )
    if applicant.kind not in ("person", "organisation"):
        raise DomainError(_("Loại người nộp không hợp lệ."), field="applicant_kind")


@transaction.atomic
def receive(
    *,
    actor,
    agency,
    procedure,
    channel: str,
    applicant: Applicant,
    components: list[ComponentLine] = (),
    outcome: str = "received",
    case_name: str = "",
    sets: int = 1,
    fee_amount: Decimal | None = None,
    missing_note: str = "",
    refusal_reason: str = "",
    receiving_unit=None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """Tiếp nhận hồ sơ at the counter: received (form 01), supplement requested (form 02) or refused (form 03)."""
    at = _now(at)
    if not dossier_rules.can_receive(actor, agency):
        raise PermissionRefused(_("Bạn không có quyền tiếp nhận hồ sơ của cơ quan này."))
    if outcome not in OUTCOMES:
        raise DomainError(_("Kết quả tiếp nhận không hợp lệ."), field="outcome")
    if channel not in CHANNEL_TO_DESIGN:
        raise DomainError(_("Cách thức nộp hồ sơ không hợp lệ."), field="channel")
    _validate_applicant(applicant)
    if not 1 <= int(sets) <= 99:
        raise DomainError(_("Số bộ hồ sơ phải từ 1 đến 99."), field="sets")
    missing = [c.name for c in components if c.required and not c.received]
    if outcome == "received" and missing:
        raise DomainError(
            _("Hồ sơ còn thiếu: %(names)s. Hãy chọn “Yêu cầu bổ sung” (mẫu 02) thay vì tiếp nhận.")
            % {"names": "; ".join(missing)},
            field="components",
        )
    if outcome == "supplement" and not (missing or missing_note.strip()):
        raise DomainError(
            _("Yêu cầu bổ sung phải nêu đầy đủ, một lần các giấy tờ còn thiếu."), field="missing_note"
        )
    if outcome == "refused" and not refusal_reason.strip():
        raise DomainError(_("Từ chối tiếp nhận phải nêu rõ lý do."), field="refusal_reason")

    day = timezone.localtime(at).date()
    procedure_version = procedure.current_version
    if procedure_version is None:
        raise DomainError(_("Thủ tục chưa có phiên bản đang áp dụng."), field="procedure")
    process_version = process_version_for(agency, procedure, day)
    if process_version is None:
        raise DomainError(
            _("Cơ quan chưa có quy trình nội bộ đang áp dụng cho thủ tục %(code)s; chưa thể tiếp nhận.")
            % {"code": procedure.code},
            field="procedure",
        )
    limit = _time_limit(procedure_version, process_version, channel)

    code = code_generator()(agency, day, _next_serial(agency, day))
    if outcome == "supplement":
        missing_note = "\n".join(filter(None, [*missing, missing_note.strip()]))
    dossier = Dossier.objects.create(
        agency=agency,
        receiving_unit=receiving_unit or agency,
        code=code,
        lookup_secret=f"{secrets.randbelow(10**6):06d}",
        procedure=procedure,
        procedure_version=procedure_version,
        process_version=process_version,
        case_name=case_name[:1000],
        channel=channel,
        status={"received": Status.PROCESSING, "supplement": Status.COUNTER_SUPPLEMENT}.get(
            outcome, Status.COUNTER_REFUSED
        ),
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip()[:255],
        applicant_id_number=applicant.id_number.strip()[:20],
        applicant_address=applicant.address.strip()[:500],
        applicant_phone=applicant.phone.strip()[:20],
        applicant_email=applicant.email.strip(),
        sets=sets,
        fee_amount=_fees(procedure_version, channel) if fee_amount is None else fee_amount,
        missing_note=missing_note,
        # form 02 given at the counter keeps its date when the completed dossier is received later
        supplement_requested_at=at if outcome == "supplement" else None,
        refusal_reason=refusal_reason.strip(),
        received_at=at,
        received_by=actor if getattr(actor, "is_authenticated", False) else None,
        search_text=vi_fold(f"{code} {applicant.name} {applicant.phone} {procedure.code} {procedure.name}")[
            :600
        ],
    )
    DossierComponent.objects.bulk_create(
        DossierComponent(
            dossier=dossier,
            name=c.name,
            original=c.original,
            quantity=c.quantity,
            received=c.received,
            required=c.required,
            order=i,
        )
        for i, c in enumerate(components)
    )
    if outcome == "received":
        _start_processing(dossier, actor=actor, at=at, limit=limit)
    verb = {"received": "dossier.receive", "supplement": "dossier.counter_supplement"}.get(
        outcome, "dossier.counter_refuse"
    )
    _audit(actor, verb, dossier, after={"code": code, "status": dossier.status})
    return dossier


def _start_processing(dossier: Dossier, *, actor, at: datetime.datetime, limit) -> None:
    amount, unit, mode, cutoff = limit
    record = clock_services.start_clock(
        actor=actor,
        subject=dossier.code,
        received_at=at,
        amount=float(amount),
        unit=unit,
        mode=mode,
        agency=dossier.agency,
        cutoff=cutoff,
    )
    dossier.clock = record
    dossier.original_appointment_at = record.due_at
    dossier.received_at = at
    design = design_of(dossier)
    first = design.steps[0]
    item = _open_item(
        dossier,
        first,
        first.number,
        at,
        assignee=actor if getattr(actor, "is_authenticated", False) else None,
    )
    dossier.current_step = item.step_name
    _save_dossier(dossier, "clock", "original_appointment_at", "received_at", "current_step")
    _book_entry(dossier)
    _hand_over(
        dossier,
        action=HandOverAction.RECEIVE,
        actor=actor,
        at=at,
        from_label=_("Người nộp: %(name)s") % {"name": dossier.applicant_name},
        to_label=_item_label(item, actor),
    )


@transaction.atomic
def receive_completed(*, actor, dossier: Dossier, at: datetime.datetime | None = None) -> Dossier:
    """The applicant brought everything the counter asked for (form 02): the dossier is received now."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "receive")
    if not dossier_rules.can_receive(actor, dossier.agency):
        raise PermissionRefused(_("Bạn không có quyền tiếp nhận hồ sơ của cơ quan này."))
    limit = _time_limit(dossier.procedure_version, dossier.process_version, dossier.channel)
    dossier.components.filter(received=False).update(received=True)
    dossier.status = Status.PROCESSING
    _save_dossier(dossier, "status")
    _start_processing(dossier, actor=actor, at=at, limit=limit)
    _audit(actor, "dossier.receive", dossier, after={"status": dossier.status})
    return dossier


def receive_idempotent(*, actor, key: str, fingerprint: dict, **kwargs) -> tuple[Dossier, bool]:
    """`receive` once per (user, Idempotency-Key): a retry returns the first dossier (created=False).

    The key row is inserted in the same transaction as the dossier, so a retry running concurrently
    waits for the first one and then finds its dossier; a retry with a different body is refused.
    """
    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True, default=str).encode()).hexdigest()
    key = key.strip()[:255]
    if not key:
        raise DomainError(_("Idempotency-Key không được để trống."), field="Idempotency-Key")
    existing = IdempotencyKey.objects.filter(user=actor, key=key).select_related("dossier").first()
    if existing is None:
        try:
            with transaction.atomic():
                stored = IdempotencyKey.objects.create(user=actor, key=key, fingerprint=digest)
                dossier = receive(actor=actor, **kwargs)
                stored.dossier = dossier
                stored.save(update_fields=["dossier"])
                return dossier, True
        except IntegrityError:
            existing = IdempotencyKey.objects.select_related("dossier").get(user=actor, key=key)
    if existing.fingerprint != digest:
        raise Conflict(
            _("Idempotency-Key này đã được dùng cho một yêu cầu khác."), code="idempotency_mismatch"
        )
    return existing.dossier, False


# --- work items ------------------------------------------------------------------------------------


def _successors(design: ProcessDesign, step, outcome: str) -> list:
    if step.transitions:
        wanted = {"always", outcome} if outcome in ("agreed", "not_agreed") else {"always"}
        return [t.target for t in step.transitions if t.condition in wanted]
    later = [s.number for s in design.steps if s.number > step.number]
    return [min(later)] if later else [END]


def _all_successors(design: ProcessDesign, step) -> set:
    if step.transitions:
        return {t.target for t in step.transitions}
    later = [s.number for s in design.steps if s.number > step.number]
    return {min(later)} if later else {END}


def _require_item_actor(actor, item: WorkItem) -> None:
    if not dossier_rules.can_act_on_item(actor, item):
        raise PermissionRefused(_("Việc “%(step)s” không được giao cho bạn.") % {"step": item.step_name})


@transaction.atomic
def claim(*, actor, item: WorkItem) -> WorkItem:
    """Nhận xử lý: take an item waiting in the unit's pool."""
    dossier, item, _head = _lock_item(item)
    _refuse_transition(dossier, "claim")
    _require_open_item(item)
    if item.assignee_id is not None:
        if item.assignee_id == actor.pk:
            return item
        raise Conflict(_("Việc này đã do %(who)s nhận xử lý.") % {"who": _person(item.assignee)})
    _require_item_actor(actor, item)
    item.assignee = actor
    item.save(update_fields=["assignee"])
    _audit(actor, "dossier.claim", dossier, after={"item": item.pk, "step": item.step_number})
    return item


@transaction.atomic
def complete_step(
    *,
    actor,
    item: WorkItem,
    outcome: str = Outcome.DONE,
    note: str = "",
    assignee=None,
    result_number: str = "",
    result_summary: str = "",
    returned_to: str = "",
    return_method: str = "",
    at: datetime.datetime | None = None,
) -> list[WorkItem]:
    """Hoàn thành bước và chuyển tiếp: close the item, record the hand-over, open the next step(s)."""
    at = _now(at)
    # A step locks no row after the first round trip (its clock and item are locked there; rows it
    # inserts only check their references), so it may take the chain's lock there too.
    dossier, item, head = _begin_item_action(actor, item, "complete_step", chain_head=True)
    if item.parent_id is not None:
        raise DomainError(_("Đây là việc lấy ý kiến: hãy ghi ý kiến trả lời."), code="is_consultation")
    if at < item.started_at:
        raise DomainError(_("Thời điểm hoàn thành không thể trước thời điểm nhận việc."), field="at")
    design = design_of(dossier)
    step = design.step(item.step_number)
    if item.kind == "approval":
        if outcome not in (Outcome.AGREED, Outcome.NOT_AGREED):
            raise DomainError(_("Bước phê duyệt cần chọn Đồng ý hoặc Không đồng ý."), field="outcome")
        if outcome == Outcome.NOT_AGREED and not note.strip():
            raise DomainError(_("Không đồng ý cần nêu lý do."), field="note")
    elif outcome != Outcome.DONE:
        raise DomainError(_("Kết quả không hợp lệ cho bước này."), field="outcome")
    if item.open_consultations:
        raise DomainError(
            _("Còn ý kiến của cơ quan khác chưa trả lời; chưa thể chuyển bước."), code="open_consultations"
        )
    if dossier.status == Status.RESULT_READY or item.kind == "return_to_applicant":
        if item.kind != "return_to_applicant":
            raise DomainError(_("Hồ sơ đã có kết quả."), code="transition_refused")
        _refuse_transition(dossier, "return_result")
        writer = rows.Batch()
        _return(
            dossier,
            actor=actor,
            items=[item],
            returned_to=returned_to,
            method=return_method,
            at=at,
            writer=writer,
            head=head,
        )
        writer.send()
        return []

    # The writes of a step go to the database in one round trip (core/rows.Batch); a read below that
    # depends on them (a parallel join looking at open items, finishing) sends them first.
    writer = rows.Batch()
    used, timeliness = _close_item(item, actor=actor, at=at, outcome=outcome, note=note, writer=writer)
    targets = _successors(design, step, outcome)
    opened: list[WorkItem] = []
    finishing = False
    first = design.steps[0].number
    for target in targets:
        nxt = None if target == END else design.step(target)
        if nxt is None or nxt.kind == "return_to_applicant":
            finishing = True
            if nxt is not None:
                opened.append(_open_item(dossier, nxt, first, at, writer=writer))
            continue
        if _branch_still_open(dossier, design, target, exclude=item.pk, pending=writer):
            continue
        holder = assignee or (
            _previous_holder(dossier, nxt.number) if nxt.number < item.step_number else None
        )
        opened.append(_open_item(dossier, nxt, first, at, assignee=holder, writer=writer))
    to_label = "; ".join(_step_label(design.step(o.step_number)) for o in opened) or _("Kết quả giải quyết")
    _hand_over(
        dossier,
        action=HandOverAction.COMPLETE,
        actor=actor,
        at=at,
        from_label=_item_label(item, actor),
        to_label=to_label,
        item=item,
        used=used,
        timeliness=timeliness,
        note=note,
        writer=writer,
    )
    if finishing:  # its read of the hand-over summary (this one included) sends the writes so far
        head = _finish(
            dossier,
            actor=actor,
            at=at,
            result_number=result_number,
            result_summary=result_summary,
            writer=writer,
            head=head,
        ).hash
    if opened:  # after finishing: the return step, over its "waiting for the result"
        dossier.current_step = "; ".join(o.step_name for o in opened)[:255]
        _save_dossier(dossier, "current_step", writer=writer)
    _audit(  # the last event of the step: its insert goes with the batch
        actor,
        "dossier.step",
        dossier,
        after={"item": item.pk, "step": item.step_number, "outcome": outcome, "timeliness": timeliness},
        writer=writer,
        head=head,
    )
    writer.send()
    return opened


def leads_to_result(dossier: Dossier, item: WorkItem, outcome: str = Outcome.DONE) -> bool:
    """Whether completing `item` with `outcome` finishes processing (the page then asks for the result
    number and summary). Read-only: used by the dossier page to show the right fields."""
    if item.parent_id is not None or item.kind == "return_to_applicant":
        return False
    design = design_of(dossier)
    step = design.step(item.step_number)
    if step is None:
        return False
    for target in _successors(design, step, outcome):
        nxt = None if target == END else design.step(target)
        if nxt is None or nxt.kind == "return_to_applicant":
            return True
    return False


def _has_parallel(design: ProcessDesign) -> bool:
    """Whether any step can open several steps at once (only then can a step have to wait for a join)."""
    return any(
        len(_successors(design, step, outcome)) > 1
        for step in design.steps
        for outcome in (Outcome.DONE, Outcome.AGREED, Outcome.NOT_AGREED)
    )


def _branch_still_open(
    dossier: Dossier, design: ProcessDesign, target: int, *, exclude: int, pending: rows.Batch
) -> bool:
    """Whether another parallel branch leading to `target` is still being worked on (join waits).

    It reads the open items, so the step's `pending` writes (items opened so far) are sent first."""
    if not _has_parallel(design):  # a design without a split has no branch to wait for
        return False
    pending.send()
    for number in (
        dossier.work_items.filter(status=WorkStatus.OPEN, parent__isnull=True)
        .exclude(pk=exclude)
        .values_list("step_number", flat=True)
    ):
        step = design.step(number)
        if step is not None and target in _all_successors(design, step):
            return True
    return False


def _previous_holder(dossier: Dossier, step_number: int):
    """Whoever last completed `step_number` of this dossier: a step sent back goes to the same person."""
    from django.contrib.auth import get_user_model

    previous = (
        dossier.work_items.filter(step_number=step_number, status=WorkStatus.DONE, completed_by__isnull=False)
        .order_by("-completed_at")
        .values_list("completed_by", flat=True)
        .first()
    )
    return get_user_model().objects.filter(pk=previous).first() if previous else None


def _cancel_open_items(dossier: Dossier, *, actor, at, outcome=Outcome.CANCELLED, note="") -> list[WorkItem]:
    items = list(dossier.work_items.filter(status=WorkStatus.OPEN).select_related("agency"))
    for item in items:
        _close_item(item, actor=actor, at=at, outcome=outcome, note=note)
    return items


@transaction.atomic
def return_to_step(
    *, actor, item: WorkItem, step_number: int, note: str, at: datetime.datetime | None = None
) -> WorkItem:
    """Trả lại bước N: the work goes back to an earlier step (e.g. appraisal again)."""
    at = _now(at)
    dossier, item, _head = _begin_item_action(actor, item, "return_to_step")
    if not note.strip():
        raise DomainError(_("Trả lại cần nêu lý do."), field="note")
    design = design_of(dossier)
    target = design.step(int(step_number))
    if target is None or target.number >= item.step_number:
        raise DomainError(
            _("Chỉ trả lại được một bước trước bước %(n)s của quy trình.") % {"n": item.step_number},
            field="step_number",
        )
    used, timeliness = _close_item(item, actor=actor, at=at, outcome=Outcome.RETURNED, note=note)
    for other in (
        dossier.work_items.filter(status=WorkStatus.OPEN).exclude(pk=item.pk).select_related("agency")
    ):
        _close_item(other, actor=actor, at=at, outcome=Outcome.CANCELLED, note=note)
    assignee = _previous_holder(dossier, target.number)
    reopened = _open_item(dossier, target, design.steps[0].number, at, assignee=assignee)
    _hand_over(
        dossier,
        action=HandOverAction.RETURN,
        actor=actor,
        at=at,
        from_label=_item_label(item, actor),
        to_label=_step_label(target),
        item=item,
        used=used,
        timeliness=timeliness,
        note=note,
    )
    dossier.current_step = reopened.step_name
    _save_dossier(dossier, "current_step")
    _audit(
        actor,
        "dossier.return_step",
        dossier,
        after={"from": item.step_number, "to": target.number},
        reason=note,
    )
    return reopened


@transaction.atomic
def forward(
    *, actor, item: WorkItem, to_user, note: str = "", at: datetime.datetime | None = None
) -> WorkItem:
    """Chuyển người xử lý: the same step, another person (the time of the step keeps running)."""
    at = _now(at)
    dossier, item, _head = _begin_item_action(actor, item, "forward")
    from eiso.accounts.scope import scope_for

    if to_user is None or not scope_for(to_user).contains(item.agency, writable=True):
        raise DomainError(_("Người nhận phải là cán bộ của cơ quan giải quyết hồ sơ."), field="to_user")
    before = item.assignee_id
    item.assignee = to_user
    item.save(update_fields=["assignee"])
    _hand_over(
        dossier,
        action=HandOverAction.FORWARD,
        actor=actor,
        at=at,
        from_label=_item_label(item, actor),
        to_label=f"{_('Bước')} {item.step_number}. {item.step_name} — {_person(to_user)}",
        item=item,
        note=note,
    )
    _audit(
        actor,
        "dossier.forward",
        dossier,
        before={"assignee": before},
        after={"assignee": to_user.pk},
        reason=note,
    )
    return item


@transaction.atomic
def consult(
    *, actor, item: WorkItem, body: str, hours, note: str = "", at: datetime.datetime | None = None
) -> WorkItem:
    """Lấy ý kiến: a sub-task to another body with its own deadline; the step waits for the answer."""
    at = _now(at)
    dossier, item, _head = _begin_item_action(actor, item, "consult")
    if not body.strip():
        raise DomainError(_("Cần ghi cơ quan được lấy ý kiến."), field="body")
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        hours = Decimal(-1)
    if not Decimal(0) < hours <= Decimal(8 * 60):
        raise DomainError(_("Thời hạn trả lời phải từ 0,5 giờ đến 60 ngày làm việc."), field="hours")
    budget = _budget(dossier, hours)
    child = WorkItem.objects.create(
        dossier=dossier,
        agency=dossier.agency,
        parent=item,
        step_number=item.step_number,
        step_name=(_("Lấy ý kiến: %(body)s") % {"body": body.strip()})[:500],
        kind="consultation",
        owner_label=body.strip()[:500],
        consulted_body=body.strip()[:255],
        role_code=item.role_code,
        unit=item.unit,
        assignee=actor,
        allotted_hours=hours,
        started_at=at,
        due_at=budget.due(at),
        at_risk_at=_budget(dossier, hours * AT_RISK_SHARE).due(at),
        note=note,
    )
    _hand_over(
        dossier,
        action=HandOverAction.CONSULT,
        actor=actor,
        at=at,
        from_label=_item_label(item, actor),
        to_label=body.strip(),
        item=child,
        note=note,
    )
    _audit(actor, "dossier.consult", dossier, after={"item": child.pk, "body": body.strip()})
    return child


@transaction.atomic
def answer_consultation(*, actor, item: WorkItem, note: str, at: datetime.datetime | None = None) -> WorkItem:
    """Ghi ý kiến trả lời của cơ quan được lấy ý kiến (early / on time / late against its deadline)."""
    at = _now(at)
    dossier, item, _head = _begin_item_action(actor, item, "answer_consultation")
    if item.parent_id is None:
        raise DomainError(_("Đây không phải việc lấy ý kiến."), code="not_consultation")
    if not note.strip():
        raise DomainError(_("Cần ghi nội dung ý kiến trả lời."), field="note")
    used, timeliness = _close_item(item, actor=actor, at=at, outcome=Outcome.DONE, note=note)
    _hand_over(
        dossier,
        action=HandOverAction.ANSWER,
        actor=actor,
        at=at,
        from_label=item.consulted_body,
        to_label=_item_label(item.parent, actor),
        item=item,
        used=used,
        timeliness=timeliness,
        note=note,
    )
    _audit(actor, "dossier.answer", dossier, after={"item": item.pk, "timeliness": timeliness})
    return item


# --- dossier-level decisions -----------------------------------------------------------------------


def _require_decider(actor, dossier: Dossier) -> None:
    if not dossier_rules.can_decide(actor, dossier):
        raise PermissionRefused(
            _("Chỉ người đang xử lý hồ sơ hoặc thủ trưởng cơ quan được thực hiện việc này.")
        )


def _require_desk(actor, dossier: Dossier) -> None:
    if not dossier_rules.can_close_for_applicant(actor, dossier):
        raise PermissionRefused(_("Bạn không có quyền thực hiện việc này với hồ sơ."))


def _clock(actor, dossier: Dossier, event: str, at, **kwargs) -> None:
    dossier.clock = clock_services.clock_event(
        actor=actor, record=dossier.clock, event=event, at=at, **kwargs
    )


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@transaction.atomic
def request_supplement(
    *, actor, dossier: Dossier, missing_note: str, at: datetime.datetime | None = None
) -> Dossier:
    """Yêu cầu bổ sung sau thẩm định (form 02): within 3 working days of reception; the clock waits."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "request_supplement")
    _require_decider(actor, dossier)
    if not missing_note.strip():
        raise DomainError(_("Phải nêu đầy đủ, một lần các nội dung cần bổ sung."), field="missing_note")
    window = (
        adapter.calendar_for(dossier.agency)
        .add(dossier.received_at, SUPPLEMENT_WINDOW_DAYS, "working_days")
        .due
    )
    if at > window:
        raise DomainError(
            _("Chỉ được yêu cầu bổ sung trong 03 ngày làm việc kể từ khi tiếp nhận (đến %(due)s).")
            % {"due": _fmt(window)},
            code="supplement_window",
        )
    items = _cancel_open_items(dossier, actor=actor, at=at, outcome=Outcome.SUPPLEMENT, note=missing_note)
    _clock(actor, dossier, "pause", at)
    dossier.status = Status.SUPPLEMENT_REQUESTED
    dossier.supplement_count += 1
    dossier.supplement_requested_at = at
    dossier.missing_note = missing_note.strip()
    _save_dossier(dossier, "status", "supplement_count", "supplement_requested_at", "missing_note", "clock")
    _hand_over(
        dossier,
        action=HandOverAction.SUPPLEMENT,
        actor=actor,
        at=at,
        from_label=", ".join(_item_label(i, actor) for i in items) or _person(actor),
        to_label=_("Người nộp: %(name)s") % {"name": dossier.applicant_name},
        note=missing_note,
    )
    _audit(
        actor,
        "dossier.request_supplement",
        dossier,
        after={"count": dossier.supplement_count},
        reason=missing_note,
    )
    return dossier


@transaction.atomic
def supplement_received(
    *, actor, dossier: Dossier, note: str = "", at: datetime.datetime | None = None
) -> Dossier:
    """Nhận đủ hồ sơ bổ sung: the time limit restarts from zero; the steps that asked resume."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "supplement_received")
    _require_desk(actor, dossier)
    _clock(actor, dossier, "reset", at)
    design = design_of(dossier)
    # The steps the latest request stopped: closed for a supplement at that moment and not resumed yet
    # (an earlier request at the same moment already has a newer item of the same step).
    resumed = WorkItem.objects.filter(
        dossier=dossier, step_number=OuterRef("step_number"), pk__gt=OuterRef("pk")
    )
    asked = list(
        dossier.work_items.filter(outcome=Outcome.SUPPLEMENT, completed_at=dossier.supplement_requested_at)
        .exclude(Exists(resumed))
        .values_list("step_number", "completed_by")
    )
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk([u for _n, u in asked if u])
    opened = []
    for number, user_id in asked or [(design.steps[0].number, None)]:
        step = design.step(number)
        if step is not None:
            opened.append(_open_item(dossier, step, design.steps[0].number, at, assignee=users.get(user_id)))
    dossier.status = Status.PROCESSING
    dossier.current_step = "; ".join(o.step_name for o in opened)[:255]
    _save_dossier(dossier, "status", "current_step", "clock")
    _hand_over(
        dossier,
        action=HandOverAction.RESUME,
        actor=actor,
        at=at,
        from_label=_("Người nộp: %(name)s") % {"name": dossier.applicant_name},
        to_label="; ".join(_step_label(design.step(o.step_number)) for o in opened),
        note=note,
    )
    _audit(actor, "dossier.supplement_received", dossier, after={"due": dossier.clock.due_at.isoformat()})
    return dossier


def extension_due(dossier: Dossier, extra_working_days: int) -> datetime.datetime:
    """The new appointment of an apology letter: `extra_working_days` after the current appointment."""
    clock = clock_services.load_clock(dossier.clock)
    return StepBudget(clock.calendar, float(extra_working_days) * 8).due(clock.due())


@transaction.atomic
def extend(
    *, actor, dossier: Dossier, extra_working_days: int, reason: str, at: datetime.datetime | None = None
) -> Dossier:
    """Xin lỗi và hẹn lại (form 04): once, at least one working day before the appointment."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "extend")
    _require_decider(actor, dossier)
    if not reason.strip():
        raise DomainError(_("Văn bản xin lỗi phải nêu lý do chậm."), field="reason")
    if not 1 <= int(extra_working_days) <= 60:
        raise DomainError(_("Số ngày gia hạn phải từ 1 đến 60 ngày làm việc."), field="extra_working_days")
    new_due = extension_due(dossier, int(extra_working_days))
    before = dossier.clock.due_at
    _clock(actor, dossier, "extend", at, new_due=new_due)
    dossier.extended_at, dossier.extension_reason = at, reason.strip()
    _save_dossier(dossier, "extended_at", "extension_reason", "clock")
    _audit(
        actor,
        "dossier.extend",
        dossier,
        before={"due": before.isoformat()},
        after={"due": dossier.clock.due_at.isoformat()},
        reason=reason,
    )
    return dossier


_SEVERITY = {"": 0, Timeliness.EARLY: 1, Timeliness.ON_TIME: 2, Timeliness.LATE: 3}
_BY_SEVERITY = {rank: timeliness for timeliness, rank in _SEVERITY.items()}
_TIMED = tuple(t for t in _SEVERITY if t)


@cache
def _summary_sql(vendor: str) -> str:
    """The working seconds the completed process steps used (a consultation is inside its step, and its
    answer is not a completed step) and the worst result of the hand-over log, as a `_SEVERITY` rank.
    Parameters: the COMPLETE action, the timeliness values of `_TIMED`, the dossier."""
    table = connection.ops.quote_name(HandOver._meta.db_table)
    ranks = " ".join(f"WHEN %s THEN {_SEVERITY[t]}" for t in _TIMED)
    return (
        "SELECT COALESCE(SUM(CASE WHEN action = %s THEN used_seconds END), 0), "  # noqa: S608
        f"MAX(CASE timeliness {ranks} ELSE 0 END) FROM {table} WHERE dossier_id = %s"
    )


def _settle(dossier: Dossier, *, actor, at, status: str, writer=rows, head: str | None = None):
    """Finish the legal clock (locked and read with the dossier) and settle the dossier's status,
    timeliness and summary (not saved). The hand-over summary is read in the round trip that sends
    `writer`'s queued writes. Returns the clock's audit event (`head` as in `record_event`)."""
    [summary] = writer.fetch_each(
        [
            (
                _summary_sql(connection.vendor),
                [HandOverAction.COMPLETE, *_TIMED, dossier.pk],
                [],
            )
        ]
    )
    record = dossier.clock
    clock_services.require_clock_scope(actor, record.agency)
    before, clock = clock_services.apply_clock_event(record, "finish", at)
    writer.update(record, clock_services.CLOCK_EVENT_COLUMNS)
    event = clock_services.audit_clock_event(actor, record, before, "finish", writer=writer, head=head)
    timeliness = classify(timezone.localtime(at), clock.due())
    if dossier.supplement_count > 1:  # Decision 766: more than one supplement request counts as late
        timeliness = "late"
    dossier.status, dossier.settled_at, dossier.timeliness = status, at, timeliness
    dossier.risk = Risk.NONE
    seconds, severity = summary[1]
    dossier.work_seconds, dossier.worst_hand_over = seconds, _BY_SEVERITY[severity or 0]
    return event


def worse(*timeliness: str) -> str:
    """The worst of hand-over results: late over on time over early ("" when none is timed)."""
    return max(timeliness, key=_SEVERITY.__getitem__, default="")


def _finish(
    dossier: Dossier,
    *,
    actor,
    at,
    result_number: str,
    result_summary: str,
    writer=rows,
    head: str | None = None,
):
    """Processing done: the result is ready. Returns the last audit event (`head` as in `record_event`)."""
    machine.next_state(dossier.status, "finish_processing")
    clock_event = _settle(dossier, actor=actor, at=at, status=Status.RESULT_READY, writer=writer, head=head)
    dossier.result_number, dossier.result_summary = result_number.strip()[:100], result_summary.strip()
    dossier.current_step = _("Chờ trả kết quả")
    _save_dossier(
        dossier,
        "status",
        "settled_at",
        "timeliness",
        "risk",
        "result_number",
        "result_summary",
        "current_step",
        "clock",
        "work_seconds",
        "worst_hand_over",
        writer=writer,
    )
    _hand_over(
        dossier,
        action=HandOverAction.FINISH,
        actor=actor,
        at=at,
        from_label=_person(actor),
        to_label=_("Bộ phận trả kết quả"),
        note=result_number,
        writer=writer,
    )
    return _audit(
        actor,
        "dossier.finish",
        dossier,
        after={"timeliness": dossier.timeliness, "result": result_number},
        writer=writer,
        head=clock_event.hash,
    )


@transaction.atomic
def refuse(*, actor, dossier: Dossier, reason: str, at: datetime.datetime | None = None) -> Dossier:
    """Từ chối giải quyết sau thẩm định (form 03): in writing, with reasons, within the time limit."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "refuse")
    _require_decider(actor, dossier)
    if not reason.strip():
        raise DomainError(_("Từ chối giải quyết phải nêu rõ lý do."), field="reason")
    due = clock_services.load_clock(dossier.clock).due(as_of=at)
    if at > due:
        raise DomainError(
            _("Đã quá hạn giải quyết (%(due)s): văn bản từ chối phải gửi trong thời hạn.")
            % {"due": _fmt(due)},
            code="refusal_late",
        )
    _cancel_open_items(dossier, actor=actor, at=at, note=reason)
    _settle(dossier, actor=actor, at=at, status=Status.REFUSED)
    dossier.refusal_reason = reason.strip()
    dossier.current_step = ""
    _save_dossier(
        dossier,
        "status",
        "settled_at",
        "timeliness",
        "risk",
        "refusal_reason",
        "current_step",
        "clock",
        "work_seconds",
        "worst_hand_over",
    )
    _hand_over(
        dossier,
        action=HandOverAction.CLOSE,
        actor=actor,
        at=at,
        from_label=_person(actor),
        to_label=_("Người nộp: %(name)s") % {"name": dossier.applicant_name},
        note=reason,
    )
    _audit(actor, "dossier.refuse", dossier, reason=reason, after={"status": dossier.status})
    return dossier


def _close(actor, dossier: Dossier, *, action: str, status: str, reason: str, at, verb: str) -> Dossier:
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, action)
    _require_desk(actor, dossier)
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do theo đề nghị của người nộp."), field="reason")
    _cancel_open_items(dossier, actor=actor, at=at, note=reason)
    if dossier.clock_id is not None:
        _clock(actor, dossier, "stop", at)
    dossier.status, dossier.closed_reason, dossier.closed_at = status, reason.strip(), at
    dossier.current_step, dossier.risk = "", Risk.NONE
    _save_dossier(dossier, "status", "closed_reason", "closed_at", "current_step", "risk", "clock")
    _hand_over(
        dossier,
        action=HandOverAction.CLOSE,
        actor=actor,
        at=at,
        from_label=_person(actor),
        to_label=_("Người nộp: %(name)s") % {"name": dossier.applicant_name},
        note=reason,
    )
    _audit(actor, verb, dossier, reason=reason, after={"status": status})
    return dossier


@transaction.atomic
def stop(*, actor, dossier: Dossier, reason: str, at: datetime.datetime | None = None) -> Dossier:
    """Dừng xử lý theo đề nghị của người nộp (form 05)."""
    return _close(
        actor, dossier, action="stop", status=Status.STOPPED, reason=reason, at=_now(at), verb="dossier.stop"
    )


@transaction.atomic
def withdraw(*, actor, dossier: Dossier, reason: str, at: datetime.datetime | None = None) -> Dossier:
    """Người nộp rút hồ sơ."""
    return _close(
        actor,
        dossier,
        action="withdraw",
        status=Status.WITHDRAWN,
        reason=reason,
        at=_now(at),
        verb="dossier.withdraw",
    )


@transaction.atomic
@transaction.atomic
def return_result(
    *,
    actor,
    dossier: Dossier,
    returned_to: str,
    method: str,
    at: datetime.datetime | None = None,
) -> Dossier:
    """Trả kết quả: who received the result, when and how."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "return_result")
    _require_desk(actor, dossier)
    items = list(dossier.work_items.filter(status=WorkStatus.OPEN).select_related("agency"))
    _return(dossier, actor=actor, items=items, returned_to=returned_to, method=method, at=at)
    return dossier


def _return(
    dossier: Dossier,
    *,
    actor,
    items: list[WorkItem],
    returned_to: str,
    method: str,
    at,
    writer=rows,
    head: str | None = None,
):
    from eiso.dossiers.models import ReturnMethod

    if not returned_to.strip():
        raise DomainError(_("Cần ghi người nhận kết quả."), field="returned_to")
    if method not in ReturnMethod.values:
        raise DomainError(_("Hình thức trả kết quả không hợp lệ."), field="return_method")
    for item in items:
        used, timeliness = _close_item(
            item, actor=actor, at=at, outcome=Outcome.DONE, note=returned_to, writer=writer
        )
    dossier.status, dossier.returned_at = Status.RETURNED, at
    dossier.returned_to, dossier.return_method = returned_to.strip()[:255], method
    dossier.current_step = ""
    if items:
        dossier.worst_hand_over = worse(dossier.worst_hand_over, timeliness)
    _save_dossier(
        dossier,
        "status",
        "returned_at",
        "returned_to",
        "return_method",
        "current_step",
        "worst_hand_over",
        writer=writer,
    )
    _hand_over(
        dossier,
        action=HandOverAction.RETURN_RESULT,
        actor=actor,
        at=at,
        from_label=_person(actor),
        to_label=returned_to.strip(),
        item=items[0] if items else None,
        used=used if items else None,
        timeliness=timeliness if items else "",
        writer=writer,
    )
    _audit(
        actor,
        "dossier.return_result",
        dossier,
        after={"to": returned_to.strip(), "method": method},
        writer=writer,
        head=head,
    )


@transaction.atomic
def finish_processing(
    *,
    actor,
    dossier: Dossier,
    result_number: str,
    result_summary: str = "",
    at: datetime.datetime | None = None,
) -> Dossier:
    """Có kết quả giải quyết without going through the remaining steps (the head ends processing)."""
    at = _now(at)
    dossier = _lock(dossier.pk)
    _refuse_transition(dossier, "finish_processing")
    if not dossier_rules.is_head(actor, dossier.agency):
        raise PermissionRefused(_("Chỉ thủ trưởng cơ quan được kết thúc xử lý hồ sơ."))
    _cancel_open_items(dossier, actor=actor, at=at, note=result_summary)
    _finish(dossier, actor=actor, at=at, result_number=result_number, result_summary=result_summary)
    return dossier


# --- the scheduled scan ------------------------------------------------------------------------------


@dataclass
class ScanResult:
    items_at_risk: int = 0
    items_overdue: int = 0
    dossiers_at_risk: int = 0
    dossiers_overdue: int = 0
    notified: int = 0
    books_locked: int = 0
    changed: list[int] = field(default_factory=list)


def scan(*, now: datetime.datetime | None = None, notify: bool = True) -> ScanResult:
    """Đánh dấu sắp đến hạn / quá hạn and notify assignees and heads. Idempotent: running it twice
    marks and notifies nothing new (notifications are keyed by item or dossier and level)."""
    now = _now(now)
    result = ScanResult()
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.filter(
                status=Status.PROCESSING, clock__due_at__lte=now + datetime.timedelta(days=10)
            )
            .exclude(risk=Risk.OVERDUE)
            .select_related("agency", "clock")
        )
        marked: list[tuple[Dossier, str]] = []
        for dossier in dossiers:
            due = dossier.clock.due_at
            if due < now:
                level = Risk.OVERDUE
            else:
                left = adapter.calendar_for(dossier.agency).working_time_between(now, due)
                level = Risk.AT_RISK if left <= ONE_WORKING_DAY else Risk.NONE
            if level and level != dossier.risk:
                marked.append((dossier, level))
        for level in (Risk.AT_RISK, Risk.OVERDUE):
            ids = [d.pk for d, lv in marked if lv == level]
            # the status again: an UPDATE that waited for a transition's lock sees the settled row
            Dossier.objects.filter(pk__in=ids, status=Status.PROCESSING).update(risk=level)
        result.dossiers_at_risk = sum(1 for _d, lv in marked if lv == Risk.AT_RISK)
        result.dossiers_overdue = sum(1 for _d, lv in marked if lv == Risk.OVERDUE)
        result.changed = [d.pk for d, _lv in marked]
        # Items after dossiers: the order a transition takes its locks in (dossier, then its items),
        # so the scan and a transition wait for each other instead of deadlocking.
        items = WorkItem.objects.open().filter(at_risk_at__lte=now).exclude(risk=Risk.OVERDUE)
        overdue_items = list(items.filter(due_at__lt=now).select_related("dossier", "agency", "assignee"))
        at_risk_items = list(
            items.filter(due_at__gte=now)
            .exclude(risk=Risk.AT_RISK)
            .select_related("dossier", "agency", "assignee")
        )
        still_open = WorkItem.objects.open()
        still_open.filter(pk__in=[i.pk for i in overdue_items]).update(risk=Risk.OVERDUE)
        still_open.filter(pk__in=[i.pk for i in at_risk_items]).update(risk=Risk.AT_RISK)
        result.items_overdue, result.items_at_risk = len(overdue_items), len(at_risk_items)
        result.books_locked = _lock_past_books(now)
        if marked or overdue_items or at_risk_items or result.books_locked:
            record_event(
                actor=None,
                verb="dossier.scan",
                after={
                    "items_at_risk": result.items_at_risk,
                    "items_overdue": result.items_overdue,
                    "dossiers_at_risk": result.dossiers_at_risk,
                    "dossiers_overdue": result.dossiers_overdue,
                    "books_locked": result.books_locked,
                },
                object_type="dossiers.scan",
                object_id=now.isoformat(),
                object_repr=_("Quét hạn xử lý hồ sơ"),
            )
    if notify:
        result.notified = _notify(overdue_items, at_risk_items, marked)
    return result


def _lock_past_books(now: datetime.datetime) -> int:
    """Form 07 books are locked once their year has ended (numbering restarts at 1 each year)."""
    year = timezone.localtime(now).year
    return TrackingBook.objects.filter(year__lt=year, locked_at__isnull=True).update(locked_at=now)


def _heads_of(agency_ids: set[int]) -> dict[int, list]:
    from eiso.accounts.models import Membership

    heads: dict[int, list] = {}
    for m in (
        Membership.objects.active_on()
        .filter(role__code=roles.AGENCY_HEAD, agency_id__in=agency_ids)
        .select_related("user")
    ):
        heads.setdefault(m.agency_id, []).append(m.user)
    return heads


def _notify(overdue_items, at_risk_items, marked) -> int:
    from eiso.notifications.services import notify

    sent = 0
    heads = _heads_of(
        {i.agency_id for i in [*overdue_items, *at_risk_items]} | {d.agency_id for d, _lv in marked}
    )
    for items, level, title in (
        (overdue_items, "overdue", _("Quá hạn xử lý: %(step)s — hồ sơ %(code)s")),
        (at_risk_items, "at_risk", _("Sắp đến hạn xử lý: %(step)s — hồ sơ %(code)s")),
    ):
        for item in items:
            recipients = [item.assignee] if item.assignee else heads.get(item.agency_id, [])
            if level == "overdue":
                recipients = [*recipients, *heads.get(item.agency_id, [])]
            sent += notify(
                recipients=list({u.pk: u for u in recipients}.values()),
                kind=f"dossier.item.{level}",
                key=f"dossier.item:{item.pk}:{level}",
                title=title % {"step": item.step_name, "code": item.dossier.code},
                body=_("Hạn xử lý: %(due)s.") % {"due": _fmt(item.due_at)},
                url=item.dossier.get_absolute_url(),
                agency=item.agency,
            )
    for dossier, level in marked:
        title = (
            _("Hồ sơ %(code)s đã quá hạn giải quyết")
            if level == Risk.OVERDUE
            else _("Hồ sơ %(code)s còn dưới 01 ngày làm việc: cần xin lỗi, hẹn lại nếu không kịp")
        )
        holders = [
            i.assignee
            for i in dossier.work_items.filter(status=WorkStatus.OPEN, assignee__isnull=False).select_related(
                "assignee"
            )
        ]
        recipients = list({u.pk: u for u in [*holders, *heads.get(dossier.agency_id, [])]}.values())
        sent += notify(
            recipients=recipients,
            kind=f"dossier.{level}",
            key=f"dossier:{dossier.pk}:{level}",
            title=title % {"code": dossier.code},
            body=_("Ngày hẹn trả kết quả: %(due)s.") % {"due": _fmt(dossier.clock.due_at)},
            url=dossier.get_absolute_url(),
            agency=dossier.agency,
        )
    return sent


@transaction.atomic
def lock_book(*, actor, book: TrackingBook) -> TrackingBook:
    """Khóa sổ theo dõi hồ sơ (form 07) of a year that has ended."""
    book = TrackingBook.objects.select_for_update().select_related("unit").get(pk=book.pk)
    if not dossier_rules.is_head(actor, book.unit) and not dossier_rules.can_receive(actor, book.unit):
        raise PermissionRefused()
    if book.year >= timezone.localdate().year:
        raise DomainError(_("Chỉ khóa được sổ của năm đã kết thúc."), code="book_year_open")
    if book.locked_at is None:
        book.locked_at = timezone.now()
        book.save(update_fields=["locked_at"])
        record_event(
            actor=actor, verb="dossier.book_lock", obj=book, agency=book.unit, after={"year": book.year}
        )
    return book


def moved_appointments(change) -> list[Dossier]:
    """Open dossiers whose appointment moved with a calendar change (to call their applicants)."""
    return list(
        Dossier.objects.filter(
            clock_id__in=change.moved_ids, status__in=("processing", "supplement_requested")
        )
        .select_related("clock", "procedure")
        .order_by("clock__due_at")
    )


__all__ = [
    "Applicant",
    "ComponentLine",
    "answer_consultation",
    "claim",
    "complete_step",
    "consult",
    "extend",
    "finish_processing",
    "forward",
    "lock_book",
    "receive",
    "receive_completed",
    "receive_idempotent",
    "refuse",
    "request_supplement",
    "return_result",
    "return_to_step",
    "scan",
    "stop",
    "supplement_received",
    "withdraw",
]
