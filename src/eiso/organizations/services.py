"""Every change to the agency tree. One transaction each, permission-checked, audited.

`actor=None` means the system itself (migrations, seed and demo loaders, management commands);
views and the API always pass the authenticated user.

Locking policy: a change that moves or closes an agency locks its identity row
(`select_for_update`) before reading its versions, so two concurrent edits of one agency queue. The
lock is NO KEY (the id never changes): rows inserted meanwhile that reference the agency, such as a
dossier's work items, check that reference without waiting for the edit, so a transition holding the
audit chain's lock never waits for an edit that waits for the chain.
"""

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from eiso.accounts import rules as perms
from eiso.core.audit import record_event, snapshot
from eiso.core.errors import DomainError, PermissionRefused
from eiso.organizations import codes
from eiso.organizations.models import (
    COMMUNE_KINDS,
    DISTRICT_ABOLISHED,
    PATH_STEP,
    PROVINCE_KINDS,
    Agency,
    AgencyKind,
    AgencySuccession,
    AgencyVersion,
    OversightScope,
    SuccessionKind,
)

HISTORICAL_FIELDS = ("name", "short_name", "kind", "parent", "admin_code", "electronic_id")
CONTACT_FIELDS = ("address", "phone", "email", "website")
ONE_DAY = datetime.timedelta(days=1)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _covers(outer_from, outer_to, inner_from, inner_to) -> bool:
    """Whether [outer_from, outer_to] contains [inner_from, inner_to]; None means open-ended."""
    if inner_from < outer_from:
        return False
    if outer_to is None:
        return True
    return inner_to is not None and inner_to <= outer_to


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    return (a_to is None or a_to >= b_from) and (b_to is None or b_to >= a_from)


def validate_fields(
    *, name: str, kind: str, admin_code: str, electronic_id: str, valid_from, valid_to
) -> None:
    """Field rules that need no database. Raises ValidationError keyed by field."""
    errors: dict[str, list] = {}
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Tên cơ quan không được để trống."))
    if kind not in AgencyKind.values:
        errors.setdefault("kind", []).append(_("Loại cơ quan không hợp lệ."))
    try:
        if kind in PROVINCE_KINDS:
            codes.validate_admin_code(admin_code, codes.PROVINCE_CODE, 2)
        elif kind in COMMUNE_KINDS:
            codes.validate_admin_code(admin_code, codes.COMMUNE_CODE, 5)
        elif admin_code:
            raise ValidationError(
                _("Chỉ tỉnh và xã, phường, đặc khu có mã đơn vị hành chính."), code="admin_code"
            )
    except ValidationError as exc:
        errors.setdefault("admin_code", []).extend(exc.messages)
    try:
        codes.validate_electronic_id(electronic_id)
    except ValidationError as exc:
        errors.setdefault("electronic_id", []).extend(exc.messages)
    if valid_to is not None and valid_to < valid_from:
        errors.setdefault("valid_to", []).append(
            _("Ngày hết hiệu lực (%(to)s) phải từ ngày bắt đầu hiệu lực (%(from)s) trở đi.")
            % {"to": _d(valid_to), "from": _d(valid_from)}
        )
    if kind == AgencyKind.DISTRICT and (valid_to is None or valid_to >= DISTRICT_ABOLISHED):
        errors.setdefault("kind", []).append(
            _(
                "Cấp huyện đã kết thúc hoạt động từ 01/07/2025: cơ quan cấp huyện phải hết hiệu lực trước ngày đó."
            )
        )
    if errors:
        raise ValidationError(errors)


def _reaches(start_id: int, target_id: int, valid_from, valid_to) -> bool:
    """Whether, on some day of [valid_from, valid_to], walking up the parents from `start_id` reaches
    `target_id`. Walks the versions, not the current copy: a move that takes effect later changes the
    tree only from its day on, so a cycle can appear in the future tree while today's looks fine."""
    pending = [(start_id, valid_from, valid_to)]
    seen = set()
    while pending:
        agency_id, lo, hi = pending.pop()
        if agency_id == target_id:
            return True
        if (agency_id, lo, hi) in seen:
            continue
        seen.add((agency_id, lo, hi))
        links = AgencyVersion.objects.filter(agency_id=agency_id, parent__isnull=False).values_list(
            "parent_id", "valid_from", "valid_to"
        )
        for parent_id, v_from, v_to in links:
            if _overlaps(v_from, v_to, lo, hi):
                ends = [day for day in (hi, v_to) if day is not None]
                pending.append((parent_id, max(lo, v_from), min(ends) if ends else None))
    return False


def _check_parent(parent: Agency | None, valid_from, valid_to, agency: Agency | None = None) -> None:
    if parent is None:
        return
    if agency is not None and _reaches(parent.pk, agency.pk, valid_from, valid_to):
        raise DomainError(
            _("Không thể đặt “%(parent)s” làm cấp trên của “%(agency)s”: như vậy cây cơ quan sẽ có vòng lặp.")
            % {"parent": parent.name, "agency": agency.name},
            code="cycle",
            field="parent",
        )
    if not _covers(parent.valid_from, parent.valid_to, valid_from, valid_to):
        raise DomainError(
            _(
                "Thời gian hiệu lực %(from)s–%(to)s nằm ngoài thời gian hiệu lực của cơ quan cấp trên "
                "“%(parent)s” (%(pfrom)s–%(pto)s)."
            )
            % {
                "from": _d(valid_from),
                "to": _d(valid_to),
                "parent": parent.name,
                "pfrom": _d(parent.valid_from),
                "pto": _d(parent.valid_to),
            },
            code="outside_parent",
            field="valid_from",
        )


def _check_code_unique(field: str, value: str, valid_from, valid_to, exclude_agency_id=None) -> None:
    if not value:
        return
    clashes = AgencyVersion.objects.filter(**{field: value}).exclude(agency_id=exclude_agency_id)
    for other in clashes.select_related("agency"):
        if _overlaps(other.valid_from, other.valid_to, valid_from, valid_to):
            label = _("Mã đơn vị hành chính") if field == "admin_code" else _("Mã định danh điện tử")
            raise DomainError(
                _("%(label)s “%(value)s” đã được dùng cho “%(other)s” trong cùng thời gian hiệu lực.")
                % {"label": label, "value": value, "other": other.name},
                code="duplicate_code",
                field=field,
            )


def _refresh_copy(agency: Agency, today: datetime.date | None = None) -> None:
    """Copy the version in force today (else the latest) onto the identity row; fix the subtree's paths."""
    today = today or datetime.date.today()
    versions = list(agency.versions.order_by("valid_from"))
    current = next((v for v in versions if v.covers(today)), None) or versions[-1]
    for name in (*HISTORICAL_FIELDS, *CONTACT_FIELDS):
        setattr(
            agency,
            name if name != "parent" else "parent_id",
            getattr(current, name if name != "parent" else "parent_id"),
        )
    agency.valid_from = versions[0].valid_from
    agency.valid_to = versions[-1].valid_to
    agency.refresh_search_text()
    old_path = agency.path
    parent = Agency.objects.get(pk=agency.parent_id) if agency.parent_id else None
    new_path = f"{parent.path if parent else ''}{agency.pk:0{PATH_STEP}d}/"
    agency.path = new_path
    agency.depth = new_path.count("/") - 1
    agency.save()
    if old_path != new_path and not old_path.startswith("tmp-"):
        depth_shift = agency.depth - (old_path.count("/") - 1)
        Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


@transaction.atomic
def create_agency(
    *,
    actor,
    name: str,
    kind: str,
    valid_from: datetime.date,
    parent: Agency | None = None,
    valid_to: datetime.date | None = None,
    short_name: str = "",
    admin_code: str = "",
    electronic_id: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    legal_basis: str = "",
    reason: str = "",
) -> Agency:
    """Thêm cơ quan, đơn vị: a new identity with its first version."""
    if actor is not None:
        _require(perms.can_create_agency(actor, parent, kind))
    validate_fields(
        name=name,
        kind=kind,
        admin_code=admin_code,
        electronic_id=electronic_id,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _check_parent(parent, valid_from, valid_to)
    _check_code_unique("admin_code", admin_code, valid_from, valid_to)
    _check_code_unique("electronic_id", electronic_id, valid_from, valid_to)
    fields = {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "kind": kind,
        "admin_code": admin_code,
        "electronic_id": electronic_id,
        "address": address,
        "phone": phone,
        "email": email,
        "website": website,
    }
    agency = Agency.objects.create(
        **fields, parent=parent, valid_from=valid_from, valid_to=valid_to, path=f"tmp-{uuid.uuid4().hex}"
    )
    version = AgencyVersion.objects.create(
        agency=agency,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        legal_basis=legal_basis,
        change_reason=reason,
        **fields,
    )
    _refresh_copy(agency)
    record_event(
        actor=actor, verb="agency.create", obj=agency, agency=agency, after=snapshot(version), reason=reason
    )
    return agency


@transaction.atomic
def change_agency(
    *,
    actor,
    agency: Agency,
    effective_from: datetime.date,
    reason: str = "",
    legal_basis: str = "",
    **changes,
) -> AgencyVersion:
    """Đổi tên, đổi loại, chuyển cấp trên hoặc đổi mã từ một ngày: closes the latest version, opens a new one."""
    unknown = set(changes) - set(HISTORICAL_FIELDS) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    if actor is not None:
        _require(perms.can_change_agency(actor, agency))
        if "parent" in changes and changes["parent"] != agency.parent:
            _require(perms.can_create_agency(actor, changes["parent"], changes.get("kind", agency.kind)))
    latest = agency.versions.order_by("-valid_from").first()
    if effective_from <= latest.valid_from:
        raise DomainError(
            _(
                "Ngày hiệu lực của thay đổi (%(day)s) phải sau ngày bắt đầu của phiên bản mới nhất (%(start)s): "
                "lịch sử cơ quan không được sửa lại."
            )
            % {"day": _d(effective_from), "start": _d(latest.valid_from)},
            code="history_locked",
            field="effective_from",
        )
    if latest.valid_to is not None and effective_from > latest.valid_to:
        raise DomainError(
            _("Cơ quan đã hết hiệu lực từ %(end)s; không thể thay đổi sau ngày đó.")
            % {"end": _d(latest.valid_to)},
            code="ended",
            field="effective_from",
        )
    new_fields = {name: getattr(latest, name) for name in (*HISTORICAL_FIELDS, *CONTACT_FIELDS)}
    new_fields.update(changes)
    if all(new_fields[name] == getattr(latest, name) for name in new_fields):
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    validate_fields(
        name=new_fields["name"],
        kind=new_fields["kind"],
        admin_code=new_fields["admin_code"],
        electronic_id=new_fields["electronic_id"],
        valid_from=effective_from,
        valid_to=latest.valid_to,
    )
    _check_parent(new_fields["parent"], effective_from, latest.valid_to, agency=agency)
    _check_code_unique("admin_code", new_fields["admin_code"], effective_from, latest.valid_to, agency.pk)
    _check_code_unique(
        "electronic_id", new_fields["electronic_id"], effective_from, latest.valid_to, agency.pk
    )
    before = snapshot(latest)
    AgencyVersion.objects.filter(pk=latest.pk).update(valid_to=effective_from - ONE_DAY)
    version = AgencyVersion.objects.create(
        agency=agency,
        valid_from=effective_from,
        valid_to=latest.valid_to,
        change_reason=reason,
        legal_basis=legal_basis,
        **new_fields,
    )
    _refresh_copy(agency)
    record_event(
        actor=actor,
        verb="agency.change",
        obj=agency,
        agency=agency,
        before=before,
        after=snapshot(version),
        reason=reason,
    )
    return version


@transaction.atomic
def update_contacts(*, actor, agency: Agency, **contacts) -> Agency:
    """Sửa địa chỉ, liên hệ: contact details are corrected in place (they are not historical)."""
    unknown = set(contacts) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    if actor is not None:
        _require(perms.can_change_agency(actor, agency))
    before = {name: getattr(agency, name) for name in contacts}
    if before == contacts:
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    for name, value in contacts.items():
        setattr(agency, name, value)
    agency.full_clean(exclude=["path", "parent", "search_text"], validate_unique=False)
    agency.save(update_fields=list(contacts))
    # Every version in force today or later (and the latest, for an agency that has ended): the identity
    # copy is refreshed from the version in force, so correcting only the latest one would let a pending
    # future version's refresh — or any change before its day — bring the old contacts back.
    latest_pk = agency.versions.order_by("-valid_from").values_list("pk", flat=True).first()
    AgencyVersion.objects.filter(agency=agency).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date.today()) | Q(pk=latest_pk)
    ).update(**contacts)
    record_event(
        actor=actor, verb="agency.contacts", obj=agency, agency=agency, before=before, after=contacts
    )
    return agency


def _end_ties(*, actor, agency: Agency, last_day: datetime.date, reason: str) -> None:
    """Roles held in an ended agency and oversight it gave or received end with it (each audited);
    those that would only have started after its last day are removed."""
    from eiso.accounts.models import Membership

    open_after = Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
    ties = [
        ("membership.end", Membership.objects.filter(agency=agency).filter(open_after)),
        (
            "oversight.end",
            OversightScope.objects.filter(Q(overseer=agency) | Q(root=agency)).filter(open_after),
        ),
    ]
    for verb, queryset in ties:
        for tie in queryset.select_for_update():
            before = snapshot(tie)
            if tie.valid_from > last_day:
                tie.delete()
                after = None
            else:
                tie.valid_to = last_day
                tie.save(update_fields=["valid_to"])
                after = snapshot(tie)
            record_event(
                actor=actor,
                verb=verb,
                agency=agency,
                before=before,
                after=after,
                reason=reason or _("Cơ quan kết thúc hoạt động"),
                object_type=tie._meta.label_lower,
                object_id=str(before["id"]),
                object_repr=str(tie),
            )


@transaction.atomic
def dissolve_agency(
    *, actor, agency: Agency, last_day: datetime.date, reason: str = "", legal_basis: str = ""
) -> Agency:
    """Kết thúc hoạt động: the agency's latest version ends on `last_day` (inclusive)."""
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    if actor is not None:
        _require(perms.can_change_agency(actor, agency))
    latest = agency.versions.order_by("-valid_from").first()
    if last_day < latest.valid_from:
        raise DomainError(
            _("Ngày kết thúc (%(day)s) không được trước ngày bắt đầu của phiên bản mới nhất (%(start)s).")
            % {"day": _d(last_day), "start": _d(latest.valid_from)},
            code="history_locked",
            field="last_day",
        )
    if latest.valid_to is not None and latest.valid_to <= last_day:
        raise DomainError(
            _("Cơ quan đã hết hiệu lực từ %(end)s.") % {"end": _d(latest.valid_to)}, code="ended"
        )
    # From the versions, not the current copy: a sub-unit whose move out is already recorded for
    # after `last_day` does not block, and one recorded to move in later does.
    outliving = list(
        dict.fromkeys(
            AgencyVersion.objects.filter(parent=agency)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
            .order_by("agency__path", "valid_from")
            .values_list("name", flat=True)
        )
    )
    if outliving:
        raise DomainError(
            _(
                "Còn %(count)s đơn vị trực thuộc hoạt động sau ngày %(day)s (ví dụ: %(first)s). "
                "Hãy chuyển hoặc kết thúc các đơn vị này trước."
            )
            % {"count": len(outliving), "day": _d(last_day), "first": outliving[0]},
            code="children_outlive",
        )
    before = snapshot(latest)
    AgencyVersion.objects.filter(pk=latest.pk).update(
        valid_to=last_day,
        change_reason=reason or latest.change_reason,
        legal_basis=legal_basis or latest.legal_basis,
    )
    _refresh_copy(agency)
    latest.refresh_from_db()
    _end_ties(actor=actor, agency=agency, last_day=last_day, reason=reason)
    record_event(
        actor=actor,
        verb="agency.dissolve",
        obj=agency,
        agency=agency,
        before=before,
        after=snapshot(latest),
        reason=reason,
    )
    return agency


@transaction.atomic
def merge_agencies(
    *,
    actor,
    predecessors: Iterable[Agency],
    effective_date: datetime.date,
    successor: Agency | None = None,
    succession_kind: str = SuccessionKind.MERGER,
    legal_basis: str = "",
    reason: str = "",
    **new_agency,
) -> Agency:
    """Hợp nhất, sáp nhập: predecessors end the day before `effective_date`; their sub-units move
    to the successor (a new version each); the successor is created from `new_agency` (name, kind,
    parent, codes…) if not given. Predecessor → successor links are kept for history."""
    predecessors = [Agency.objects.select_for_update(no_key=True).get(pk=p.pk) for p in predecessors]
    if not predecessors:
        raise DomainError(_("Cần ít nhất một cơ quan bị hợp nhất."), code="no_predecessor")
    if successor is None:
        successor = create_agency(
            actor=actor, valid_from=effective_date, legal_basis=legal_basis, reason=reason, **new_agency
        )
    elif actor is not None:
        _require(perms.can_change_agency(actor, successor))
    for old in predecessors:
        if old.pk == successor.pk:
            continue
        if actor is not None:
            _require(perms.can_change_agency(actor, old))
        # The sub-units under `old` on the day of the merger (from the versions: the current copy
        # still shows today's tree when the merger takes effect later).
        moving = AgencyVersion.objects.as_of(effective_date).filter(parent=old).values("agency_id")
        for child in Agency.objects.filter(pk__in=moving).order_by("path"):
            change_agency(
                actor=actor,
                agency=child,
                effective_from=effective_date,
                parent=successor,
                reason=reason,
                legal_basis=legal_basis,
            )
        dissolve_agency(
            actor=actor, agency=old, last_day=effective_date - ONE_DAY, reason=reason, legal_basis=legal_basis
        )
        link = AgencySuccession.objects.create(
            predecessor=old,
            successor=successor,
            kind=succession_kind,
            effective_date=effective_date,
            legal_basis=legal_basis,
        )
        record_event(
            actor=actor,
            verb="agency.succession",
            obj=link,
            agency=successor,
            after=snapshot(link),
            reason=reason,
        )
    return successor


@transaction.atomic
def grant_oversight(
    *, actor, overseer: Agency, root: Agency, valid_from: datetime.date, valid_to=None, note: str = ""
) -> OversightScope:
    """Giao phạm vi theo dõi: `overseer` oversees the subtree under `root` (administrators only)."""
    if actor is not None:
        _require(perms.is_admin(actor))
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            _("Ngày hết hiệu lực phải từ ngày bắt đầu hiệu lực trở đi."), code="range", field="valid_to"
        )
    overlapping = OversightScope.objects.filter(overseer=overseer, root=root)
    if any(_overlaps(s.valid_from, s.valid_to, valid_from, valid_to) for s in overlapping):
        raise DomainError(
            _("“%(overseer)s” đã có phạm vi theo dõi “%(root)s” trong thời gian này.")
            % {"overseer": overseer.name, "root": root.name},
            code="duplicate_scope",
        )
    scope = OversightScope.objects.create(
        overseer=overseer, root=root, valid_from=valid_from, valid_to=valid_to, note=note
    )
    record_event(actor=actor, verb="oversight.grant", obj=scope, agency=overseer, after=snapshot(scope))
    return scope


@transaction.atomic
def end_oversight(*, actor, scope: OversightScope, last_day: datetime.date) -> OversightScope:
    if actor is not None:
        _require(perms.is_admin(actor))
    scope = OversightScope.objects.select_for_update().get(pk=scope.pk)
    if last_day < scope.valid_from:
        raise DomainError(_("Ngày kết thúc không được trước ngày bắt đầu hiệu lực."), code="range")
    before = snapshot(scope)
    scope.valid_to = last_day
    scope.save(update_fields=["valid_to"])
    record_event(
        actor=actor,
        verb="oversight.end",
        obj=scope,
        agency=scope.overseer_id,
        before=before,
        after=snapshot(scope),
    )
    return scope


def _copy_is_current(agency: Agency, today: datetime.date) -> bool:
    """Whether the identity row already shows the version in force `today` (and a path under its parent)."""
    versions = list(agency.versions.order_by("valid_from"))
    current = next((v for v in versions if v.covers(today)), None) or versions[-1]
    for name in (*HISTORICAL_FIELDS, *CONTACT_FIELDS):
        attname = "parent_id" if name == "parent" else name
        if getattr(agency, attname) != getattr(current, attname):
            return False
    parent_path = Agency.objects.get(pk=agency.parent_id).path if agency.parent_id else ""
    return (
        agency.valid_from == versions[0].valid_from
        and agency.valid_to == versions[-1].valid_to
        and agency.path == f"{parent_path}{agency.pk:0{PATH_STEP}d}/"
    )


def refresh_current_copies(today: datetime.date | None = None, catch_up_days: int = 31) -> int:
    """Daily job (`eiso organizations refresh`): apply versions that came into force or ended lately.

    Looks back `catch_up_days` so that days the job did not run (server down, cron missed) are caught
    up; an identity row already showing the version in force is left alone, so re-runs change nothing.
    Returns how many identity rows changed.
    """
    today = today or datetime.date.today()
    since = today - datetime.timedelta(days=catch_up_days)
    starting = AgencyVersion.objects.filter(valid_from__gt=since, valid_from__lte=today)
    ending = AgencyVersion.objects.filter(valid_to__gte=since - ONE_DAY, valid_to__lt=today)
    candidates = set(starting.values_list("agency_id", flat=True)) | set(
        ending.values_list("agency_id", flat=True)
    )
    changed = 0
    for agency in Agency.objects.filter(pk__in=candidates).order_by("depth"):
        with transaction.atomic():
            locked = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
            if _copy_is_current(locked, today):
                continue
            _refresh_copy(locked, today)
        changed += 1
    return changed


__all__ = [
    "create_agency",
    "change_agency",
    "update_contacts",
    "dissolve_agency",
    "merge_agencies",
    "grant_oversight",
    "end_oversight",
    "refresh_current_copies",
    "validate_fields",
]
