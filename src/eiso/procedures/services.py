"""Every change to the procedure catalogue. One transaction each, permission-checked, audited.

`actor=None` means the system itself (demo loader, `eiso procedures import` run by an operator).

- `import_records` — upsert records (see `eiso.procedures.records`) by (code, announcement decision):
  an unchanged record writes nothing and records nothing; a changed one rewrites that version's
  content; a new decision makes a new version (published at once unless the record or the caller
  says draft). All or nothing: every problem is collected and reported with its record and field,
  and then the whole import is rolled back.
- `publish_version` — draft → published from a day; the version before is closed the day before and
  becomes superseded. Sends `signals.procedure_changed`.
- `replace_legal_document` — a legal basis is replaced from a day; sends `procedure_changed` for every
  version in force (or to come) that cites it.
- `assign_procedures` / `end_assignment` — which agency settles which procedure.

Locking policy: writers of one procedure lock its identity row (`select_for_update`) before reading
its versions, so two publications of the same procedure queue; an import locks the procedures it
touches in code order.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eiso.core.audit import record_event, snapshot
from eiso.core.errors import DomainError, PermissionRefused
from eiso.procedures import records as rec
from eiso.procedures import rules as perms
from eiso.procedures.models import (
    AgencyProcedure,
    DossierCase,
    DossierComponent,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    ProcedureFee,
    ProcedureVersion,
    Sector,
    VersionLegalBasis,
    VersionStatus,
)
from eiso.procedures.signals import send_procedure_changed

ONE_DAY = datetime.timedelta(days=1)


def _d(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _version_summary(version: ProcedureVersion) -> dict:
    return {
        "code": version.procedure.code,
        "decision_number": version.decision_number,
        "status": version.status,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "content_hash": version.content_hash,
    }


# --- the identity's copy of its current version ------------------------------------------------------


def current_version_of(procedure: Procedure, today: datetime.date | None = None) -> ProcedureVersion | None:
    """The version a page calls "current": in force today, else the next to come, else the latest
    published; a procedure with only drafts has none."""
    today = today or datetime.date.today()
    versions = [v for v in procedure.versions.order_by("valid_from", "pk") if v.status != VersionStatus.DRAFT]
    in_force = [v for v in versions if v.covers(today)]
    if in_force:
        return in_force[-1]
    future = [v for v in versions if v.valid_from and v.valid_from > today]
    if future:
        return future[0]
    return versions[-1] if versions else None


def refresh_copy(procedure: Procedure, today: datetime.date | None = None) -> Procedure:
    current = current_version_of(procedure, today)
    shown = current or procedure.versions.order_by("-pk").first()
    procedure.current_version = current
    if shown is not None:
        procedure.name = shown.name
        procedure.levels = shown.levels
        procedure.online_level = shown.online_level
        procedure.is_complete = shown.is_complete
        procedure.refresh_search_text([s.name for s in shown.sectors.all()])
    procedure.save()
    return procedure


def refresh_current_copies(today: datetime.date | None = None) -> int:
    """Daily job (`eiso procedures refresh`): versions that start or end today change the current copy."""
    today = today or datetime.date.today()
    starting = ProcedureVersion.objects.published().filter(valid_from=today).values("procedure_id")
    ending = ProcedureVersion.objects.published().filter(valid_to=today - ONE_DAY).values("procedure_id")
    changed = 0
    for procedure in Procedure.objects.filter(Q(pk__in=starting) | Q(pk__in=ending)):
        with transaction.atomic():
            refresh_copy(Procedure.objects.select_for_update().get(pk=procedure.pk), today)
        changed += 1
    return changed


# --- writing one version's content -------------------------------------------------------------------


class _Lookups:
    """Sectors and legal documents by code, loaded once per import."""

    def __init__(self):
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.documents = {d.number: d for d in LegalDocument.objects.all()}

    def sector(self, code: str, name: str) -> Sector:
        sector = self.sectors.get(code)
        if sector is None:
            sector = self.sectors[code] = Sector.objects.create(code=code, name=name[:255])
        return sector

    def document(self, basis: dict) -> LegalDocument:
        document = self.documents.get(basis["number"])
        if document is None:
            document = self.documents[basis["number"]] = LegalDocument.objects.create(
                number=basis["number"],
                title=basis["title"],
                issuer=basis["issuer"],
                issued_on=_date(basis["issued_on"]),
                effective_from=_date(basis["effective_from"]),
            )
            return document
        # Shared by many procedures: fill what is missing, never overwrite what another record said.
        filled = []
        for name, value in (
            ("title", basis["title"]),
            ("issuer", basis["issuer"]),
            ("issued_on", _date(basis["issued_on"])),
            ("effective_from", _date(basis["effective_from"])),
        ):
            if value and not getattr(document, name):
                setattr(document, name, value)
                filled.append(name)
        if filled:
            document.save(update_fields=filled)
        return document


def _set_content(version: ProcedureVersion, record: dict) -> None:
    """Copy the record's own columns onto `version` (not saved)."""
    version.name = record["name"]
    version.decision_date = _date(record["decision_date"])
    version.decision_issuer = record["decision_issuer"]
    version.levels = ",".join(record["levels"])
    for name in (
        "subjects",
        "competent_bodies",
        "implementing_bodies",
        "coordinating_bodies",
        "receiving_places",
        "steps",
        "results",
        "related_codes",
    ):
        setattr(version, name, record[name])
    version.requirements = record["requirements"]
    version.online_level = record["online_level"]
    version.external_id = record["external_id"]
    version.source_updated_at = (
        datetime.datetime.fromisoformat(record["source_updated_at"]) if record["source_updated_at"] else None
    )
    version.content_hash = rec.content_hash(record)
    version.missing = rec.missing_components(record)
    version.is_complete = not version.missing


class _Pending:
    """The child rows of written versions (sectors, channels, fees, cases, components, legal bases),
    inserted a few hundred versions at a time: one INSERT per table per batch instead of per version.

    `procedure_changed` receivers may read those rows, so the signals of a batch are sent after its
    rows are written (still inside the import's transaction)."""

    BATCH = 250

    def __init__(self, lookups: _Lookups):
        self.lookups = lookups
        self.items: list[tuple[ProcedureVersion, dict]] = []
        self.signals: list[tuple[ProcedureVersion, datetime.date]] = []

    def add(self, version: ProcedureVersion, record: dict) -> None:
        self.items.append((version, record))
        if len(self.items) >= self.BATCH:
            self.flush()

    def announce(self, version: ProcedureVersion, effective_date: datetime.date) -> None:
        self.signals.append((version, effective_date))

    def flush(self) -> None:
        items, self.items = self.items, []
        signals, self.signals = self.signals, []
        links = ProcedureVersion.sectors.through
        links.objects.bulk_create(
            [
                links(procedureversion_id=version.pk, sector_id=self.lookups.sector(s["code"], s["name"]).pk)
                for version, record in items
                for s in record["sectors"]
            ]
        )
        channel_data = [
            (version, c, index) for version, record in items for index, c in enumerate(record["channels"])
        ]
        channels = ProcedureChannel.objects.bulk_create(
            [
                ProcedureChannel(
                    version=version,
                    channel=c["channel"],
                    time_value=Decimal(c["time_value"]) if c["time_value"] is not None else None,
                    time_unit=c["time_unit"],
                    counting_mode=c["counting_mode"],
                    cutoff=datetime.time.fromisoformat(c["cutoff"]) if c["cutoff"] else None,
                    description=c["description"],
                    order=index,
                )
                for version, c, index in channel_data
            ]
        )
        ProcedureFee.objects.bulk_create(
            [
                ProcedureFee(
                    channel=channel,
                    kind=fee["kind"],
                    amount=fee["amount"],
                    currency=fee["currency"][:20],
                    description=fee["description"],
                    order=index,
                )
                for channel, (_version, c, _i) in zip(channels, channel_data, strict=True)
                for index, fee in enumerate(c["fees"])
            ]
        )
        case_data = [
            (version, case, index) for version, record in items for index, case in enumerate(record["cases"])
        ]
        cases = DossierCase.objects.bulk_create(
            [
                DossierCase(version=version, name=case["name"], order=index)
                for version, case, index in case_data
            ]
        )
        DossierComponent.objects.bulk_create(
            [
                DossierComponent(
                    case=case,
                    name=component["name"],
                    originals=component["originals"],
                    copies=component["copies"],
                    required=component["required"],
                    form_name=component["form_name"],
                    form_url=component["form_url"],
                    order=index,
                )
                for case, (_version, data, _i) in zip(cases, case_data, strict=True)
                for index, component in enumerate(data["components"])
            ]
        )
        VersionLegalBasis.objects.bulk_create(
            [
                VersionLegalBasis(version=version, document=self.lookups.document(basis), order=index)
                for version, record in items
                for index, basis in enumerate(record["legal_bases"])
            ]
        )
        for version, effective_date in signals:
            send_procedure_changed(version, effective_date, "new_version")


def _write_content(version: ProcedureVersion, record: dict, pending: _Pending, *, fresh: bool) -> None:
    """Store the record's content on `version` (a new row, or an existing one whose content changed)."""
    _set_content(version, record)
    version.save()
    if not fresh:
        version.sectors.clear()
        version.channels.all().delete()
        version.cases.all().delete()
        version.legal_bases.all().delete()
    pending.add(version, record)


# --- publishing -----------------------------------------------------------------------------------


def _supersede_previous(version: ProcedureVersion, valid_from: datetime.date) -> ProcedureVersion | None:
    """Close the published version before `version` the day before `valid_from`; refuse to rewrite history."""
    others = (
        ProcedureVersion.objects.published()
        .filter(procedure_id=version.procedure_id)
        .exclude(pk=version.pk)
        .order_by("-valid_from")
    )
    later = [v for v in others if v.valid_from and v.valid_from >= valid_from]
    if later:
        raise DomainError(
            _(
                "Thủ tục %(code)s đã có phiên bản theo quyết định %(decision)s áp dụng từ %(day)s: phiên bản "
                "mới phải áp dụng sau ngày đó (lịch sử không được sửa lại)."
            )
            % {
                "code": version.procedure.code,
                "decision": later[0].decision_number,
                "day": _d(later[0].valid_from),
            },
            code="history_locked",
            field="valid_from",
        )
    previous = next(iter(others), None)
    if previous is None or (previous.valid_to is not None and previous.valid_to < valid_from):
        return None
    previous.valid_to = valid_from - ONE_DAY
    previous.status = VersionStatus.SUPERSEDED
    previous.save(update_fields=["valid_to", "status"])
    return previous


def _mark_published(version: ProcedureVersion, valid_from: datetime.date, actor) -> None:
    version.status = VersionStatus.PUBLISHED
    version.valid_from = valid_from
    version.valid_to = None
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "is_authenticated", False) else None


def _publish(
    version: ProcedureVersion, valid_from: datetime.date, actor, pending: _Pending | None = None
) -> ProcedureVersion | None:
    previous = _supersede_previous(version, valid_from)
    _mark_published(version, valid_from, actor)
    version.save(update_fields=["status", "valid_from", "valid_to", "published_at", "published_by"])
    if pending is not None:
        pending.announce(version, valid_from)
    else:
        send_procedure_changed(version, valid_from, "new_version")
    return previous


@transaction.atomic
def publish_version(
    *, actor, version: ProcedureVersion, valid_from: datetime.date | None = None
) -> ProcedureVersion:
    """Công bố: a draft becomes the version in force from `valid_from` (the decision's date by default)."""
    if actor is not None:
        _require(perms.can_manage_catalogue(actor))
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise DomainError(_("Chỉ công bố được phiên bản dự thảo."), code="not_draft")
    valid_from = valid_from or version.valid_from or version.decision_date
    if valid_from is None:
        raise DomainError(_("Cần ngày bắt đầu áp dụng."), code="valid_from_required", field="valid_from")
    before = _version_summary(version)
    previous = _publish(version, valid_from, actor)
    refresh_copy(procedure)
    after = _version_summary(version)
    if previous is not None:
        after["superseded"] = previous.decision_number
    record_event(actor=actor, verb="procedure.publish", obj=version, before=before, after=after)
    return version


# --- import ---------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.published)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "published": self.published,
        }


def _order_key(item: tuple[int, str, dict]):
    index, _label, record = item
    start = record["valid_from"] or record["decision_date"] or "9999-12-31"
    # Drafts go last: a draft announced before a published version must not block its publication.
    return (record["code"], record["status"] == "draft", start, index)


def _check_duplicates(records: list[tuple[str, dict]]) -> list[rec.RecordError]:
    seen: dict[tuple[str, str], str] = {}
    errors = []
    for label, record in records:
        key = (record["code"], record["decision_number"])
        if key in seen:
            errors.append(
                rec.RecordError(
                    label,
                    "decisionNo",
                    _("Trùng mã thủ tục và quyết định công bố với %(other)s.") % {"other": seen[key]},
                )
            )
        else:
            seen[key] = label
    return errors


class _ImportState:
    """What one import knows without asking the database again."""

    def __init__(self, actor, default_status, lookups):
        self.actor = actor
        self.default_status = default_status
        self.pending = _Pending(lookups)
        self.fresh: set[str] = set()  # codes whose Procedure this import created
        self.written: dict[str, list[ProcedureVersion]] = {}  # versions written per code
        self.touched: dict[str, Procedure] = {}


def _new_version(procedure, record, label, state: _ImportState, summary, errors) -> ProcedureVersion | None:
    status = record["status"] or state.default_status
    valid_from = _date(record["valid_from"])
    valid_to = _date(record["valid_to"])
    # A procedure this import created has no versions but those it wrote: no query needed.
    known_empty = procedure.code in state.fresh and not state.written.get(procedure.code)
    if status == VersionStatus.SUPERSEDED and (valid_from is None or valid_to is None):
        errors.append(
            rec.RecordError(
                label, "validTo", _("Phiên bản đã được thay thế cần cả ngày bắt đầu và ngày hết áp dụng.")
            )
        )
        return None
    if status == VersionStatus.SUPERSEDED and not known_empty:
        overlapping = (
            ProcedureVersion.objects.published()
            .filter(procedure=procedure, valid_from__lte=valid_to)
            .exclude(valid_to__lt=valid_from)
            .first()
        )
        if overlapping:
            errors.append(
                rec.RecordError(
                    label,
                    "validFrom",
                    _("Thời gian áp dụng trùng với phiên bản theo quyết định %(decision)s.")
                    % {"decision": overlapping.decision_number},
                )
            )
            return None
    version = ProcedureVersion(
        procedure=procedure,
        decision_number=record["decision_number"],
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    superseded = None
    if status == VersionStatus.PUBLISHED:
        start = valid_from or _date(record["decision_date"]) or datetime.date.today()
        if not known_empty:
            try:
                superseded = _supersede_previous(version, start)
            except DomainError as exc:
                errors.append(rec.RecordError(label, "validFrom", " ".join(exc.messages)))
                return None
        _mark_published(version, start, state.actor)
        # A published version with a known end (e.g. a temporary procedure) keeps it.
        version.valid_to = valid_to if valid_to is not None and valid_to >= start else None
        if not known_empty:
            # The first version of a procedure this import created changes nothing anybody built on:
            # no process can refer to a procedure that did not exist before this transaction.
            state.pending.announce(version, start)
        summary.published += 1
    _write_content(version, record, state.pending, fresh=True)
    summary.created += 1
    state.written.setdefault(procedure.code, []).append(version)
    after = _version_summary(version)
    if superseded is not None:
        after["superseded"] = superseded.decision_number
    record_event(actor=state.actor, verb="procedure.version_create", obj=version, after=after)
    return version


def _new_procedure(record: dict) -> Procedure:
    """A procedure first seen in this import, with the copy of its (first) record."""
    procedure = Procedure(
        code=record["code"],
        name=record["name"],
        levels=",".join(record["levels"]),
        online_level=record["online_level"],
        is_complete=not rec.missing_components(record),
    )
    procedure.refresh_search_text([s["name"] for s in record["sectors"]])
    procedure.save()
    return procedure


def _refresh_copies(state: _ImportState) -> None:
    """A procedure created here with one version needs no reading back; the others are refreshed."""
    simple = []
    for code, procedure in state.touched.items():
        written = state.written.get(code, [])
        if code in state.fresh and len(written) == 1:
            version = written[0]
            procedure.current_version = version if version.status != VersionStatus.DRAFT else None
            simple.append(procedure)
        else:
            refresh_copy(procedure)
    Procedure.objects.bulk_update(simple, ["current_version"], batch_size=500)


@transaction.atomic
def import_records(
    *,
    actor,
    records: list[tuple[str, dict]],
    default_status: str = VersionStatus.PUBLISHED,
    file_name: str = "",
    job_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Nhập danh mục thủ tục: upsert `records` ((label, record) pairs) by (code, decision number)."""
    if actor is not None:
        _require(perms.can_manage_catalogue(actor))
    if default_status not in (VersionStatus.PUBLISHED, VersionStatus.DRAFT):
        raise DomainError(_("Tình trạng mặc định phải là dự thảo hoặc đang áp dụng."), code="invalid_status")
    errors = _check_duplicates(records)
    if errors:
        raise rec.ImportRefused(errors)
    summary = ImportSummary(total=len(records))
    codes = sorted({record["code"] for _label, record in records})
    procedures = {}
    existing: dict[tuple[str, str], ProcedureVersion] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        procedures.update({p.code: p for p in Procedure.objects.select_for_update().filter(code__in=chunk)})
        for version in ProcedureVersion.objects.filter(procedure__code__in=chunk).select_related("procedure"):
            existing[(version.procedure.code, version.decision_number)] = version
    state = _ImportState(actor, default_status, _Lookups())
    ordered = sorted(((i, label, record) for i, (label, record) in enumerate(records)), key=_order_key)
    for done, (_index, label, record) in enumerate(ordered, start=1):
        if progress is not None and done % 100 == 0:
            progress(done)
        procedure = procedures.get(record["code"])
        if procedure is None:
            procedure = procedures[record["code"]] = _new_procedure(record)
            state.fresh.add(procedure.code)
        version = existing.get((record["code"], record["decision_number"]))
        if version is None:
            if _new_version(procedure, record, label, state, summary, errors) is not None:
                state.touched[procedure.code] = procedure
            continue
        changed = version.content_hash != rec.content_hash(record)
        promote = (
            version.status == VersionStatus.DRAFT and (record["status"] or default_status) == "published"
        )
        if not changed and not promote:
            summary.unchanged += 1
            continue
        before = _version_summary(version)
        if changed:
            _write_content(version, record, state.pending, fresh=False)
            summary.updated += 1
        if promote:
            start = (
                _date(record["valid_from"])
                or version.valid_from
                or version.decision_date
                or datetime.date.today()
            )
            try:
                _publish(version, start, actor, state.pending)
            except DomainError as exc:
                errors.append(rec.RecordError(label, "validFrom", " ".join(exc.messages)))
                continue
            summary.published += 1
        state.written.setdefault(procedure.code, []).append(version)
        state.touched[procedure.code] = procedure
        record_event(
            actor=actor,
            verb="procedure.publish" if promote and not changed else "procedure.version_update",
            obj=version,
            before=before,
            after=_version_summary(version),
        )
    if errors:
        raise rec.ImportRefused(errors)
    state.pending.flush()
    _refresh_copies(state)
    summary.codes = sorted(state.touched)
    if progress is not None:
        progress(len(records))
    if summary.changed:
        record_event(
            actor=actor,
            verb="procedure.import",
            object_type="procedures.procedureimport",
            object_id=str(job_id or ""),
            object_repr=file_name or _("nhập danh mục thủ tục"),
            after=summary.as_dict(),
        )
    return summary


# --- legal documents ------------------------------------------------------------------------------


@transaction.atomic
def replace_legal_document(
    *,
    actor,
    document: LegalDocument,
    replacement_number: str,
    effective_date: datetime.date,
    replacement_title: str = "",
    replacement_issuer: str = "",
) -> list[ProcedureVersion]:
    """Văn bản căn cứ bị thay thế: `document` is replaced by `replacement_number` from `effective_date`.

    Returns the versions flagged (in force on that day, or starting later, and citing the document).
    """
    if actor is not None:
        _require(perms.can_manage_catalogue(actor))
    document = LegalDocument.objects.select_for_update().get(pk=document.pk)
    replacement_number = (replacement_number or "").strip()
    if not replacement_number:
        raise DomainError(_("Cần số, ký hiệu văn bản thay thế."), code="required", field="replacement_number")
    if replacement_number == document.number:
        raise DomainError(_("Văn bản không thể thay thế chính nó."), code="self", field="replacement_number")
    if document.replaced_by_id is not None:
        raise DomainError(
            _("Văn bản %(number)s đã được ghi nhận bị thay thế từ %(day)s.")
            % {"number": document.number, "day": _d(document.replaced_on)},
            code="already_replaced",
        )
    replacement, _created = LegalDocument.objects.get_or_create(
        number=replacement_number[:100],
        defaults={
            "title": replacement_title[:500],
            "issuer": replacement_issuer[:255],
            "effective_from": effective_date,
        },
    )
    before = snapshot(document)
    document.replaced_by = replacement
    document.replaced_on = effective_date
    document.save(update_fields=["replaced_by", "replaced_on"])
    affected = list(
        ProcedureVersion.objects.published()
        .filter(legal_bases__document=document)
        .exclude(valid_to__lt=effective_date)
        .select_related("procedure")
        .order_by("procedure__code", "valid_from")
    )
    for version in affected:
        send_procedure_changed(version, effective_date, "legal_basis_replaced", legal_document=document)
    after = snapshot(document)
    after["flagged"] = [f"{v.procedure.code} ({v.decision_number})" for v in affected][:200]
    record_event(actor=actor, verb="legal_document.replace", obj=document, before=before, after=after)
    return affected


# --- agency catalogues -----------------------------------------------------------------------------


@transaction.atomic
def assign_procedures(
    *,
    actor,
    agency,
    procedures: Iterable[Procedure],
    valid_from: datetime.date | None = None,
    note: str = "",
) -> list[AgencyProcedure]:
    """Giao thủ tục cho cơ quan: `agency` settles each of `procedures` from `valid_from` (today).

    A procedure the agency already settles on that day is skipped (so repeating a call is harmless).
    """
    if actor is not None:
        _require(perms.can_assign_procedures(actor, agency))
    valid_from = valid_from or datetime.date.today()
    if agency.valid_to is not None and agency.valid_to < valid_from:
        raise DomainError(
            _("“%(agency)s” đã hết hiệu lực từ %(day)s.")
            % {"agency": agency.name, "day": _d(agency.valid_to)},
            code="agency_ended",
            field="valid_from",
        )
    wanted = {p.pk: p for p in procedures}
    if not wanted:
        raise DomainError(_("Chọn ít nhất một thủ tục."), code="required", field="procedures")
    current = set(
        AgencyProcedure.objects.filter(agency=agency, procedure_id__in=list(wanted))
        .exclude(valid_to__lt=valid_from)
        .values_list("procedure_id", flat=True)
    )
    created = []
    for procedure_id in sorted(set(wanted) - current):
        assignment = AgencyProcedure.objects.create(
            agency=agency, procedure=wanted[procedure_id], valid_from=valid_from, note=note[:255]
        )
        record_event(
            actor=actor,
            verb="agency_procedure.assign",
            obj=assignment,
            agency=agency,
            object_repr=f"{agency.name}: {wanted[procedure_id].code}",
            after=snapshot(assignment, ["agency_id", "procedure_id", "valid_from", "valid_to", "note"]),
        )
        created.append(assignment)
    return created


@transaction.atomic
def end_assignment(
    *, actor, assignment: AgencyProcedure, last_day: datetime.date | None = None
) -> AgencyProcedure:
    """Thôi thực hiện: the agency no longer settles the procedure after `last_day` (today)."""
    assignment = (
        AgencyProcedure.objects.select_for_update()
        .select_related("agency", "procedure")
        .get(pk=assignment.pk)
    )
    if actor is not None:
        _require(perms.can_assign_procedures(actor, assignment.agency))
    last_day = last_day or datetime.date.today()
    if last_day < assignment.valid_from:
        raise DomainError(
            _("Ngày kết thúc không được trước ngày bắt đầu (%(day)s).") % {"day": _d(assignment.valid_from)},
            code="range",
            field="last_day",
        )
    if assignment.valid_to is not None and assignment.valid_to <= last_day:
        raise DomainError(
            _("Cơ quan đã thôi thực hiện thủ tục này từ %(day)s.") % {"day": _d(assignment.valid_to)},
            code="ended",
        )
    before = snapshot(assignment, ["valid_to"])
    assignment.valid_to = last_day
    assignment.save(update_fields=["valid_to"])
    record_event(
        actor=actor,
        verb="agency_procedure.end",
        obj=assignment,
        agency=assignment.agency,
        object_repr=f"{assignment.agency.name}: {assignment.procedure.code}",
        before=before,
        after=snapshot(assignment, ["valid_to"]),
    )
    return assignment


__all__ = [
    "assign_procedures",
    "current_version_of",
    "end_assignment",
    "import_records",
    "publish_version",
    "refresh_copy",
    "refresh_current_copies",
    "replace_legal_document",
]
