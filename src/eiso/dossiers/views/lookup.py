"""/tra-cuu-ho-so/: the public status page of a dossier (no login). The QR code printed on the forms
opens `/tra-cuu-ho-so/?ma=<code>` with the code filled in; the citizen adds the lookup secret (or the
last four digits of the phone) and submits. Logic, rate limit and answer shape: `eiso.dossiers.api.lookup`.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from eiso.dossiers.api.lookup import lookup, normalise_code, rate_limited, too_many_message


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "off", "placeholder": "000.00.00.H00-260302-0001"}
        ),
    )
    secret = forms.CharField(
        label=_("Mã tra cứu (6 chữ số)"),
        required=False,
        max_length=12,
        help_text=_("In trên giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off", "maxlength": 6}
        ),
    )
    phone_last4 = forms.CharField(
        label=_("Hoặc 4 số cuối điện thoại người nộp"),
        required=False,
        max_length=4,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off", "maxlength": 4}
        ),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("secret", "").strip() or data.get("phone_last4", "").strip()):
            raise forms.ValidationError(
                _("Nhập mã tra cứu in trên giấy tiếp nhận hoặc 4 số cuối số điện thoại của người nộp.")
            )
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def dossier_lookup(request):
    answer = None
    status = 200
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            if rate_limited(request):
                form.add_error(None, too_many_message())
                status = 429
            else:
                data = form.cleaned_data
                answer = lookup(data["code"], data["secret"], data["phone_last4"])
    else:
        form = LookupForm(initial={"code": normalise_code(request.GET.get("ma", ""))})
    return render(request, "dossiers/lookup.html", {"form": form, "answer": answer}, status=status)
