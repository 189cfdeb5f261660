import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from eiso.core.audit import verify_chain
from eiso.core.models import AuditEvent
from eiso.organizations import seed
from eiso.organizations.models import Agency, AgencyKind, AgencyVersion
from eiso.organizations.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

# domain.md §7 (Decision 19/2025/QĐ-TTg)
PROVINCE_CODES = {
    "01": "Hà Nội",
    "04": "Cao Bằng",
    "08": "Tuyên Quang",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Lào Cai",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "24": "Bắc Ninh",
    "25": "Phú Thọ",
    "31": "Hải Phòng",
    "33": "Hưng Yên",
    "37": "Ninh Bình",
    "38": "Thanh Hóa",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "44": "Quảng Trị",
    "46": "Huế",
    "48": "Đà Nẵng",
    "51": "Quảng Ngãi",
    "52": "Gia Lai",
    "56": "Khánh Hòa",
    "66": "Đắk Lắk",
    "68": "Lâm Đồng",
    "75": "Đồng Nai",
    "79": "Hồ Chí Minh",
    "80": "Tây Ninh",
    "82": "Đồng Tháp",
    "86": "Vĩnh Long",
    "91": "An Giang",
    "92": "Cần Thơ",
    "96": "Cà Mau",
}
CENTRALLY_RUN_CITIES = {"01", "31", "46", "48", "79", "92"}


def test_reference_data_matches_the_domain_reference():
    provinces = seed.reference()["provinces"]
    assert len(provinces) == 34
    assert {p["admin_code"] for p in provinces} == set(PROVINCE_CODES)
    for item in provinces:
        assert item["name"].endswith(PROVINCE_CODES[item["admin_code"]])
        assert item["centrally_run_city"] == (item["admin_code"] in CENTRALLY_RUN_CITIES)
        assert item["name"].startswith("Thành phố" if item["centrally_run_city"] else "Tỉnh")


def test_seed_provinces_creates_exactly_34_with_the_official_codes():
    assert seed.seed_provinces() == 34
    provinces = Agency.objects.filter(kind=AgencyKind.PROVINCE)
    assert provinces.count() == 34
    assert dict(provinces.values_list("admin_code", "name")) == {
        code: next(p["name"] for p in seed.reference()["provinces"] if p["admin_code"] == code)
        for code in PROVINCE_CODES
    }
    assert set(provinces.values_list("valid_from", flat=True)) == {datetime.date(2025, 7, 1)}
    assert all(p.parent_id is None and p.depth == 0 for p in provinces)
    assert provinces.get(admin_code="48").search_text.startswith("thanh pho da nang")
    assert AgencyVersion.objects.filter(legal_basis__contains="19/2025/QĐ-TTg").count() == 34
    assert AuditEvent.objects.filter(verb="agency.create").count() == 34


def test_seed_provinces_is_idempotent():
    seed.seed_provinces()
    state = (Agency.objects.count(), AgencyVersion.objects.count(), AuditEvent.objects.count())
    assert seed.seed_provinces() == 0
    assert (Agency.objects.count(), AgencyVersion.objects.count(), AuditEvent.objects.count()) == state
    assert verify_chain().ok


def test_seed_command_is_idempotent():
    out = StringIO()
    call_command("organizations", "seed", stdout=out)
    call_command("organizations", "seed", stdout=out)
    assert "34" in out.getvalue() and ": 0" in out.getvalue()
    assert Agency.objects.filter(kind=AgencyKind.PROVINCE).count() == 34


def test_mandatory_departments_and_commune_offices_are_idempotent():
    seed.seed_provinces()
    province = Agency.objects.get(admin_code="33")
    departments = seed.seed_mandatory_departments(province)
    assert len(departments) == 12
    assert {d.parent_id for d in departments} == {province.pk}
    assert sum(d.kind == AgencyKind.PROVINCIAL_OFFICE for d in departments) == 1
    assert [d.pk for d in seed.seed_mandatory_departments(province)] == [d.pk for d in departments]

    ward = CommuneFactory(
        name="Phường Phố Hiến",
        kind=AgencyKind.WARD,
        admin_code="11980",
        parent=province,
        valid_from=province.valid_from,
    )
    commune = CommuneFactory(
        name="Xã Văn Giang", admin_code="12064", parent=province, valid_from=province.valid_from
    )
    ward_offices = seed.seed_commune_offices(ward)
    commune_offices = seed.seed_commune_offices(commune)
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" in {o.name for o in ward_offices}
    assert "Phòng Kinh tế" in {o.name for o in commune_offices}
    assert len(ward_offices) == len(commune_offices) == 3
    count = Agency.objects.count()
    seed.seed_commune_offices(ward)
    assert Agency.objects.count() == count
