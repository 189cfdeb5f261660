"""Page forms of the process designer. They only parse input; the services decide what is allowed."""

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.processes.design import END, HOURS_PER_DAY, StepDesign
from eiso.processes.design.text import KIND_LABELS_VI
from eiso.processes.editing import columns_of, transitions_from
from eiso.processes.models import ProcessStatus, ReviewReason

KIND_CHOICES = [
    ("task", _("Xử lý")),
    ("approval", _("Phê duyệt (có nhánh không đồng ý)")),
    ("consultation", _("Lấy ý kiến cơ quan khác (song song)")),
    ("return_to_applicant", _("Trả kết quả cho người nộp")),
]
assert [k for k, _label in KIND_CHOICES] == list(KIND_LABELS_VI)  # same kinds as the pure model

TIME_UNIT_CHOICES = [("hours", _("giờ làm việc")), ("days", _("ngày (đơn vị 0,5 ngày)"))]
END_WORDS = {"end", "kt", "ket thuc", "kết thúc"}


class ProcessFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Mã, tên quy trình, mã thủ tục… (không cần dấu)")}),
    )
    agency = forms.TypedChoiceField(label=_("Cơ quan"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Phiên bản mới nhất"),
        required=False,
        choices=[("", _("Mọi tình trạng")), *ProcessStatus.choices],
    )
    review = forms.ChoiceField(
        label=_("Rà soát"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Cần rà soát"))],
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Mọi cơ quan")), *[(a.pk, a.name) for a in agencies]]
        _style(self)


class ProcessCreateForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    procedure = forms.TypedChoiceField(
        label=_("Thủ tục hành chính"),
        coerce=int,
        help_text=_("Các thủ tục cơ quan đang thực hiện; thủ tục đã có quy trình được ghi chú."),
    )
    shared_with = forms.TypedMultipleChoiceField(
        label=_("Thủ tục tương tự dùng chung quy trình (nếu có)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    code = forms.CharField(
        label=_("Mã quy trình"),
        max_length=50,
        required=False,
        help_text=_("Để trống: QT-<mã thủ tục>"),
    )
    name = forms.CharField(
        label=_("Tên quy trình"), max_length=500, required=False, help_text=_("Để trống: theo tên thủ tục")
    )
    starter = forms.BooleanField(
        label=_("Tạo sẵn các bước thường gặp (tiếp nhận, thẩm định, trình ký, ký duyệt, trả kết quả)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, agencies=(), procedures=(), covered=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        labels = []
        for p in procedures:
            label = f"{p.code} — {p.name}"
            if p.pk in covered:
                label += " " + str(_("(đã có quy trình)"))
            labels.append((p.pk, label))
        self.fields["procedure"].choices = [("", _("— Chọn thủ tục —")), *labels]
        self.fields["shared_with"].choices = labels
        _style(self)
        self.fields["shared_with"].widget.attrs.pop("class", None)
        # Another agency settles other procedures: reload the page for it.
        self.fields["agency"].widget.attrs["onchange"] = "window.location.search = '?agency=' + this.value"

    def procedure_ids(self) -> list[int]:
        return list(
            dict.fromkeys([self.cleaned_data["procedure"], *self.cleaned_data.get("shared_with", [])])
        )


class ProcessEditForm(forms.Form):
    code = forms.CharField(label=_("Mã quy trình"), max_length=50)
    name = forms.CharField(label=_("Tên quy trình"), max_length=500)
    procedures = forms.TypedMultipleChoiceField(
        label=_("Thủ tục hành chính áp dụng"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ đổi được khi phiên bản mới nhất là dự thảo."),
    )

    def __init__(self, *args, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = [(p.pk, f"{p.code} — {p.name}") for p in procedures]
        _style(self)
        self.fields["procedures"].widget.attrs.pop("class", None)


def parse_targets(text: str) -> list[int | str]:
    """ "3, 4" → [3, 4]; "kết thúc" → ["end"]; "" → []."""
    text = (text or "").strip().lower()
    if not text:
        return []
    if text in END_WORDS:
        return [END]
    targets: list[int | str] = []
    for part in re.split(r"[\s,;]+", text):
        if not part:
            continue
        if part in END_WORDS:
            targets.append(END)
        elif part.isdigit() and int(part) > 0:
            targets.append(int(part))
        else:
            raise forms.ValidationError(
                _("Ghi số bước, cách nhau bởi dấu phẩy (ví dụ: 3, 4), hoặc “kết thúc”."), code="targets"
            )
    return list(dict.fromkeys(targets))


class StepForm(forms.Form):
    """One row of the steps table. `next_steps` empty: on to the next step; several: in parallel."""

    position = forms.IntegerField(label=_("Bước"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Tên bước"), max_length=255)
    unit = forms.CharField(label=_("Đơn vị thực hiện"), max_length=255, required=False)
    role = forms.CharField(label=_("Người thực hiện"), max_length=255, required=False)
    work_content = forms.CharField(
        label=_("Nội dung công việc"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    time_value = forms.DecimalField(
        label=_("Thời gian"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    time_unit = forms.ChoiceField(label=_("Đơn vị thời gian"), choices=TIME_UNIT_CHOICES, initial="hours")
    output = forms.CharField(label=_("Biểu mẫu, kết quả"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Loại bước"), choices=KIND_CHOICES, initial="task")
    next_steps = forms.CharField(
        label=_("Chuyển tới bước"),
        required=False,
        max_length=100,
        help_text=_("Để trống: bước kế tiếp. Nhiều bước (3, 4): chạy song song. “kết thúc”: kết thúc."),
    )
    not_agreed = forms.IntegerField(
        label=_("Nếu không đồng ý, trả lại bước"), required=False, min_value=1, max_value=999
    )
    not_agreed_label = forms.CharField(label=_("Ghi chú nhánh trả lại"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["time_value"].widget.attrs["inputmode"] = "decimal"

    @classmethod
    def initial_for(cls, design, step: StepDesign) -> dict:
        nexts, back, label = columns_of(design, step)
        in_days = step.time_unit == "days"
        return {
            "position": step.number,
            "name": step.name,
            "unit": step.unit,
            "role": step.role,
            "work_content": step.work_content,
            "time_value": (step.hours / HOURS_PER_DAY if in_days else step.hours).normalize(),
            "time_unit": step.time_unit,
            "output": step.output,
            "kind": step.kind,
            "next_steps": ", ".join("kết thúc" if t == END else str(t) for t in nexts),
            "not_agreed": back,
            "not_agreed_label": label,
        }

    def clean_next_steps(self):
        return parse_targets(self.cleaned_data.get("next_steps", ""))

    def clean(self):
        data = super().clean()
        if data.get("time_unit") == "days" and data.get("time_value") is not None:
            if (data["time_value"] * 2) % 1:
                self.add_error("time_value", _("Theo ngày, thời gian tính theo đơn vị 0,5 ngày (4 giờ)."))
        if data.get("not_agreed") and data.get("kind") != "approval":
            self.add_error("not_agreed", _("Chỉ bước phê duyệt mới có nhánh “không đồng ý”."))
        return data

    def to_step(self) -> StepDesign:
        data = self.cleaned_data
        value = Decimal(data["time_value"])
        hours = value * HOURS_PER_DAY if data["time_unit"] == "days" else value
        return StepDesign(
            number=data["position"],
            name=data["name"].strip(),
            unit=data["unit"].strip(),
            role=data["role"].strip(),
            work_content=data["work_content"].strip(),
            hours=hours,
            time_unit=data["time_unit"],
            output=data["output"].strip(),
            kind=data["kind"],
            transitions=transitions_from(
                data["next_steps"],
                data.get("not_agreed"),
                data["kind"],
                not_agreed_label=data.get("not_agreed_label", "").strip(),
            ),
        )


class HeaderForm(forms.Form):
    legal_bases = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi văn bản một dòng."),
    )
    description = forms.CharField(
        label=_("Phạm vi áp dụng"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_note = forms.CharField(
        label=_("Nội dung sửa đổi so với phiên bản trước"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["legal_bases"].splitlines() if line.strip()]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class InForceForm(forms.Form):
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET, initial=datetime.date.today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NewVersionForm(forms.Form):
    change_note = forms.CharField(
        label=_("Lý do sửa đổi"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Kết quả rà soát"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đã ban hành phiên bản 03; hoặc: quy trình vẫn phù hợp, không cần sửa."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[
            ("", _("Đang mở (quá hạn trước)")),
            ("overdue", _("Quá hạn")),
            ("soon", _("Đến hạn trong 30 ngày")),
            ("resolved", _("Đã rà soát")),
            ("all", _("Tất cả")),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Lý do"), required=False, choices=[("", _("Mọi lý do")), *ReviewReason.choices]
    )
    agency = forms.TypedChoiceField(label=_("Cơ quan"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Mọi cơ quan")), *[(a.pk, a.name) for a in agencies]]
        _style(self)
