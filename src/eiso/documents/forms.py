"""Forms of the register pages. Validation of content lives in the services; these parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.documents.models import Confidentiality, DocumentKind, ExternalKind, VersionStatus
from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.organizations.models import Agency


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RegisterFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Mã, tên, nội dung (không cần dấu)")}),
    )
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả loại"))] + DocumentKind.choices
    )
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Mọi tình trạng"))] + VersionStatus.choices
    )
    unit = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), required=False, queryset=Agency.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Agency.objects.none()


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Tên tài liệu"), max_length=500)
    code = forms.CharField(
        label=_("Mã tài liệu"),
        max_length=50,
        required=False,
        help_text=_("để trống: đánh mã tự động theo loại"),
    )
    owner_unit = forms.ModelChoiceField(
        label=_("Đơn vị chủ trì"), required=False, queryset=Agency.objects.none()
    )
    review_months = forms.IntegerField(
        label=_("Chu kỳ soát xét (tháng)"), min_value=1, max_value=60, initial=12
    )
    confidentiality = forms.ChoiceField(
        label=_("Mức độ mật"), choices=Confidentiality.choices, initial="internal"
    )
    file = forms.FileField(label=_("Tệp dự thảo (DOCX, PDF, XLSX, ảnh)"), required=False)
    change_summary = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units if units is not None else Agency.objects.none()


class UploadForm(StyledForm):
    file = forms.FileField(label=_("Tệp (DOCX, PDF, XLSX, ảnh)"))
    change_summary = forms.CharField(
        label=_("Tóm tắt thay đổi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(StyledForm):
    password = forms.CharField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("nhập lại mật khẩu để ký xác nhận"),
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=500)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IssueForm(StyledForm):
    effective_date = forms.DateField(label=_("Hiệu lực từ ngày"), widget=DATE_WIDGET)


class DistributeForm(StyledForm):
    units = forms.ModelMultipleChoiceField(label=_("Đơn vị"), required=False, queryset=Agency.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units if units is not None else Agency.objects.none()


class ChangeRequestForm(StyledForm):
    text = forms.CharField(label=_("Nội dung đề nghị sửa đổi"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(StyledForm):
    accept = forms.ChoiceField(
        label=_("Quyết định"), choices=[("1", _("Chấp nhận")), ("0", _("Không chấp nhận"))]
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)


class ExternalForm(StyledForm):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100)
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=ExternalKind.choices)
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, widget=DATE_WIDGET)
    effective_from = forms.DateField(label=_("Ngày có hiệu lực"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Hết hiệu lực"), required=False, widget=DATE_WIDGET)
    link = forms.URLField(label=_("Đường dẫn"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Tệp"), required=False)


class ReplaceForm(StyledForm):
    replacement_number = forms.CharField(label=_("Số, ký hiệu văn bản thay thế"), max_length=100)
    replacement_title = forms.CharField(label=_("Trích yếu văn bản thay thế"), max_length=500, required=False)
    effective_date = forms.DateField(label=_("Thay thế từ ngày"), widget=DATE_WIDGET)


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("Tệp XLSX"),
        help_text=_(
            "cột: Số ký hiệu, Loại, Trích yếu, Cơ quan ban hành, Ngày ban hành, Ngày hiệu lực, Hết hiệu lực, Đường dẫn"
        ),
    )
