"""Fixtures shared by the tests of every app under src/eiso (fixtures only: no tests here).

`agency_tree` is a small two-province tree with an oversight scope, made through the services;
`member` gives a user a role somewhere; `system_admin` holds the administrator role.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from eiso.accounts import roles
from eiso.accounts.tests.factories import MembershipFactory, UserFactory
from eiso.organizations.models import AgencyKind, OversightScope
from eiso.organizations.tests.factories import AgencyFactory

START = datetime.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a test request in English leaves English active in
    the thread (the locale middleware activates a language per request and does not reset it)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def agency_tree(db):
    """
    Tỉnh Thử (33)
      ├─ Sở Khoa học và Công nghệ (SKHCN)        ← oversees the whole province
      │    └─ Chi cục TCĐLCL (internal unit)
      ├─ Sở Tư pháp (STP)
      │    └─ Phòng Hành chính tư pháp (internal unit)
      └─ Xã Thử (12345)
           └─ Văn phòng HĐND và UBND (commune office)
    Thành phố Khác (31)
      └─ Sở Tư pháp (STP)
    """
    province = AgencyFactory(name="Tỉnh Thử", short_name="Thử", kind=AgencyKind.PROVINCE, admin_code="33")
    science = AgencyFactory(
        name="Sở Khoa học và Công nghệ",
        short_name="SKHCN",
        kind=AgencyKind.PROVINCIAL_DEPARTMENT,
        parent=province,
    )
    science_unit = AgencyFactory(name="Chi cục TCĐLCL", kind=AgencyKind.INTERNAL_UNIT, parent=science)
    justice = AgencyFactory(
        name="Sở Tư pháp", short_name="STP", kind=AgencyKind.PROVINCIAL_DEPARTMENT, parent=province
    )
    justice_unit = AgencyFactory(
        name="Phòng Hành chính tư pháp", kind=AgencyKind.INTERNAL_UNIT, parent=justice
    )
    commune = AgencyFactory(name="Xã Thử", kind=AgencyKind.COMMUNE, admin_code="12345", parent=province)
    commune_office = AgencyFactory(
        name="Văn phòng HĐND và UBND", kind=AgencyKind.COMMUNE_OFFICE, parent=commune
    )
    other_province = AgencyFactory(
        name="Thành phố Khác", short_name="Khác", kind=AgencyKind.PROVINCE, admin_code="31"
    )
    other_justice = AgencyFactory(
        name="Sở Tư pháp", short_name="STP", kind=AgencyKind.PROVINCIAL_DEPARTMENT, parent=other_province
    )
    scope = OversightScope.objects.create(overseer=science, root=province, valid_from=START)
    return SimpleNamespace(
        province=province,
        science=science,
        science_unit=science_unit,
        justice=justice,
        justice_unit=justice_unit,
        commune=commune,
        commune_office=commune_office,
        other_province=other_province,
        other_justice=other_justice,
        oversight=scope,
    )


@pytest.fixture
def member(db):
    """`member(agency, role_code, **membership_fields)` → a fresh user holding that role there."""

    def make(agency, role_code=roles.OFFICER, user=None, **fields):
        user = user or UserFactory()
        MembershipFactory(user=user, agency=agency, role_code=role_code, **fields)
        # A fresh instance: no scope or membership cached from before the grant.
        return type(user).objects.get(pk=user.pk)

    return make


@pytest.fixture
def system_admin(agency_tree, member):
    """A user holding the administrator role (not a Django superuser)."""
    return member(agency_tree.province, roles.ADMIN)
