import datetime

import pytest

from eiso.core.text import search_q
from eiso.organizations import services
from eiso.organizations.models import Agency, AgencyKind, AgencyVersion
from eiso.organizations.tests.factories import AgencyFactory, ProvinceFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_search_ignores_diacritics_case_and_d_with_stroke():
    da_nang = ProvinceFactory(name="Thành phố Đà Nẵng", admin_code="48")
    ProvinceFactory(name="Tỉnh Đắk Lắk", admin_code="66")
    assert list(Agency.objects.search("da nang")) == [da_nang]
    assert list(Agency.objects.search("ĐÀ NẴNG")) == [da_nang]
    assert list(Agency.objects.search("48")) == [da_nang]
    assert Agency.objects.search("").count() == 2


def test_search_q_matches_every_word_in_any_order():
    science = AgencyFactory(name="Sở Khoa học và Công nghệ", kind=AgencyKind.PROVINCIAL_DEPARTMENT)
    AgencyFactory(name="Sở Công Thương", kind=AgencyKind.PROVINCIAL_DEPARTMENT)
    assert list(Agency.objects.filter(search_q("so khoa hoc cong nghe"))) == [science]
    assert list(Agency.objects.filter(search_q("công nghệ KHOA"))) == [science]
    assert Agency.objects.filter(search_q("")).count() == 2
    assert Agency.objects.filter(search_q(None)).count() == 2


def test_subtree_and_ancestors():
    top = AgencyFactory(name="Trên")
    middle = AgencyFactory(name="Giữa", parent=top)
    bottom = AgencyFactory(name="Dưới", parent=middle)
    sibling = AgencyFactory(name="Bên cạnh", parent=top)
    assert set(Agency.objects.subtree(top)) == {top, middle, bottom, sibling}
    assert set(Agency.objects.subtree(middle, include_self=False)) == {bottom}
    assert list(Agency.objects.ancestors_of(bottom)) == [top, middle]
    assert list(Agency.objects.ancestors_of(bottom, include_self=True)) == [top, middle, bottom]
    assert list(Agency.objects.ancestors_of(top)) == []


def test_active_on():
    ended = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2024, 12, 31))
    current = AgencyFactory(valid_from=D(2020, 1, 1))
    future = AgencyFactory(valid_from=datetime.date.today() + datetime.timedelta(days=1))
    assert set(Agency.objects.active_on()) == {current}
    assert set(Agency.objects.active_on(D(2024, 12, 31))) == {ended, current}
    assert not ended.is_active and current.is_active and not future.is_active


def test_as_of_gives_one_version_per_agency_on_any_day():
    agency = AgencyFactory(name="A", valid_from=D(2020, 1, 1))
    for year in (2021, 2022, 2023):
        services.change_agency(actor=None, agency=agency, effective_from=D(year, 1, 1), name=f"A{year}")
    for day, name in (
        (D(2020, 6, 1), "A"),
        (D(2021, 12, 31), "A2021"),
        (D(2022, 1, 1), "A2022"),
        (D(2030, 1, 1), "A2023"),
    ):
        assert list(AgencyVersion.objects.as_of(day).values_list("name", flat=True)) == [name]
