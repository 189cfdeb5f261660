import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from eiso.organizations import codes
from eiso.organizations.models import AgencyKind
from eiso.organizations.services import validate_fields

START = datetime.date(2025, 7, 1)


@pytest.mark.parametrize(
    "value",
    [
        "000.00.15.H33",
        "000.00.00.H33",
        "000.00.00.G16",
        "000.01.30.H33",
        "12.H33",
        "000.00.00.00.00.00.00.H33",
    ],
)
def test_valid_electronic_ids(value):
    codes.validate_electronic_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "H33.00",  # the level-1 group comes last
        "H33",
        "000.00.15.h33",  # the letter is a capital
        "000.00.15.H3",
        "000.00.15.H333",
        "000.00.15.33H",
        "0000.00.15.H33",  # numeric groups have 2 or 3 digits
        "000.0.15.H33",
        "000..15.H33",
        ".000.00.15.H33",
        "000 00 15 H33",
        "000.00.15.H33\n",  # `$` would accept a trailing newline
        "000.00.15.Đ33",
        "٠٠٠.٠٠.١٥.H33",  # Arabic-Indic digits are digits to `\d`, not to Decision 20/2020
    ],
)
def test_invalid_electronic_ids(value):
    with pytest.raises(ValidationError) as caught:
        codes.validate_electronic_id(value)
    assert caught.value.code == "electronic_id"


def test_electronic_id_length_limit_is_35_characters():
    at_limit = "000." * 8 + "H33"
    assert len(at_limit) == 35
    codes.validate_electronic_id(at_limit)
    over = "000." * 9 + "H33"
    assert len(over) > 35
    with pytest.raises(ValidationError):
        codes.validate_electronic_id(over)


def test_empty_electronic_id_is_allowed():
    codes.validate_electronic_id("")


@given(
    st.lists(st.from_regex(r"[0-9]{2,3}", fullmatch=True), min_size=1, max_size=10),
    st.from_regex(r"[A-Z][0-9]{2}", fullmatch=True),
)
def test_electronic_id_accepted_iff_well_formed_and_short(groups, level1):
    value = ".".join([*groups, level1])
    if len(value) <= 35:
        codes.validate_electronic_id(value)
    else:
        with pytest.raises(ValidationError):
            codes.validate_electronic_id(value)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("33", True),
        ("01", True),
        ("3", False),
        ("033", False),
        ("3a", False),
        ("", False),
        ("33\n", False),
        ("٣٣", False),
    ],
)
def test_province_code(value, ok):
    if ok:
        codes.validate_admin_code(value, codes.PROVINCE_CODE, 2)
    else:
        with pytest.raises(ValidationError) as caught:
            codes.validate_admin_code(value, codes.PROVINCE_CODE, 2)
        assert caught.value.code == "admin_code"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("11980", True),
        ("00001", True),
        ("1198", False),
        ("119800", False),
        ("1198a", False),
        ("11980\n", False),
    ],
)
def test_commune_code(value, ok):
    if ok:
        codes.validate_admin_code(value, codes.COMMUNE_CODE, 5)
    else:
        with pytest.raises(ValidationError):
            codes.validate_admin_code(value, codes.COMMUNE_CODE, 5)


def _fields(**overrides):
    fields = {
        "name": "Cơ quan",
        "kind": AgencyKind.OTHER,
        "admin_code": "",
        "electronic_id": "",
        "valid_from": START,
        "valid_to": None,
    }
    fields.update(overrides)
    return fields


def _errors(**overrides):
    with pytest.raises(ValidationError) as caught:
        validate_fields(**_fields(**overrides))
    return caught.value.message_dict


def test_validate_fields_accepts_a_plain_agency():
    validate_fields(**_fields())
    validate_fields(**_fields(kind=AgencyKind.PROVINCE, admin_code="33", electronic_id="000.00.00.H33"))
    validate_fields(**_fields(kind=AgencyKind.WARD, admin_code="11980"))
    validate_fields(**_fields(kind=AgencyKind.SPECIAL_ZONE, admin_code="22000"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"kind": "nonsense"}, "kind"),
        ({"kind": AgencyKind.PROVINCE, "admin_code": "033"}, "admin_code"),
        ({"kind": AgencyKind.PROVINCE, "admin_code": ""}, "admin_code"),
        ({"kind": AgencyKind.COMMUNE, "admin_code": "33"}, "admin_code"),
        ({"kind": AgencyKind.WARD, "admin_code": "1198"}, "admin_code"),
        ({"kind": AgencyKind.PROVINCIAL_DEPARTMENT, "admin_code": "12345"}, "admin_code"),
        ({"electronic_id": "H33.00"}, "electronic_id"),
        ({"valid_to": START - datetime.timedelta(days=1)}, "valid_to"),
        ({"kind": AgencyKind.DISTRICT}, "kind"),
        ({"kind": AgencyKind.DISTRICT, "valid_from": datetime.date(2008, 1, 1), "valid_to": START}, "kind"),
    ],
)
def test_validate_fields_refusals_are_keyed_by_field(overrides, field):
    assert field in _errors(**overrides)


def test_district_valid_until_30_06_2025_is_accepted():
    validate_fields(
        **_fields(
            kind=AgencyKind.DISTRICT,
            valid_from=datetime.date(2008, 1, 1),
            valid_to=datetime.date(2025, 6, 30),
        )
    )


def test_several_refusals_are_reported_together():
    errors = _errors(name="", kind=AgencyKind.PROVINCE, admin_code="1", electronic_id="x")
    assert {"name", "admin_code", "electronic_id"} <= set(errors)
