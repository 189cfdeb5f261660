import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from eiso.accounts.models import Role
from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.organizations.models import Agency


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập (hoặc thư điện tử) hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khoá."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập hoặc thư điện tử")
        self.fields["password"].label = _("Mật khẩu")
        _style(self)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Họ tên, tên đăng nhập, thư điện tử")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RoleChoiceMixin(forms.Form):
    agency = forms.ModelChoiceField(label=_("Cơ quan, đơn vị"), queryset=Agency.objects.none())
    role = forms.ModelChoiceField(label=_("Vai trò"), queryset=Role.objects.all(), to_field_name="code")
    include_descendants = forms.BooleanField(
        label=_("Gồm cả các đơn vị trực thuộc"), required=False, initial=True
    )

    def __init__(self, *args, agencies=None, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if roles is not None:
            self.fields["role"].queryset = roles


class UserCreateForm(RoleChoiceMixin):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Để trống: người dùng đặt mật khẩu qua chức năng quên mật khẩu."),
    )
    field_order = [
        "username",
        "full_name",
        "email",
        "phone",
        "position",
        "password",
        "agency",
        "role",
        "include_descendants",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        _style(self)


class MembershipForm(RoleChoiceMixin):
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_WIDGET, initial=datetime.date.today)
    valid_to = forms.DateField(label=_("Hiệu lực đến"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class UserStatusForm(forms.Form):
    is_active = forms.BooleanField(label=_("Tài khoản đang hoạt động"), required=False)
