"""Demo agency tree: Hưng Yên after the 2025 merger, with history, its departments, service
centre, a dozen communes and wards with their offices, and the S&T department's oversight.

Names of the province, departments and communes are real; administrative codes of communes and
every electronic identifier here are illustrative (valid in format, not official values).
"""

import datetime

from eiso.organizations import seed, services
from eiso.organizations.models import Agency, AgencyKind, OversightScope

REFORM = datetime.date(2025, 7, 1)
LONG_AGO = datetime.date(2008, 1, 1)

# (name, kind, admin code, electronic id suffix) — the 12 demo commune-level units.
COMMUNES = [
    ("Phường Phố Hiến", AgencyKind.WARD, "11980", "01"),
    ("Phường Sơn Nam", AgencyKind.WARD, "11983", "02"),
    ("Phường Hồng Châu", AgencyKind.WARD, "11986", "03"),
    ("Phường Mỹ Hào", AgencyKind.WARD, "12016", "04"),
    ("Phường Đường Hào", AgencyKind.WARD, "12019", "05"),
    ("Phường Thái Bình", AgencyKind.WARD, "12445", "06"),
    ("Phường Trần Lãm", AgencyKind.WARD, "12448", "07"),
    ("Xã Văn Giang", AgencyKind.COMMUNE, "12064", "08"),
    ("Xã Khoái Châu", AgencyKind.COMMUNE, "12133", "09"),
    ("Xã Tiên Lữ", AgencyKind.COMMUNE, "12250", "10"),
    ("Xã Hưng Hà", AgencyKind.COMMUNE, "12505", "11"),
    ("Xã Kiến Xương", AgencyKind.COMMUNE, "12820", "12"),
]


def _province(code: str) -> Agency:
    return Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code=code)


def load(stdout) -> list:
    hung_yen = Agency.objects.filter(kind=AgencyKind.PROVINCE, admin_code="33").first()
    if hung_yen and hung_yen.electronic_id:
        return []  # already loaded: the demo is idempotent
    if hung_yen is None:
        # Created before the other provinces so that it keeps its pre-2025 history.
        hung_yen = services.create_agency(
            actor=None,
            name="Tỉnh Hưng Yên",
            short_name="Hưng Yên",
            kind=AgencyKind.PROVINCE,
            admin_code="33",
            valid_from=LONG_AGO,
        )
    seed.seed_provinces()
    if hung_yen.valid_from < REFORM:
        _history(hung_yen)
    hung_yen = services.change_agency(
        actor=None,
        agency=hung_yen,
        effective_from=REFORM + datetime.timedelta(days=1),
        electronic_id="000.00.00.H33",
        address="Số 6 đường Chùa Chuông, phường Phố Hiến, tỉnh Hưng Yên",
        reason="Cập nhật mã định danh điện tử sau sắp xếp",
        legal_basis="Quyết định 20/2020/QĐ-TTg",
    ).agency
    departments = seed.seed_mandatory_departments(hung_yen, valid_from=REFORM)
    for number, department in enumerate(departments, start=1):
        services.change_agency(
            actor=None,
            agency=department,
            effective_from=REFORM + datetime.timedelta(days=1),
            electronic_id=f"000.00.{number:02d}.H33",
            reason="Cấp mã định danh điện tử",
        )
    science = next(d for d in departments if d.short_name == "SKHCN")
    for unit in ("Văn phòng Sở", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Phòng Quản lý chuyên ngành"):
        services.create_agency(
            actor=None, parent=science, name=unit, kind=AgencyKind.INTERNAL_UNIT, valid_from=REFORM
        )
    justice = next(d for d in departments if d.short_name == "STP")
    for unit in ("Văn phòng Sở", "Phòng Hành chính tư pháp", "Phòng Bổ trợ tư pháp"):
        services.create_agency(
            actor=None, parent=justice, name=unit, kind=AgencyKind.INTERNAL_UNIT, valid_from=REFORM
        )
    services.create_agency(
        actor=None,
        parent=hung_yen,
        name="Trung tâm Phục vụ hành chính công tỉnh Hưng Yên",
        short_name="TTPVHCC tỉnh",
        kind=AgencyKind.PROVINCIAL_SERVICE_CENTRE,
        valid_from=REFORM,
        electronic_id="000.00.20.H33",
        address="Khu đô thị Đại An, phường Mỹ Hào, tỉnh Hưng Yên",
        phone="0221 3 555 555",
    )
    for name, kind, code, suffix in COMMUNES:
        commune = services.create_agency(
            actor=None,
            parent=hung_yen,
            name=name,
            kind=kind,
            valid_from=REFORM,
            admin_code=code,
            electronic_id=f"000.{suffix}.30.H33",
            legal_basis="Nghị quyết 1666/NQ-UBTVQH15",
        )
        seed.seed_commune_offices(commune, valid_from=REFORM)
        services.create_agency(
            actor=None,
            parent=commune,
            name=f"Trung tâm Phục vụ hành chính công {name.split(' ', 1)[0].lower()} {name.split(' ', 1)[1]}",
            kind=AgencyKind.COMMUNE_SERVICE_CENTRE,
            valid_from=REFORM,
        )
    if not OversightScope.objects.filter(overseer=science, root=hung_yen).exists():
        services.grant_oversight(
            actor=None,
            overseer=science,
            root=hung_yen,
            valid_from=REFORM,
            note="Sở KH&CN theo dõi, kiểm tra việc áp dụng TCVN ISO 9001:2015 trên địa bàn tỉnh",
        )
    _ministry()
    _other_province()
    stdout.write("  cây cơ quan: tỉnh Hưng Yên (12 sở, 12 xã/phường), Bộ KH&CN, thành phố Hải Phòng")
    return []


def _history(hung_yen: Agency) -> None:
    """Before 01/07/2025: Thái Bình and a district of Hưng Yên, merged by the 2025 reform."""
    thai_binh = services.create_agency(
        actor=None,
        name="Tỉnh Thái Bình",
        short_name="Thái Bình",
        kind=AgencyKind.PROVINCE,
        admin_code="34",
        valid_from=LONG_AGO,
    )
    van_giang = services.create_agency(
        actor=None,
        parent=hung_yen,
        name="Huyện Văn Giang",
        kind=AgencyKind.DISTRICT,
        valid_from=LONG_AGO,
        valid_to=REFORM - datetime.timedelta(days=1),
    )
    services.create_agency(
        actor=None,
        parent=van_giang,
        name="Văn phòng HĐND và UBND huyện Văn Giang",
        kind=AgencyKind.OTHER,
        valid_from=LONG_AGO,
        valid_to=REFORM - datetime.timedelta(days=1),
    )
    services.merge_agencies(
        actor=None,
        predecessors=[thai_binh],
        successor=hung_yen,
        effective_date=REFORM,
        legal_basis="Nghị quyết 202/2025/QH15",
        reason="Sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
    )


def _ministry() -> None:
    ministry = services.create_agency(
        actor=None,
        name="Bộ Khoa học và Công nghệ",
        short_name="Bộ KH&CN",
        kind=AgencyKind.MINISTRY,
        valid_from=LONG_AGO,
        electronic_id="000.00.00.G16",
    )
    office = services.create_agency(
        actor=None,
        parent=ministry,
        name="Văn phòng Bộ",
        kind=AgencyKind.MINISTRY_DEPARTMENT,
        valid_from=LONG_AGO,
    )
    services.create_agency(
        actor=None,
        parent=ministry,
        name="Cục Đổi mới sáng tạo",
        kind=AgencyKind.MINISTRY_DEPARTMENT,
        valid_from=LONG_AGO,
    )
    services.grant_oversight(
        actor=None,
        overseer=office,
        root=ministry,
        valid_from=LONG_AGO,
        note="Văn phòng Bộ theo dõi HTQLCL các đơn vị thuộc Bộ",
    )


def _other_province() -> None:
    """A second province with its departments: its staff must never see Hưng Yên's data."""
    hai_phong = _province("31")
    seed.seed_mandatory_departments(hai_phong, valid_from=REFORM)
