"""Demo accounts, one per role, in the demo agencies (see eiso.organizations.demo)."""

from eiso.accounts import roles, services
from eiso.accounts.models import User
from eiso.organizations.models import Agency, AgencyKind

PASSWORD = "eiso-demo-2026"  # noqa: S105 - the demo password is printed by `eiso demo` on purpose

# (username, full name, position, agency lookup, role, includes sub-units)
ACCOUNTS = [
    ("quantri", "Nguyễn Văn Quản", "Quản trị hệ thống", None, roles.ADMIN, True),
    (
        "sokhcn",
        "Trần Thị Thu Hà",
        "Chuyên viên Chi cục TCĐLCL",
        ("SKHCN", "33"),
        roles.OVERSIGHT_OFFICER,
        True,
    ),
    ("kiemtra", "Lê Minh Đức", "Thành viên đoàn kiểm tra", ("SKHCN", "33"), roles.INSPECTOR, True),
    (
        "vpbo",
        "Phạm Thị Lan",
        "Chuyên viên Văn phòng Bộ",
        ("Văn phòng Bộ", None),
        roles.OVERSIGHT_OFFICER,
        True,
    ),
    ("chutich.phohien", "Đỗ Văn Hùng", "Chủ tịch UBND phường", ("11980", None), roles.AGENCY_HEAD, True),
    ("thuky.phohien", "Vũ Thị Hoa", "Thư ký ISO", ("11980", None), roles.ISO_SECRETARY, True),
    ("canbo.phohien", "Hoàng Văn Nam", "Công chức Tư pháp - Hộ tịch", ("11980", None), roles.OFFICER, True),
    ("motcua.phohien", "Ngô Thị Mai", "Công chức tiếp nhận một cửa", ("11980", None), roles.RECEIVER, True),
    (
        "danhgia.phohien",
        "Bùi Quang Huy",
        "Chuyên gia đánh giá nội bộ",
        ("11980", None),
        roles.INTERNAL_AUDITOR,
        True,
    ),
    ("thuky.sotp", "Đặng Thị Ngọc", "Thư ký ISO Sở Tư pháp", ("STP", "33"), roles.ISO_SECRETARY, True),
    (
        "thuky.haiphong",
        "Trịnh Văn Tâm",
        "Thư ký ISO Sở Tư pháp Hải Phòng",
        ("STP", "31"),
        roles.ISO_SECRETARY,
        True,
    ),
]

# Second roles, so the agency switcher has something to switch: the S&T oversight officer also works
# as an officer of the department's standards sub-department.
EXTRA_ROLES = [("sokhcn", "Chi cục Tiêu chuẩn Đo lường Chất lượng", roles.OFFICER)]


def _agency(lookup):
    key, province_code = lookup
    if province_code:
        province = Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code=province_code)
        return Agency.objects.subtree(province).get(short_name=key, depth=province.depth + 1)
    if key.isdigit():
        return Agency.objects.get(admin_code=key)
    return Agency.objects.get(name=key, kind=AgencyKind.MINISTRY_DEPARTMENT)


def load(stdout) -> list:
    roles.ensure_roles()
    rows = []
    for username, full_name, position, lookup, role, descendants in ACCOUNTS:
        agency = _agency(lookup) if lookup else Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code="33")
        if not User.objects.filter(username=username).exists():
            services.create_user(
                actor=None,
                username=username,
                full_name=full_name,
                position=position,
                password=PASSWORD,
                email=f"{username}@demo.eiso.vn",
                agency=agency,
                role_code=role,
                include_descendants=descendants,
            )
        rows.append((username, PASSWORD, f"{roles.ROLE_LABELS[role]} — {agency.name}"))
    for username, lookup, role in EXTRA_ROLES:
        user, agency = User.objects.get(username=username), Agency.objects.get(name=lookup)
        if not user.memberships.filter(agency=agency, role__code=role).exists():
            services.grant_membership(actor=None, user=user, agency=agency, role_code=role)
    return rows
