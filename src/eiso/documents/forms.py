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


class NumberingSchemeForm(StyledForm):
    pattern = forms.CharField(
        label=_("Mẫu mã"),
        max_length=50,
        help_text=_(
            "{n} là số thứ tự; {n:02d} viết đủ 2 chữ số (07), {n:03d} đủ 3 chữ số (007). "
            "Ví dụ: QT.HT-{n:02d} → QT.HT-07."
        ),
        widget=forms.TextInput(attrs={"class": "form-control font-monospace", "autocomplete": "off"}),
    )
    next_number = forms.IntegerField(
        label=_("Số tiếp theo"),
        min_value=1,
        max_value=99999,
        help_text=_("số thứ tự của tài liệu được thêm tiếp theo; mã đã có trong danh mục được bỏ qua"),
    )


class DocumentEditForm(StyledForm):
    """Sửa thông tin tài liệu: canonical metadata and links; the versions' files are not here."""

    title = forms.CharField(label=_("Tên tài liệu"), max_length=500)
    owner_unit = forms.ModelChoiceField(
        label=_("Đơn vị chủ trì"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("— chưa chọn đơn vị —"),
    )
    review_months = forms.IntegerField(label=_("Chu kỳ soát xét (tháng)"), min_value=1, max_value=60)
    confidentiality = forms.ChoiceField(label=_("Mức độ mật"), choices=Confidentiality.choices)
    effective_date = forms.DateField(
        label=_("Ngày hiệu lực của lần ban hành đang hiệu lực"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("sửa khi ngày hiệu lực đã ghi sai; hạn soát xét định kỳ được tính lại"),
    )
    process = forms.ModelChoiceField(
        label=_("Quy trình nội bộ liên quan"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("— không gắn quy trình —"),
    )
    external_documents = forms.ModelMultipleChoiceField(
        label=_("Văn bản pháp luật, tài liệu bên ngoài viện dẫn"),
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("khi văn bản được chọn bị thay thế, tài liệu này được đánh dấu cần rà soát"),
    )

    def __init__(self, *args, units=None, processes=None, externals=None, with_effective_date=True, **kw):
        super().__init__(*args, **kw)
        self.fields["owner_unit"].queryset = units if units is not None else Agency.objects.none()
        self.fields["process"].queryset = processes if processes is not None else Agency.objects.none()
        self.fields["external_documents"].queryset = (
            externals if externals is not None else Agency.objects.none()
        )
        self.fields["external_documents"].widget.attrs["class"] = "form-check-input"
        self.fields["external_documents"].label_from_instance = _external_label
        if not with_effective_date:
            del self.fields["effective_date"]


def _external_label(entry) -> str:
    legal = entry.legal_document
    return f"{legal.number} — {legal.title}" if legal.title else legal.number
