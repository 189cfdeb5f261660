import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.organizations.models import Agency, AgencyKind

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "form-control"})


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class AgencyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Tên, mã... (không cần dấu)")}),
    )
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả loại"))] + AgencyKind.choices
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("active", _("Đang hoạt động")), ("ended", _("Đã kết thúc")), ("all", _("Tất cả"))],
    )
    as_of = forms.DateField(label=_("Tại ngày"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AgencyCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên cơ quan, đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=AgencyKind.choices)
    admin_code = forms.CharField(
        label=_("Mã đơn vị hành chính"),
        max_length=5,
        required=False,
        help_text=_("2 chữ số với tỉnh, 5 chữ số với xã, phường, đặc khu"),
    )
    electronic_id = forms.CharField(
        label=_("Mã định danh điện tử"),
        max_length=35,
        required=False,
        help_text=_("Theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.15.H33"),
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_WIDGET, initial=datetime.date.today)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AgencyChangeForm(forms.Form):
    """A change that makes a new version from `effective_from`."""

    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET)
    name = forms.CharField(label=_("Tên cơ quan, đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=AgencyKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Cơ quan cấp trên"), queryset=Agency.objects.none(), required=False
    )
    admin_code = forms.CharField(label=_("Mã đơn vị hành chính"), max_length=5, required=False)
    electronic_id = forms.CharField(label=_("Mã định danh điện tử"), max_length=35, required=False)
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=255)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=255, required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents
        _style(self)


class ContactsForm(forms.Form):
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    website = forms.URLField(label=_("Trang thông tin"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class DissolveForm(forms.Form):
    last_day = forms.DateField(label=_("Ngày cuối cùng hoạt động"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do"), max_length=255)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class OversightGrantForm(forms.Form):
    """Giao phạm vi theo dõi: the agency on the page oversees the subtree under `root`."""

    root = forms.ModelChoiceField(label=_("Cây con được theo dõi"), queryset=Agency.objects.none())
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_WIDGET, initial=datetime.date.today)
    valid_to = forms.DateField(label=_("Hiệu lực đến"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, roots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roots is not None:
            self.fields["root"].queryset = roots
        _style(self)
