import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.calendars.inputs import UNIT_LABELS
from eiso.calendars.models import EntryKind, YearStatus
from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.organizations.models import Agency

UNIT_CHOICES = [
    ("working_days", _("ngày làm việc")),
    ("working_hours", _("giờ làm việc")),
    ("calendar_days", _("ngày (theo lịch, kể cả ngày nghỉ)")),
    ("months", _("tháng")),
]
MODE_CHOICES = [
    ("hours", _("Quy ra giờ (1 ngày = 8 giờ)")),
    ("days", _("Theo ngày (không tính ngày nhận)")),
]
WEEKDAYS = [
    ("0", _("Thứ Hai")),
    ("1", _("Thứ Ba")),
    ("2", _("Thứ Tư")),
    ("3", _("Thứ Năm")),
    ("4", _("Thứ Sáu")),
    ("5", _("Thứ Bảy")),
    ("6", _("Chủ nhật")),
]
assert set(UNIT_LABELS) == {code for code, _label in UNIT_CHOICES}


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ("\u2003" * max(0, obj.depth)) + obj.name  # indent by depth: the tree shows in the list


def calendar_agencies(user, selected=None):
    """Agencies offered in the pickers: those in the user's scope, without internal units (they use
    their parent's calendar), at most 600, always including `selected`."""
    from django.db.models import Q

    qs = (
        Agency.objects.visible_to(user)
        .active_on()
        .exclude(kind="internal_unit")
        .order_by("path")
        .only("pk", "name", "depth", "path", "kind")
    )
    ids = list(qs.values_list("pk", flat=True)[:600])
    if selected is not None:
        ids.append(selected.pk)
    return Agency.objects.filter(Q(pk__in=ids)).order_by("path")


class DeadlineForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy HH:MM"}),
        help_text=_("ví dụ 31/12/2025 15:30"),
    )
    amount = forms.DecimalField(
        label=_("Thời hạn"),
        max_digits=12,
        decimal_places=4,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=UNIT_CHOICES, initial="working_days")
    mode = forms.ChoiceField(
        label=_("Cách tính"),
        choices=MODE_CHOICES,
        initial="hours",
        required=False,
        help_text=_(
            "theo ngày (Bộ luật Dân sự, Điều 147): hạn là hết giờ làm việc của ngày làm việc cuối cùng"
        ),
    )
    agency = AgencyChoiceField(
        label=_("Cơ quan giải quyết"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Lịch toàn quốc (giờ làm việc mặc định)"),
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        _style(self)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Loại ngày"), choices=EntryKind.choices)
    name_vi = forms.CharField(label=_("Tên (tiếng Việt)"), max_length=255)
    name_en = forms.CharField(label=_("Tên (tiếng Anh)"), max_length=255, required=False)
    legal_reference = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=500,
        required=False,
        help_text=_("ví dụ Công văn 12729/VPCP-KGVX ngày 25/12/2025"),
    )
    agency = AgencyChoiceField(
        label=_("Phạm vi áp dụng"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Toàn quốc"),
        help_text=_(
            "ngày của một tỉnh hay cơ quan áp dụng cho cả các cơ quan trực thuộc và thay ngày toàn quốc cùng ngày"
        ),
    )
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)

    def __init__(self, *args, agencies=None, allow_national=True, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if not allow_national:
            self.fields["agency"].required = True
            self.fields["agency"].empty_label = None
        _style(self)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp lịch nghỉ (CSV, XLSX hoặc JSON)"))
    agency = AgencyChoiceField(
        label=_("Phạm vi áp dụng"), queryset=Agency.objects.none(), required=False, empty_label=_("Toàn quốc")
    )
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=1990,
        max_value=2150,
        required=False,
        help_text=_("để trống: lấy theo các ngày trong tệp"),
    )
    status = forms.ChoiceField(
        label=_("Tình trạng năm (lịch toàn quốc)"), choices=YearStatus.choices, initial=YearStatus.OFFICIAL
    )
    legal_reference = forms.CharField(label=_("Căn cứ pháp lý của lịch năm"), max_length=500, required=False)
    replace = forms.BooleanField(
        label=_("Xoá các ngày của năm không có trong tệp"), required=False, initial=True
    )

    def __init__(self, *args, agencies=None, allow_national=True, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if not allow_national:
            self.fields["agency"].required = True
            self.fields["agency"].empty_label = None
        _style(self)


class ScheduleForm(forms.Form):
    morning_start = forms.TimeField(label=_("Buổi sáng từ"), initial=datetime.time(8))
    morning_end = forms.TimeField(label=_("Buổi sáng đến"), initial=datetime.time(12))
    afternoon_start = forms.TimeField(label=_("Buổi chiều từ"), required=False, initial=datetime.time(13))
    afternoon_end = forms.TimeField(label=_("Buổi chiều đến"), required=False, initial=datetime.time(17))
    weekdays = forms.MultipleChoiceField(
        label=_("Ngày làm việc trong tuần"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        initial=["0", "1", "2", "3", "4"],
    )
    reception_cutoff = forms.TimeField(
        label=_("Giờ tiếp nhận cuối"),
        required=False,
        initial=datetime.time(15),
        help_text=_("hồ sơ nhận từ giờ này được tính từ ngày làm việc tiếp theo; để trống nếu không áp dụng"),
    )
    legal_reference = forms.CharField(label=_("Căn cứ"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["weekdays"].widget.attrs["class"] = "form-check-input"

    def weekmask(self) -> str:
        days = set(self.cleaned_data["weekdays"])
        return "".join("1" if str(i) in days else "0" for i in range(7))


class YearStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=YearStatus.choices)
    legal_reference = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
