"""Pages of dossier work: the counter (tiếp nhận), "việc của tôi", the dossier list and the dossier page
with its actions, and the dossiers whose appointment moved with a calendar change.

Thin views: every read goes through `visible_to(request.user)` (another agency's dossier answers 404),
every write through a service of `eiso.dossiers.services`. A refused action (state machine, rules, time
windows, a colleague who was faster) comes back as a message on the dossier page.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eiso.accounts.scope import scope_for
from eiso.core.display import decorate
from eiso.core.errors import DomainError
from eiso.core.models import AuditEvent
from eiso.core.views import run_service
from eiso.dossiers import forms as dossier_forms
from eiso.dossiers import machine, printing, services
from eiso.dossiers import rules as dossier_rules
from eiso.dossiers.models import Dossier, HandOver, Risk, Status, StepKind, WorkItem
from eiso.dossiers.querysets import InboxList
from eiso.procedures.models import Procedure

PAGE_SIZE = 50
MOVED_CHANGES = 5


def printable_forms(dossier: Dossier) -> list[dict]:
    """The forms that apply to the dossier, numbered as in the configured legal set (EISO_FORM_SET)."""
    return [
        {
            "number": form.number,
            "label": form.title,
            "pdf": reverse("dossiers:form", args=[dossier.pk, form.number, "pdf"]),
            "docx": reverse("dossiers:form", args=[dossier.pk, form.number, "docx"]),
        }
        for form in printing.forms_for(dossier)
        if form.kind != "book"
    ]


def working_time(seconds) -> str:
    """Working seconds as "2 giờ 30 phút"."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s giờ") % {"n": hours})
    if minutes or not hours:
        parts.append(_("%(n)s phút") % {"n": minutes})
    return " ".join(parts)


def _risk_now(due, at_risk_at, now) -> str:
    if due is None:
        return Risk.NONE
    if now > due:
        return Risk.OVERDUE
    if at_risk_at is not None and now >= at_risk_at:
        return Risk.AT_RISK
    return Risk.NONE


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _flash_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _act(request, service, success: str, /, **kwargs):
    """Call a service for a dossier the user can see; flash the success or the refusal.

    Unlike `core.views.run_action`, a PermissionRefused is shown as a message: the dossier was found
    through `visible_to`, so saying "you may not do this" reveals nothing (outsiders got 404 before).
    """
    try:
        result = service(**kwargs)
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result


def _dossier(request, pk) -> Dossier:
    return get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related("agency", "clock"), pk=pk
    )


def _item(request, item_pk) -> WorkItem:
    return get_object_or_404(
        WorkItem.objects.visible_to(request.user).select_related("dossier", "agency", "unit"), pk=item_pk
    )


def _back(request, dossier) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(dossier.get_absolute_url())


# --- list ------------------------------------------------------------------------------------------


@login_required
def dossier_list(request):
    """Danh sách hồ sơ: the dossiers the user may read, searched without diacritics and filtered."""
    visible = Dossier.objects.visible_to(request.user)
    procedures = Procedure.objects.filter(pk__in=visible.values("procedure")).order_by("code")
    form = dossier_forms.DossierFilterForm(request.GET or None, procedures=procedures)
    rows = visible.for_list()
    if form.is_valid():
        data = form.cleaned_data
        rows = rows.search(data["q"])
        for name in ("status", "channel", "timeliness", "risk"):
            if data[name]:
                rows = rows.filter(**{name: data[name]})
        if data["procedure"]:
            rows = rows.filter(procedure=data["procedure"])
    page = Paginator(rows.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for dossier in page:
        due = dossier.clock.due_at if dossier.clock_id else None
        dossier.live_risk = (
            (Risk.OVERDUE if due and now > due else dossier.risk) if dossier.is_open else Risk.NONE
        )
    agency = getattr(request, "active_agency", None)
    return render(
        request,
        "dossiers/list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "can_receive": bool(agency) and dossier_rules.can_receive(request.user, agency),
        },
    )


# --- the counter -----------------------------------------------------------------------------------


def _receivable_procedures(agency):
    from eiso.processes.querysets import in_force_procedure_ids

    ids = in_force_procedure_ids([agency.pk], timezone.localdate())
    return Procedure.objects.filter(pk__in=ids, current_version__isnull=False).order_by("code")


def _checklist(procedures, data, *, posted: bool, keep_fee: bool) -> dict:
    """Cases, components and the default fee of the chosen procedure / channel / case."""
    raw = str(data.get("procedure") or "")
    procedure = (
        procedures.filter(pk=int(raw)).select_related("current_version").first() if raw.isdigit() else None
    )
    context = {"procedure": procedure, "cases": [], "case": None, "rows": [], "fee": "", "time_text": ""}
    if procedure is None:
        return context
    version = procedure.current_version
    cases = list(version.cases.prefetch_related("components").order_by("order", "pk"))
    chosen = str(data.get("case") or "")
    case = next((c for c in cases if str(c.pk) == chosen), cases[0] if cases else None)
    channel = data.get("channel") or "direct"
    row = next((r for r in version.channels.prefetch_related("fees") if r.channel == channel), None)
    fee = sum((f.amount or Decimal(0) for f in row.fees.all()), Decimal(0)) if row else Decimal(0)
    if keep_fee and str(data.get("fee_amount") or "").strip():
        fee = data.get("fee_amount")
    rows = []
    for component in case.components.all() if case else ():
        prefix = f"comp-{component.pk}-"
        if posted:
            received = bool(data.get(prefix + "received"))
            original = data.get(prefix + "original") == "1"
            quantity = data.get(prefix + "quantity") or 1
        else:
            received = component.required
            original = component.originals > 0
            quantity = component.originals or component.copies or 1
        rows.append(
            {
                "component": component,
                "prefix": prefix,
                "received": received,
                "original": original,
                "quantity": quantity,
            }
        )
    context.update(
        cases=cases, case=case, rows=rows, fee=fee, time_text=row.time_text if row else "", channel=channel
    )
    return context


def _components(checklist: dict) -> list[services.ComponentLine]:
    lines = []
    for row in checklist["rows"]:
        try:
            quantity = max(1, min(99, int(row["quantity"])))
        except (TypeError, ValueError):
            quantity = 1
        lines.append(
            services.ComponentLine(
                name=row["component"].name,
                original=row["original"],
                quantity=quantity,
                received=row["received"],
                required=row["component"].required,
            )
        )
    return lines


@login_required
def receive(request):
    """Tiếp nhận hồ sơ tại quầy (form 01), or the counter's supplement request (02) or refusal (03)."""
    agency = getattr(request, "active_agency", None)
    if not agency or not dossier_rules.can_receive(request.user, agency):
        return render(request, "dossiers/receive.html", {"denied": True, "agency": agency}, status=403)
    procedures = _receivable_procedures(agency)
    form = dossier_forms.ReceiveForm(request.POST or None, procedures=procedures)
    posted = request.method == "POST"
    checklist = _checklist(
        procedures, request.POST if posted else request.GET, posted=posted, keep_fee=posted
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        checklist = _checklist(procedures, request.POST, posted=True, keep_fee=True)
        case = data["case_obj"] or checklist["case"]
        dossier = run_service(
            form,
            services.receive,
            actor=request.user,
            agency=agency,
            procedure=data["procedure"],
            channel=data["channel"],
            applicant=services.Applicant(
                name=data["applicant_name"],
                kind=data["applicant_kind"],
                id_number=data["applicant_id_number"],
                address=data["applicant_address"],
                phone=data["applicant_phone"],
                email=data["applicant_email"],
            ),
            components=_components(checklist),
            outcome=data["outcome"],
            case_name=case.name if case else "",
            sets=data["sets"],
            fee_amount=data["fee_amount"],
            missing_note=data["missing_note"],
            refusal_reason=data["refusal_reason"],
        )
        if dossier is not None:
            messages.success(
                request,
                {
                    Status.PROCESSING: _(
                        "Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả (mẫu 01)."
                    ),
                    Status.COUNTER_SUPPLEMENT: _("Đã lập phiếu yêu cầu bổ sung hồ sơ %(code)s (mẫu 02)."),
                    Status.COUNTER_REFUSED: _("Đã lập phiếu từ chối tiếp nhận hồ sơ %(code)s (mẫu 03)."),
                }[dossier.status]
                % {"code": dossier.code},
            )
            return redirect(dossier.get_absolute_url())
    return render(request, "dossiers/receive.html", {"form": form, "agency": agency, **checklist})


@login_required
def receive_checklist(request):
    """htmx: the case select, the component checklist and the fee after the procedure / channel / case
    changed (the fee typed by hand is kept when only the case changed)."""
    agency = getattr(request, "active_agency", None)
    if not agency or not dossier_rules.can_receive(request.user, agency):
        raise Http404
    keep_fee = request.headers.get("HX-Trigger-Name") == "case"
    checklist = _checklist(_receivable_procedures(agency), request.GET, posted=False, keep_fee=keep_fee)
    return render(request, "dossiers/partials/checklist.html", checklist)


# --- việc của tôi ------------------------------------------------------------------------------------


@login_required
def inbox(request):
    """Việc của tôi: open work items assigned to me or waiting for my role, the most urgent first."""
    items = InboxList(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    kinds = dict(StepKind.choices)
    # Each row's links and labels are made here once: the page is measured (docs/benchmarks.md, inbox).
    for item in page:
        item.live_risk = _risk_now(item.due_at, item.at_risk_at, now)
        item.url = item.dossier.get_absolute_url()
        item.claim_url = reverse("dossiers:claim", args=[item.pk]) if item.assignee_id is None else ""
        item.kind_label = kinds.get(item.kind, item.kind)
        item.procedure_name = Truncator(item.dossier.procedure.name).chars(80)
    return render(request, "dossiers/inbox.html", {"page": page, "query": _query(request)})


# --- the dossier page ------------------------------------------------------------------------------


def _members(agency):
    """Who a step can be forwarded to: people with a writing role in the dossier's agency today."""
    from eiso.accounts.models import Membership

    memberships = Membership.objects.active_on().filter(agency=agency, role__read_only=False)
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__in=memberships)
        .distinct()
        .order_by("full_name", "username")
    )


@login_required
def detail(request, pk):
    user = request.user
    items_qs = WorkItem.objects.select_related("assignee", "completed_by", "parent").order_by(
        "step_number", "pk"
    )
    dossier = get_object_or_404(
        Dossier.objects.visible_to(user)
        .select_related("agency", "receiving_unit", "procedure", "clock", "received_by", "process_version")
        .prefetch_related(Prefetch("work_items", queryset=items_qs), "components", "files"),
        pk=pk,
    )
    items = list(dossier.work_items.all())
    for item in items:
        item.dossier = dossier  # the rules and services read it; no query per item
    head = dossier_rules.is_head(user, dossier.agency)
    can_decide = dossier_rules.can_decide(user, dossier)
    can_desk = dossier_rules.can_close_for_applicant(user, dossier)
    can_receive = dossier_rules.can_receive(user, dossier.agency)
    allowed = set(machine.allowed_actions(dossier.status))
    design = services.design_of(dossier)
    now = timezone.now()
    members = None
    open_items = []
    for item in items:
        if item.status != "open":
            continue
        item.live_risk = _risk_now(item.due_at, item.at_risk_at, now)
        item.can_act = dossier_rules.can_act_on_item(user, item)
        item.claimable = item.can_act and item.assignee_id is None and "claim" in allowed
        item.workable = item.can_act and (item.assignee_id == user.pk or head)
        if item.workable and item.parent_id is None and item.kind != "return_to_applicant":
            outcome = "agreed" if item.kind == "approval" else "done"
            item.finishes = services.leads_to_result(dossier, item, outcome)
            item.earlier = [s for s in design.steps if s.number < item.step_number]
            if members is None:
                members = _members(dossier.agency)
            # Several open items each show these forms: ids carry the item so labels stay unique.
            auto_id = f"item{item.pk}_%s"
            item.forward_form = dossier_forms.ForwardForm(members=members, auto_id=auto_id)
            item.return_form = dossier_forms.ReturnStepForm(steps=item.earlier, auto_id=auto_id)
            item.consult_form = dossier_forms.ConsultForm(auto_id=auto_id)
        open_items.append(item)
    actions = set()
    if can_decide:
        actions |= {"request_supplement", "refuse", "extend"} & allowed
        if head:
            actions |= {"finish_processing"} & allowed
    if can_desk:
        actions |= {"supplement_received", "stop", "withdraw", "return_result"} & allowed
    if can_receive and dossier.status == Status.COUNTER_SUPPLEMENT:
        actions.add("receive")
    if dossier.extended_at is not None:
        actions.discard("extend")
    closing_actions = [
        (name, label, reverse(f"dossiers:{name}", args=[dossier.pk]), testid)
        for name, label, testid in (
            ("refuse", _("Từ chối giải quyết (mẫu 03)"), "refuse"),
            ("stop", _("Dừng xử lý theo đề nghị (mẫu 05)"), "stop"),
            ("withdraw", _("Người nộp rút hồ sơ"), "withdraw"),
        )
        if name in actions
    ]
    extension_preview = None
    if "extend" in actions and dossier.clock_id:
        extension_preview = services.extension_due(dossier, 1)
    hand_overs = list(
        HandOver.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("given_by")
        .order_by("given_at", "pk")
    )
    for row in hand_overs:
        row.allotted_text = working_time(row.allotted_seconds)
        row.used_text = working_time(row.used_seconds)
    events = decorate(AuditEvent.objects.visible_to(user).for_object(dossier).order_by("-id")[:100])
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "items": items,
            "open_items": open_items,
            "done_items": [i for i in items if i.status != "open"],
            "actions": actions,
            "closing_actions": closing_actions,
            "open_return_item": any(i.kind == "return_to_applicant" and i.workable for i in open_items),
            "head": head,
            "staff": scope_for(user).contains(dossier.agency, writable=True),
            "hand_overs": hand_overs,
            "events": events,
            "forms_list": printable_forms(dossier),
            "extension_preview": extension_preview,
            "complete_form": dossier_forms.CompleteForm(),
            "answer_form": dossier_forms.AnswerForm(),
            "supplement_form": dossier_forms.SupplementForm(),
            "extend_form": dossier_forms.ExtendForm(),
            "reason_form": dossier_forms.ReasonForm(),
            "return_form": dossier_forms.ReturnResultForm(initial={"returned_to": dossier.applicant_name}),
            "finish_form": dossier_forms.FinishForm(),
            "now": now,
        },
    )


# --- work item actions -----------------------------------------------------------------------------


@login_required
@require_POST
def claim(request, item_pk):
    item = _item(request, item_pk)
    _act(
        request,
        services.claim,
        _("Đã nhận xử lý: %(step)s.") % {"step": item.step_name},
        actor=request.user,
        item=item,
    )
    return _back(request, item.dossier)


@login_required
@require_POST
def complete(request, item_pk):
    item = _item(request, item_pk)
    form = dossier_forms.CompleteForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return _back(request, item.dossier)
    data = form.cleaned_data
    outcome = data["outcome"] if item.kind == "approval" else "done"
    success = {
        "agreed": _("Đã phê duyệt (đồng ý): %(step)s."),
        "not_agreed": _("Đã ghi ý kiến không đồng ý, hồ sơ trả lại xử lý: %(step)s."),
    }.get(outcome, _("Đã hoàn thành và chuyển bước: %(step)s.")) % {"step": item.step_name}
    _act(
        request,
        services.complete_step,
        success,
        actor=request.user,
        item=item,
        outcome=outcome,
        note=data["note"],
        result_number=data["result_number"],
        result_summary=data["result_summary"],
    )
    return _back(request, item.dossier)


def _item_action(request, item, form, service, success, build):
    """A work-item action: a valid form → the service (its refusal shown as a message) → the dossier."""
    if form.is_valid():
        data = form.cleaned_data
        _act(request, service, success(data), actor=request.user, item=item, **build(data))
    else:
        _flash_form_errors(request, form)
    return _back(request, item.dossier)


@login_required
@require_POST
def return_step(request, item_pk):
    item = _item(request, item_pk)
    design = services.design_of(item.dossier)
    form = dossier_forms.ReturnStepForm(
        request.POST, steps=[s for s in design.steps if s.number < item.step_number]
    )
    return _item_action(
        request,
        item,
        form,
        services.return_to_step,
        lambda d: _("Đã trả lại bước %(n)s.") % {"n": d["step_number"]},
        lambda d: {"step_number": d["step_number"], "note": d["note"]},
    )


@login_required
@require_POST
def forward(request, item_pk):
    item = _item(request, item_pk)
    form = dossier_forms.ForwardForm(request.POST, members=_members(item.agency))
    return _item_action(
        request,
        item,
        form,
        services.forward,
        lambda d: (
            _("Đã chuyển cho %(who)s.") % {"who": d["to_user"].get_full_name() or d["to_user"].get_username()}
        ),
        lambda d: {"to_user": d["to_user"], "note": d["note"]},
    )


@login_required
@require_POST
def consult(request, item_pk):
    item = _item(request, item_pk)
    return _item_action(
        request,
        item,
        dossier_forms.ConsultForm(request.POST),
        services.consult,
        lambda d: _("Đã gửi lấy ý kiến %(body)s.") % {"body": d["body"]},
        lambda d: {"body": d["body"], "hours": d["hours"], "note": d["note"]},
    )


@login_required
@require_POST
def answer(request, item_pk):
    item = _item(request, item_pk)
    return _item_action(
        request,
        item,
        dossier_forms.AnswerForm(request.POST),
        services.answer_consultation,
        lambda d: _("Đã ghi ý kiến trả lời."),
        lambda d: {"note": d["note"]},
    )


# --- dossier actions -------------------------------------------------------------------------------


def _dossier_action(request, pk, form_class, service, success, build):
    dossier = _dossier(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        _flash_form_errors(request, form)
        return _back(request, dossier)
    kwargs = build(form.cleaned_data if form is not None else {})
    _act(request, service, success % {"code": dossier.code}, actor=request.user, dossier=dossier, **kwargs)
    return _back(request, dossier)


@login_required
@require_POST
def receive_completed(request, pk):
    return _dossier_action(
        request,
        pk,
        None,
        services.receive_completed,
        _("Đã tiếp nhận hồ sơ %(code)s (đã đủ giấy tờ); in giấy tiếp nhận (mẫu 01)."),
        lambda d: {},
    )


@login_required
@require_POST
def request_supplement(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.SupplementForm,
        services.request_supplement,
        _("Đã yêu cầu bổ sung hồ sơ %(code)s (mẫu 02); thời hạn tạm dừng chờ người nộp."),
        lambda d: {"missing_note": d["missing_note"]},
    )


@login_required
@require_POST
def supplement_received(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.NoteForm,
        services.supplement_received,
        _("Đã nhận hồ sơ bổ sung %(code)s; thời hạn giải quyết tính lại từ đầu."),
        lambda d: {"note": d["note"]},
    )


@login_required
@require_POST
def extend(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.ExtendForm,
        services.extend,
        _("Đã lập phiếu xin lỗi và hẹn lại (mẫu 04) cho hồ sơ %(code)s."),
        lambda d: {"extra_working_days": d["extra_working_days"], "reason": d["reason"]},
    )


@login_required
def extend_preview(request, pk):
    """htmx: the appointment an extension of N working days would give (nothing is written)."""
    dossier = _dossier(request, pk)
    try:
        days = int(request.GET.get("extra_working_days", "1"))
    except ValueError:
        days = 0
    due = services.extension_due(dossier, days) if 1 <= days <= 60 and dossier.clock_id else None
    return render(request, "dossiers/partials/extension_preview.html", {"due": due, "days": days})


@login_required
@require_POST
def refuse(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.ReasonForm,
        services.refuse,
        _("Đã từ chối giải quyết hồ sơ %(code)s (mẫu 03)."),
        lambda d: {"reason": d["reason"]},
    )


@login_required
@require_POST
def stop(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.ReasonForm,
        services.stop,
        _("Đã dừng xử lý hồ sơ %(code)s (mẫu 05)."),
        lambda d: {"reason": d["reason"]},
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.ReasonForm,
        services.withdraw,
        _("Đã ghi nhận người nộp rút hồ sơ %(code)s."),
        lambda d: {"reason": d["reason"]},
    )


@login_required
@require_POST
def return_result(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.ReturnResultForm,
        services.return_result,
        _("Đã trả kết quả hồ sơ %(code)s."),
        lambda d: {"returned_to": d["returned_to"], "method": d["method"]},
    )


@login_required
@require_POST
def finish(request, pk):
    return _dossier_action(
        request,
        pk,
        dossier_forms.FinishForm,
        services.finish_processing,
        _("Hồ sơ %(code)s đã có kết quả giải quyết."),
        lambda d: {"result_number": d["result_number"], "result_summary": d["result_summary"]},
    )


# --- appointments moved by a calendar change -------------------------------------------------------


@login_required
def moved(request):
    """Hẹn lại do đổi lịch: open dossiers whose appointment moved with the latest calendar changes, with
    the applicant's phone, so the desk can call them."""
    from eiso.calendars.models import CalendarChange

    changes = list(
        CalendarChange.objects.visible_to(request.user)
        .select_related("agency")
        .order_by("-created_at", "-pk")[:MOVED_CHANGES]
    )
    groups = []
    for change in changes:
        dossiers = services.moved_appointments(change) if change.moved_ids else []
        visible = set(
            Dossier.objects.visible_to(request.user)
            .filter(pk__in=[d.pk for d in dossiers])
            .values_list("pk", flat=True)
        )
        groups.append({"change": change, "dossiers": [d for d in dossiers if d.pk in visible]})
    return render(request, "dossiers/moved.html", {"groups": groups})
