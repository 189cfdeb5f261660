"""A small world built through the services (actor=None), and API clients for its users.

Tỉnh Hưng Yên (33)                                      ← overseen by its Sở KH&CN
  ├─ Sở Khoa học và Công nghệ (SKHCN)                  oversight_officer, inspector
  │    └─ Chi cục Tiêu chuẩn Đo lường Chất lượng
  ├─ Sở Tư pháp (STP)
  │    └─ Phòng Hành chính tư pháp
  ├─ Xã Văn Giang (12064), called Xã Xuân Quan until 31/12/2025;   agency_head, iso_secretary,
  │    │  Xã Cửu Cao (12067) merged into it on 01/10/2025          officer, receiver,
  │    └─ Văn phòng HĐND và UBND                                   internal_auditor, viewer
  │                                                                 unit_head (office only)
  └─ Xã Cửu Cao (ended 30/09/2025)
Thành phố Hải Phòng (31)                                 ← overseen by its own Sở KH&CN
  ├─ Sở Khoa học và Công nghệ Hải Phòng
  └─ Phường Hồng Bàng (11311)                            outsider (officer)
`admin` holds the administrator role (at the Hưng Yên province).
"""

import datetime
from dataclasses import dataclass, field

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eiso.accounts import roles
from eiso.accounts import services as accounts
from eiso.accounts.models import Membership, User
from eiso.core.models import AuditEvent
from eiso.organizations import services as organizations
from eiso.organizations.models import Agency, AgencyKind, OversightScope

PASSWORD = "Mat-khau-thu-nghiem-2026"
REFORM = datetime.date(2025, 7, 1)
MERGED = datetime.date(2025, 10, 1)
RENAMED = datetime.date(2026, 1, 1)

ALL_ROLES = [
    roles.ADMIN,
    roles.OVERSIGHT_OFFICER,
    roles.INSPECTOR,
    roles.AGENCY_HEAD,
    roles.ISO_SECRETARY,
    roles.UNIT_HEAD,
    roles.OFFICER,
    roles.RECEIVER,
    roles.INTERNAL_AUDITOR,
    roles.VIEWER,
]


@dataclass
class World:
    province_a: Agency
    st_a: Agency
    st_unit: Agency
    justice_a: Agency
    justice_unit: Agency
    commune_a: Agency
    commune_office: Agency
    old_commune: Agency
    province_b: Agency
    st_b: Agency
    commune_b: Agency
    scope_a: OversightScope
    scope_b: OversightScope
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    outsider_membership: Membership | None = None

    def home(self, role: str) -> Agency:
        if role == roles.ADMIN:
            return self.province_a
        if role in roles.OVERSIGHT_ROLES:
            return self.st_a
        if role == roles.UNIT_HEAD:
            return self.commune_office
        return self.commune_a

    def visible_agency_ids(self, role: str) -> set[int]:
        """What each role should see, written out from the fixture rather than from `scope_for`."""
        agencies = list(Agency.objects.all())
        if role == roles.ADMIN:
            return {a.pk for a in agencies}
        roots = [self.home(role)]
        if role in roles.OVERSIGHT_ROLES:
            roots.append(self.province_a)
        paths = [Agency.objects.get(pk=r.pk).path for r in roots]
        return {a.pk for a in agencies if any(a.path.startswith(p) for p in paths)}


def _agency(**kwargs) -> Agency:
    kwargs.setdefault("valid_from", REFORM)
    return organizations.create_agency(actor=None, **kwargs)


def build_world() -> World:
    province_a = _agency(
        name="Tỉnh Hưng Yên", short_name="Hưng Yên", kind=AgencyKind.PROVINCE, admin_code="33"
    )
    st_a = _agency(
        name="Sở Khoa học và Công nghệ",
        short_name="SKHCN",
        kind=AgencyKind.PROVINCIAL_DEPARTMENT,
        parent=province_a,
        electronic_id="000.00.15.H33",
    )
    st_unit = _agency(
        name="Chi cục Tiêu chuẩn Đo lường Chất lượng", kind=AgencyKind.INTERNAL_UNIT, parent=st_a
    )
    justice_a = _agency(
        name="Sở Tư pháp", short_name="STP", kind=AgencyKind.PROVINCIAL_DEPARTMENT, parent=province_a
    )
    justice_unit = _agency(name="Phòng Hành chính tư pháp", kind=AgencyKind.INTERNAL_UNIT, parent=justice_a)
    commune_a = _agency(
        name="Xã Xuân Quan",
        kind=AgencyKind.COMMUNE,
        admin_code="12064",
        parent=province_a,
        electronic_id="000.08.30.H33",
    )
    commune_office = _agency(name="Văn phòng HĐND và UBND", kind=AgencyKind.COMMUNE_OFFICE, parent=commune_a)
    old_commune = _agency(name="Xã Cửu Cao", kind=AgencyKind.COMMUNE, admin_code="12067", parent=province_a)
    organizations.merge_agencies(
        actor=None,
        predecessors=[old_commune],
        successor=commune_a,
        effective_date=MERGED,
        legal_basis="NQ 1666",
    )
    organizations.change_agency(
        actor=None, agency=commune_a, effective_from=RENAMED, name="Xã Văn Giang", reason="Đổi tên"
    )
    province_b = _agency(
        name="Thành phố Hải Phòng", short_name="Hải Phòng", kind=AgencyKind.PROVINCE, admin_code="31"
    )
    st_b = _agency(
        name="Sở Khoa học và Công nghệ Hải Phòng", kind=AgencyKind.PROVINCIAL_DEPARTMENT, parent=province_b
    )
    commune_b = _agency(name="Phường Hồng Bàng", kind=AgencyKind.WARD, admin_code="11311", parent=province_b)
    scope_a = organizations.grant_oversight(actor=None, overseer=st_a, root=province_a, valid_from=REFORM)
    scope_b = organizations.grant_oversight(actor=None, overseer=st_b, root=province_b, valid_from=REFORM)
    world = World(
        province_a=province_a,
        st_a=st_a,
        st_unit=st_unit,
        justice_a=justice_a,
        justice_unit=justice_unit,
        commune_a=Agency.objects.get(pk=commune_a.pk),
        commune_office=commune_office,
        old_commune=Agency.objects.get(pk=old_commune.pk),
        province_b=province_b,
        st_b=st_b,
        commune_b=commune_b,
        scope_a=scope_a,
        scope_b=scope_b,
    )
    for role in ALL_ROLES:
        world.users[role] = accounts.create_user(
            actor=None,
            username=role.replace("_", "."),
            full_name=f"Người dùng {role}",
            email=f"{role}@hungyen.gov.vn",
            password=PASSWORD,
            agency=world.home(role),
            role_code=role,
        )
    world.outsider = accounts.create_user(
        actor=None,
        username="canbo.hongbang",
        full_name="Trần Văn Ngoài",
        email="canbo@haiphong.gov.vn",
        password=PASSWORD,
        agency=commune_b,
        role_code=roles.OFFICER,
    )
    world.outsider_membership = Membership.objects.get(user=world.outsider)
    return world


def client_for(user: User | None = None, language: str | None = None) -> APIClient:
    """An API client authenticated by token (the way integrations call the API)."""
    client = APIClient()
    headers = {}
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


def row_counts() -> dict[str, int]:
    """Everything a refused write must leave untouched."""
    from eiso.organizations.models import AgencySuccession, AgencyVersion

    return {
        "agency": Agency.objects.count(),
        "version": AgencyVersion.objects.count(),
        "succession": AgencySuccession.objects.count(),
        "user": User.objects.count(),
        "membership": Membership.objects.count(),
        "oversight": OversightScope.objects.count(),
        "audit": AuditEvent.objects.count(),
        "last_audit": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first(),
    }


# A PDF as small as the register accepts (its type is read from the content: "%PDF-").
TINY_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class DocumentsWorld:
    """Documents added to a `World` by `add_documents`, each issued (version 01 in force)."""

    own: object  # Xã Văn Giang, internal
    restricted: object  # Xã Văn Giang, restricted ("mật"), owned by its office
    other: object  # Phường Hồng Bàng (Hải Phòng), internal, distributed, with a change request
    own_change: object
    other_change: object
    other_external: object

    def visible_ids(self, world: World, role: str) -> set[int]:
        """Documents each role should read: its scope, and the restricted one only for the
        administrator, the head and the ISO secretary of Xã Văn Giang (see eiso.documents.querysets)."""
        agencies = world.visible_agency_ids(role)
        ids = {d.pk for d in (self.own, self.other) if d.agency_id in agencies}
        if role in (roles.ADMIN, roles.AGENCY_HEAD, roles.ISO_SECRETARY):
            ids.add(self.restricted.pk)
        return ids


def add_documents(world: World) -> DocumentsWorld:
    """Issue three documents through the services as the system (actor=None). Set MEDIA_ROOT first."""
    from eiso.documents import services as documents

    def issue(agency, title, **kwargs):
        document = documents.create_document(
            actor=None,
            agency=agency,
            kind="system_procedure",
            title=title,
            data=TINY_PDF,
            file_name="a.pdf",
            **kwargs,
        )
        version = document.latest_version
        documents.submit_version(actor=None, version=version)
        documents.approve_version(actor=None, version=version)
        documents.issue_version(actor=None, version=version)
        document.refresh_from_db()
        return document

    own = issue(world.commune_a, "Quy trình kiểm soát tài liệu")
    restricted = issue(
        world.commune_a,
        "Quy trình quản lý hồ sơ mật",
        confidentiality="restricted",
        owner_unit=world.commune_office,
    )
    other = issue(world.commune_b, "Quy trình kiểm soát hồ sơ Hồng Bàng")
    documents.distribute(actor=None, document=other, units=[world.commune_b], users=[world.outsider])
    return DocumentsWorld(
        own=own,
        restricted=restricted,
        other=other,
        own_change=documents.raise_change_request(
            actor=world.users[roles.OFFICER], document=own, text="Sửa bước 2"
        ),
        other_change=documents.raise_change_request(actor=world.outsider, document=other, text="Sửa bước 3"),
        other_external=documents.add_external_document(
            actor=None, agency=world.commune_b, number="61/2018/NĐ-CP", documents=[other]
        ),
    )


def document_counts() -> dict[str, int]:
    """Everything a refused write on the register must leave untouched."""
    from eiso.documents.models import (
        Acknowledgement,
        ChangeRequest,
        Distribution,
        Document,
        DocumentVersion,
        ExternalDocument,
        Signature,
    )

    counts = {m.__name__: m.objects.count() for m in (Document, DocumentVersion, Signature, Distribution)}
    counts.update({m.__name__: m.objects.count() for m in (Acknowledgement, ChangeRequest, ExternalDocument)})
    counts["locked"] = Document.objects.filter(locked_by__isnull=False).count()
    counts["statuses"] = sorted(DocumentVersion.objects.values_list("pk", "status"))
    counts["decided"] = ChangeRequest.objects.exclude(status="open").count()
    counts.update(row_counts())
    return counts
