"""Forms of the dossier pages: the counter (tiếp nhận), the list filter and the small action forms.

Forms only check the shape of the input; the services decide (state machine, rules, time windows) and
their refusals come back as messages on the page.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eiso.dossiers.models import ApplicantKind, Channel, ReturnMethod, Risk, Status, Timeliness
from eiso.organizations.forms import _style


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


def _area(rows: int = 2, placeholder=None):
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class DossierFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Mã hồ sơ, người nộp, điện thoại, thủ tục (không cần dấu)")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả trạng thái")), *Status.choices]
    )
    channel = forms.ChoiceField(
        label=_("Cách thức nộp"), required=False, choices=[("", _("Mọi cách thức")), *Channel.choices]
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"), required=False, queryset=None, empty_label=_("Mọi thủ tục")
    )
    timeliness = forms.ChoiceField(
        label=_("Kết quả đúng hạn"),
        required=False,
        choices=[("", _("Tất cả")), *Timeliness.choices],
    )
    risk = forms.ChoiceField(
        label=_("Cảnh báo"),
        required=False,
        choices=[("", _("Tất cả")), (Risk.AT_RISK, Risk.AT_RISK.label), (Risk.OVERDUE, Risk.OVERDUE.label)],
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} — {p.name}"


class ReceiveForm(StyledForm):
    """Tiếp nhận hồ sơ tại bộ phận một cửa. The checklist rows (comp-<pk>-…) are read by the view."""

    procedure = forms.ModelChoiceField(
        label=_("Thủ tục hành chính"), queryset=None, empty_label=_("— Chọn thủ tục —")
    )
    channel = forms.ChoiceField(label=_("Cách thức nộp"), choices=Channel.choices, initial=Channel.DIRECT)
    case = forms.IntegerField(label=_("Trường hợp"), required=False)
    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON
    )
    applicant_name = forms.CharField(label=_("Họ tên người nộp / tên tổ chức"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế"), max_length=20, required=False
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=99, initial=1)
    fee_amount = forms.DecimalField(
        label=_("Phí, lệ phí (đồng)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )
    missing_note = forms.CharField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện (mẫu 02)"),
        required=False,
        widget=_area(2, _("Nêu đầy đủ, một lần các nội dung cần bổ sung")),
    )
    refusal_reason = forms.CharField(
        label=_("Lý do từ chối tiếp nhận (mẫu 03)"), required=False, widget=_area(2)
    )
    outcome = forms.ChoiceField(
        choices=[
            ("received", _("Tiếp nhận")),
            ("supplement", _("Yêu cầu bổ sung")),
            ("refused", _("Từ chối")),
        ]
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        field.queryset = procedures
        field.label_from_instance = lambda p: f"{p.code} — {p.name}"
        reload = {
            "hx-get": reverse("dossiers:receive_checklist"),
            "hx-target": "#checklist-block",
            "hx-include": "closest form",
            "hx-trigger": "change",
        }
        field.widget.attrs.update({"data-testid": "procedure", **reload})
        self.fields["channel"].widget.attrs.update({"data-testid": "channel", **reload})

    def applicant_fields(self):
        names = (
            "applicant_name",
            "applicant_id_number",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
        )
        return [self[name] for name in names]

    def clean(self):
        data = super().clean()
        procedure, case = data.get("procedure"), data.get("case")
        data["case_obj"] = None
        if procedure is not None and case:
            from eiso.procedures.models import DossierCase

            found = DossierCase.objects.filter(pk=case, version_id=procedure.current_version_id).first()
            if found is None:
                self.add_error("case", _("Trường hợp không thuộc thủ tục đã chọn."))
            data["case_obj"] = found
        return data


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=_area(2))


class CompleteForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Ý kiến"),
        choices=[("done", _("Hoàn thành")), ("agreed", _("Đồng ý")), ("not_agreed", _("Không đồng ý"))],
        initial="done",
    )
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=_area(2))
    result_number = forms.CharField(label=_("Số văn bản kết quả"), max_length=100, required=False)
    result_summary = forms.CharField(label=_("Trích yếu kết quả"), required=False, widget=_area(2))


class ReturnStepForm(StyledForm):
    step_number = forms.TypedChoiceField(label=_("Trả lại bước"), coerce=int, choices=())
    note = forms.CharField(label=_("Lý do trả lại"), widget=_area(2))

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step_number"].choices = [(s.number, f"{s.number}. {s.name}") for s in steps]


class ForwardForm(StyledForm):
    to_user = forms.ModelChoiceField(label=_("Chuyển cho"), queryset=None, empty_label=_("— Chọn người —"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=_area(2))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = members
        self.fields["to_user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ConsultForm(StyledForm):
    body = forms.CharField(label=_("Cơ quan, đơn vị được lấy ý kiến"), max_length=255)
    hours = forms.DecimalField(
        label=_("Thời hạn trả lời (giờ làm việc)"), min_value=0, max_digits=6, decimal_places=1, initial=8
    )
    note = forms.CharField(label=_("Nội dung xin ý kiến"), required=False, widget=_area(2))


class AnswerForm(StyledForm):
    note = forms.CharField(label=_("Ý kiến trả lời"), widget=_area(2))


class SupplementForm(StyledForm):
    missing_note = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện (mẫu 02)"),
        widget=_area(3, _("Nêu đầy đủ, một lần các nội dung cần bổ sung")),
    )


class ExtendForm(StyledForm):
    extra_working_days = forms.IntegerField(
        label=_("Số ngày làm việc gia hạn"), min_value=1, max_value=60, initial=1
    )
    reason = forms.CharField(label=_("Lý do chậm (mẫu 04)"), widget=_area(2))


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Lý do"), widget=_area(2))


class ReturnResultForm(StyledForm):
    returned_to = forms.CharField(label=_("Người nhận kết quả"), max_length=255)
    method = forms.ChoiceField(
        label=_("Hình thức trả"), choices=ReturnMethod.choices, initial=ReturnMethod.COUNTER
    )


class FinishForm(StyledForm):
    result_number = forms.CharField(label=_("Số văn bản kết quả"), max_length=100)
    result_summary = forms.CharField(label=_("Trích yếu kết quả"), required=False, widget=_area(2))
