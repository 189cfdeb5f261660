"""Official code formats, as pure validators (no database).

- Administrative unit codes (Decision 19/2025/QĐ-TTg): 2 digits for provinces and centrally-run
  cities, 5 digits for communes, wards and special zones.
- Agency electronic identifiers (Decision 20/2020/QĐ-TTg): dot-separated groups read from right
  to left; the rightmost group `MX1X2` (a capital letter and two digits) is the level-1 body, the
  groups before it are numeric (e.g. `000.00.00.H33` for the People's Committee of Hưng Yên,
  `000.00.15.H33` for one of its departments). At most 35 characters.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# [0-9], not \d (which also matches Arabic-Indic and other Unicode digits); anchored with \A…\Z
# because `$` also matches before a trailing newline, so "33\n" would pass.
PROVINCE_CODE = re.compile(r"\A[0-9]{2}\Z")
COMMUNE_CODE = re.compile(r"\A[0-9]{5}\Z")
ELECTRONIC_ID = re.compile(r"\A(?:[0-9]{2,3}\.)+[A-Z][0-9]{2}\Z")
ELECTRONIC_ID_MAX = 35


def validate_electronic_id(value: str) -> None:
    if not value:
        return
    if len(value) > ELECTRONIC_ID_MAX or not ELECTRONIC_ID.fullmatch(value):
        raise ValidationError(
            _(
                "Mã định danh điện tử “%(value)s” không đúng định dạng Quyết định 20/2020/QĐ-TTg: "
                "các nhóm số cách nhau bởi dấu chấm, nhóm cuối gồm một chữ in hoa và hai chữ số "
                "(ví dụ 000.00.15.H33), tối đa 35 ký tự."
            ),
            code="electronic_id",
            params={"value": value},
        )


def validate_admin_code(value: str, pattern: re.Pattern, digits: int) -> None:
    if not pattern.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Mã đơn vị hành chính “%(value)s” phải gồm đúng %(digits)s chữ số (Quyết định 19/2025/QĐ-TTg)."
            ),
            code="admin_code",
            params={"value": value, "digits": digits},
        )
