import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.procedures.models import VersionStatus


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục thủ tục"),
        help_text=_("JSON theo cấu trúc Cổng Dịch vụ công quốc gia hoặc XLSX theo mẫu (xem hướng dẫn)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )
    default_status = forms.ChoiceField(
        label=_("Phiên bản mới được"),
        choices=[
            (VersionStatus.PUBLISHED, _("công bố, áp dụng ngay")),
            (VersionStatus.DRAFT, _("lưu dự thảo")),
        ],
        initial=VersionStatus.PUBLISHED,
        help_text=_("Áp dụng cho bản ghi không ghi rõ tình trạng (status)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AssignForm(forms.Form):
    codes = forms.CharField(
        label=_("Mã thủ tục"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "1.001193, 1.000656"}),
        help_text=_("Một hoặc nhiều mã, cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng."),
    )
    valid_from = forms.DateField(
        label=_("Thực hiện từ ngày"), widget=DATE_WIDGET, initial=datetime.date.today
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_codes(self):
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["codes"]) if code]
        if not codes:
            raise forms.ValidationError(_("Nhập ít nhất một mã thủ tục."))
        return list(dict.fromkeys(codes))


class EndAssignmentForm(forms.Form):
    last_day = forms.DateField(
        label=_("Ngày cuối cùng thực hiện"), widget=DATE_WIDGET, initial=datetime.date.today
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PublishForm(forms.Form):
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReplaceDocumentForm(forms.Form):
    replacement_number = forms.CharField(label=_("Số, ký hiệu văn bản thay thế"), max_length=100)
    replacement_title = forms.CharField(label=_("Trích yếu văn bản thay thế"), max_length=500, required=False)
    effective_date = forms.DateField(label=_("Có hiệu lực từ ngày"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CoverageForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        _style(self)
