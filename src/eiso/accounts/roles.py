"""Role codes. The Role table holds their names; code decides what a role may do."""

from django.utils.translation import gettext_lazy as _

ADMIN = "admin"
OVERSIGHT_OFFICER = "oversight_officer"
INSPECTOR = "inspector"
AGENCY_HEAD = "agency_head"
ISO_SECRETARY = "iso_secretary"
UNIT_HEAD = "unit_head"
OFFICER = "officer"
RECEIVER = "receiver"
INTERNAL_AUDITOR = "internal_auditor"
VIEWER = "viewer"

# (code, Vietnamese name, English name, read-only)
ROLE_DEFINITIONS = [
    (ADMIN, "Quản trị hệ thống", "System administrator", False),
    (OVERSIGHT_OFFICER, "Cán bộ theo dõi ISO (Sở KH&CN, Văn phòng bộ)", "Oversight officer", False),
    (INSPECTOR, "Thành viên đoàn kiểm tra", "Inspector", True),
    (AGENCY_HEAD, "Thủ trưởng cơ quan", "Agency head", False),
    (ISO_SECRETARY, "Thư ký ISO", "ISO secretary", False),
    (UNIT_HEAD, "Trưởng phòng, đơn vị", "Unit head", False),
    (OFFICER, "Công chức, viên chức", "Officer", False),
    (RECEIVER, "Cán bộ tiếp nhận một cửa", "One-stop receiver", False),
    (INTERNAL_AUDITOR, "Chuyên gia đánh giá nội bộ", "Internal auditor", False),
    (VIEWER, "Người xem", "Viewer", True),
]

# Roles whose visibility extends over the oversight scopes granted to their agency.
OVERSIGHT_ROLES = {OVERSIGHT_OFFICER, INSPECTOR}
# Roles that manage users and memberships of their own agency.
MEMBER_MANAGER_ROLES = {ISO_SECRETARY, AGENCY_HEAD}
# Roles that only an administrator may grant.
RESTRICTED_ROLES = {ADMIN, OVERSIGHT_OFFICER, INSPECTOR}

ROLE_LABELS = {code: _(name) for code, name, _en, _ro in ROLE_DEFINITIONS}


def ensure_roles(role_model=None) -> None:
    """Create or rename the roles of ROLE_DEFINITIONS (used by the migration and the demo loader)."""
    if role_model is None:
        from eiso.accounts.models import Role as role_model
    for code, name_vi, name_en, read_only in ROLE_DEFINITIONS:
        role_model.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "read_only": read_only}
        )
