"""Generate a national-size agency tree with its staff, for the Platform foundation benchmarks.

Shape (full size, `--scale 1`), as the country stands after the 01/07/2025 reform:

- 34 provinces and centrally-run cities (real names and codes from organizations/data/provinces.json);
- 15 departments under each (the 12 mandatory ones of the reference data, the provincial public
  service centre and two more departments) = 510;
- 3,321 communes, wards and special zones (2,621 / 687 / 13 nationally), spread unevenly over the
  provinces with a fixed seed, each with the 3 offices of its People's Committee: 4 agencies per
  commune = 13,284;
- in all 13,828 agencies, each with one AgencyVersion (in force since 01/07/2025);
- an oversight scope from each province's Department of Science and Technology over its province;
- 100,000 users with about 115,000 memberships (roles from the Role table): staff spread over
  agencies by size, oversight officers and inspectors in the S&T departments, ~10 % holding a
  second membership and ~5 % an already ended one.

Why bulk inserts: going through `eiso.organizations.services.create_agency` costs a dozen queries
and an audit event per agency (and `accounts.services.create_user` a password hash per user), i.e.
hours for this size. The benchmarks measure reads of the tree, not its creation, so the rows are
written with `bulk_create` in a few seconds instead. They have exactly the shape the services
give: identities get their ids up front so that `path` is computed here the way
`services._refresh_copy` computes it (the parent's path followed by the id on PATH_STEP digits and
a slash; `depth` = number of slashes - 1); each identity carries the copy of its version
(`search_text` from `Agency.refresh_search_text`), users get `search_text` as `User.save` computes
it. `--check` (on by default) verifies every row against that rule and creates one agency through
the real service inside a rolled-back transaction to confirm the rule still matches the service.
Not written: the audit events the services would have recorded (bench_audit*.py measure those).

Everything random comes from one `random.Random(--seed)`, so a given scale and seed always give the
same database.

    .venv/bin/python benchmarks/generate_national_tree.py              # full size into eiso_bench
    .venv/bin/python benchmarks/generate_national_tree.py --scale 0.01 # smoke run
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PROVINCES = 34
DEPARTMENTS_PER_PROVINCE = 15
COMMUNES = 3_321
COMMUNE_KIND_SHARE = {"ward": 687, "special_zone": 13}  # the rest are communes (xã): 2,621
USERS = 100_000
SEED = 20_261_123
REFORM = datetime.date(2025, 7, 1)
# The same password hash for every generated user, so a load test can log in as anyone.
PASSWORD = "eiso-bench-2026"  # noqa: S105 - benchmark data only, documented

# Departments beyond the 12 mandatory ones of the reference data, to reach ~15 per province.
EXTRA_DEPARTMENTS = [
    ("Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", "provincial_service_centre"),
    ("Sở Dân tộc và Tôn giáo", "SDTTG", "provincial_department"),
    ("Sở Ngoại vụ", "SNgV", "provincial_department"),
]
OVERSIGHT_DEPARTMENT = "SKHCN"  # Sở Khoa học và Công nghệ: oversees ISO in its province

SYLLABLES = (
    "An Bình Tân Phú Hòa Thạnh Long Mỹ Đông Tây Nam Bắc Hưng Thái Quang Phước Lộc Thuận Vĩnh Hiệp "
    "Trung Nghĩa Đức Thành Xuân Hải Sơn Lâm Kim Ngọc Hồng Cẩm Thượng Hạ Yên Định"
).split()
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Minh Thanh Quang Hữu Ngọc Đức Thu Xuân Hoài Gia".split()
GIVEN = (
    "An Bình Châu Dũng Giang Hà Hải Hạnh Hùng Hương Khánh Lan Linh Long Mai Nam Ngọc Phong Phương "
    "Quân Sơn Tâm Thảo Trang Tuấn Vy Yến Đạt Hiếu Nhung Quỳnh Thắng"
).split()

# Staff per agency, by kind, as relative weights (a department is larger than a commune office).
STAFF_WEIGHT = {
    "province": 30,
    "provincial_department": 45,
    "provincial_office": 60,
    "provincial_service_centre": 40,
    "commune": 8,
    "ward": 10,
    "special_zone": 12,
    "commune_office": 5,
}
# (role code, weight, includes sub-units)
ROLE_MIX = [
    ("officer", 70, False),
    ("unit_head", 8, True),
    ("receiver", 5, False),
    ("internal_auditor", 5, True),
    ("iso_secretary", 4, True),
    ("viewer", 3, False),
    ("agency_head", 3, True),
    ("inspector", 2, True),
]
OVERSIGHT_ROLE_MIX = [("oversight_officer", 25, True), ("inspector", 15, True), ("officer", 60, False)]


def path_for(parent_path: str, pk: int, step: int) -> str:
    """`services._refresh_copy`: f"{parent.path if parent else ''}{agency.pk:0{PATH_STEP}d}/"."""
    return f"{parent_path}{pk:0{step}d}/"


def depth_of(path: str) -> int:
    return path.count("/") - 1


def spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` over `parts` with uneven (seeded) weights, exactly, by largest remainder."""
    weights = [rng.uniform(0.4, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class Summary:
    agencies: dict[str, int] = field(default_factory=dict)
    versions: int = 0
    users: int = 0
    memberships: int = 0
    oversight_scopes: int = 0
    seconds: float = 0.0

    @property
    def agency_total(self) -> int:
        return sum(self.agencies.values())


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def generate(scale: float = 1.0, users: int | None = None, seed: int = SEED, echo: bool = True) -> Summary:
    """Fill an empty, migrated database. Returns what was written."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from eiso.accounts.models import Membership, Role, User
    from eiso.core.text import vi_fold
    from eiso.organizations.models import PATH_STEP, Agency, AgencyVersion, OversightScope
    from eiso.organizations.seed import reference

    started = common.now()
    rng = random.Random(seed)
    ref = reference()
    n_communes = max(PROVINCES, round(COMMUNES * scale))
    n_users = users if users is not None else max(200, round(USERS * scale))
    summary = Summary()

    agencies: list[Agency] = []
    versions: list[AgencyVersion] = []
    by_id: dict[int, Agency] = {}

    def add(
        parent: Agency | None, name: str, kind: str, short_name: str = "", admin_code: str = "", eid: str = ""
    ):
        pk = len(agencies) + 1
        path = path_for(parent.path if parent else "", pk, PATH_STEP)
        fields = {
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "admin_code": admin_code,
            "electronic_id": eid,
        }
        agency = Agency(
            id=pk, parent=parent, path=path, depth=depth_of(path), valid_from=REFORM, valid_to=None, **fields
        )
        agency.refresh_search_text()
        agencies.append(agency)
        by_id[pk] = agency
        versions.append(
            AgencyVersion(
                id=pk,
                agency_id=pk,
                parent=parent,
                valid_from=REFORM,
                valid_to=None,
                legal_basis=ref["legal_basis"] if parent is None else "",
                **fields,
            )
        )
        summary.agencies[kind] = summary.agencies.get(kind, 0) + 1
        return agency

    # Level by level, as the seed loaders do: provinces, their departments, communes, offices.
    provinces = [
        add(None, p["name"], "province", p["short_name"], p["admin_code"], f"000.00.00.H{p['admin_code']}")
        for p in ref["provinces"][:PROVINCES]
    ]
    departments: dict[int, list[Agency]] = {}
    oversight_departments: dict[int, Agency] = {}
    department_defs = [
        (d["name"], d["short_name"], d.get("kind", "provincial_department"))
        for d in ref["mandatory_departments"]
    ] + EXTRA_DEPARTMENTS
    for province in provinces:
        departments[province.pk] = []
        for number, (name, short, kind) in enumerate(department_defs[:DEPARTMENTS_PER_PROVINCE], start=1):
            dept = add(province, name, kind, short, "", f"000.00.{number:02d}.H{province.admin_code}")
            departments[province.pk].append(dept)
            if short == OVERSIGHT_DEPARTMENT:
                oversight_departments[province.pk] = dept

    kinds = ["ward"] * round(COMMUNE_KIND_SHARE["ward"] * n_communes / COMMUNES)
    kinds += ["special_zone"] * round(COMMUNE_KIND_SHARE["special_zone"] * n_communes / COMMUNES)
    kinds += ["commune"] * (n_communes - len(kinds))
    rng.shuffle(kinds)
    prefix = {"commune": "Xã", "ward": "Phường", "special_zone": "Đặc khu"}
    communes: dict[int, list[Agency]] = {}
    code = 0
    for province, count in zip(provinces, spread(n_communes, len(provinces), rng), strict=True):
        communes[province.pk] = []
        for number in range(1, count + 1):
            code += 3  # 5-digit national codes, unique, in province order like the official list
            kind = kinds.pop()
            name = f"{prefix[kind]} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
            eid = f"{number:03d}.30.00.H{province.admin_code}"
            communes[province.pk].append(add(province, name, kind, "", f"{code:05d}", eid))
    offices: dict[int, list[Agency]] = {}
    for province in provinces:
        for commune in communes[province.pk]:
            offices[commune.pk] = [
                add(
                    commune,
                    item.get("ward_name", item["name"]) if commune.kind == "ward" else item["name"],
                    "commune_office",
                    item["short_name"],
                )
                for item in ref["commune_offices"]
            ]

    # Staff: one weighted draw of an agency per user, then a role from the mix of that agency.
    roles = {r.code: r for r in Role.objects.all()}
    missing = {code for code, _w, _d in ROLE_MIX + OVERSIGHT_ROLE_MIX} - set(roles)
    if missing:
        raise SystemExit(f"roles missing from the Role table (migration 0002_seed_roles?): {sorted(missing)}")
    password = make_password(PASSWORD)
    weights = [STAFF_WEIGHT.get(a.kind, 5) for a in agencies]
    homes = rng.choices(agencies, weights=weights, k=n_users)
    # Every S&T department gets at least one oversight officer and every commune an officer with
    # its whole commune in scope, so the list benchmark always finds its two personas.
    pinned: dict[int, tuple[Agency, str, bool]] = {}
    slot = 0
    for province in provinces:
        pinned[slot] = (oversight_departments[province.pk], "oversight_officer", True)
        slot += 1
        for commune in communes[province.pk]:
            pinned[slot] = (commune, "officer", True)
            slot += 1
    if slot > n_users:
        raise SystemExit(
            f"--users must be at least {slot} at this scale (one per S&T department and commune)"
        )
    oversight_ids = {a.pk for a in oversight_departments.values()}
    province_of = {a.pk: int(a.path[:PATH_STEP]) for a in agencies}
    by_province: dict[int, list[Agency]] = {}
    for a in agencies:
        by_province.setdefault(province_of[a.pk], []).append(a)

    user_rows: list[User] = []
    membership_rows: list[Membership] = []
    days = (datetime.date(2026, 6, 30) - REFORM).days
    for i, home in enumerate(homes, start=1):
        full_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        username = f"u{i:06d}"
        email = f"{username}@bench.eiso.vn"
        user_rows.append(
            User(
                id=i,
                username=username,
                full_name=full_name,
                email=email,
                password=password,
                is_active=True,
                search_text=vi_fold(f"{full_name} {username} {email}")[:400],  # as User.save does
            )
        )
        if i - 1 in pinned:
            home, role_code, descendants = pinned[i - 1]
        else:
            mix = OVERSIGHT_ROLE_MIX if home.pk in oversight_ids else ROLE_MIX
            role_code, _w, descendants = rng.choices(mix, weights=[w for _c, w, _d in mix])[0]
            if role_code == "receiver" and home.kind not in (
                "commune",
                "ward",
                "special_zone",
                "commune_office",
            ):
                role_code = "officer"
        start = REFORM + datetime.timedelta(days=rng.randrange(days))
        membership_rows.append(
            Membership(
                user_id=i,
                agency_id=home.pk,
                role=roles[role_code],
                include_descendants=descendants,
                valid_from=start,
            )
        )
        draw = rng.random()
        if draw < 0.10:  # a second, current membership elsewhere in the same province
            other = rng.choice(by_province[province_of[home.pk]])
            membership_rows.append(
                Membership(
                    user_id=i,
                    agency_id=other.pk,
                    role=roles[rng.choice(["internal_auditor", "viewer", "officer"])],
                    include_descendants=False,
                    valid_from=start,
                )
            )
        elif draw < 0.15:  # an ended membership (moved jobs before the reform)
            other = rng.choice(by_province[province_of[home.pk]])
            membership_rows.append(
                Membership(
                    user_id=i,
                    agency_id=other.pk,
                    role=roles["officer"],
                    include_descendants=True,
                    valid_from=datetime.date(2024, 1, 1),
                    valid_to=REFORM - datetime.timedelta(days=1),
                )
            )
    for n, m in enumerate(membership_rows, start=1):
        m.id = n

    scopes = [
        OversightScope(
            id=n,
            overseer=oversight_departments[p.pk],
            root=p,
            valid_from=REFORM,
            note="Sở KH&CN theo dõi ISO trong tỉnh",
        )
        for n, p in enumerate(provinces, start=1)
    ]

    with transaction.atomic():
        Agency.objects.bulk_create(agencies, batch_size=2_000)
        AgencyVersion.objects.bulk_create(versions, batch_size=2_000)
        OversightScope.objects.bulk_create(scopes)
        User.objects.bulk_create(user_rows, batch_size=5_000)
        Membership.objects.bulk_create(membership_rows, batch_size=5_000)
        _reset_sequences([Agency, AgencyVersion, OversightScope, User, Membership])
    common.analyze()

    summary.versions = len(versions)
    summary.users = len(user_rows)
    summary.memberships = len(membership_rows)
    summary.oversight_scopes = len(scopes)
    summary.seconds = common.now() - started
    if echo:
        print(
            f"  wrote {summary.agency_total:,} agencies {summary.agencies}, {summary.versions:,} versions, "
            f"{summary.oversight_scopes} oversight scopes, {summary.users:,} users, "
            f"{summary.memberships:,} memberships in {summary.seconds:.1f} s",
            flush=True,
        )
    return summary


def check_tree(echo: bool = True) -> None:
    """Every path/depth follows the services' rule; one real `create_agency` agrees with it."""
    import datetime as dt

    from django.db import transaction

    from eiso.organizations import services
    from eiso.organizations.models import PATH_STEP, Agency, AgencyVersion

    rows = {
        pk: (parent_id, path, depth)
        for pk, parent_id, path, depth in Agency.objects.values_list("pk", "parent_id", "path", "depth")
    }
    bad = []
    for pk, (parent_id, path, depth) in rows.items():
        expected = path_for(rows[parent_id][1] if parent_id else "", pk, PATH_STEP)
        if path != expected or depth != depth_of(expected):
            bad.append(pk)
    if bad:
        raise SystemExit(f"{len(bad)} agencies break the path rule, e.g. #{bad[0]}")
    missing_versions = Agency.objects.exclude(versions__isnull=False).count()
    if missing_versions:
        raise SystemExit(f"{missing_versions} agencies have no version")
    for agency in Agency.objects.filter(pk__in=sorted(rows)[:: max(1, len(rows) // 100)]):
        stored = agency.search_text
        agency.refresh_search_text()
        if stored != agency.search_text:
            raise SystemExit(f"agency #{agency.pk}: search_text differs from Agency.refresh_search_text()")

    # The real service, rolled back: its path must be what path_for() gives for its new id.
    commune = Agency.objects.filter(kind="commune").order_by("path").first()
    with transaction.atomic():
        created = services.create_agency(
            actor=None,
            parent=commune,
            name="Phòng kiểm tra sinh dữ liệu",
            kind="commune_office",
            valid_from=dt.date(2026, 1, 1),
        )
        created.refresh_from_db()
        version = AgencyVersion.objects.get(agency=created)
        ok = (
            created.path == path_for(commune.path, created.pk, PATH_STEP)
            and created.depth == commune.depth + 1
            and version.parent_id == commune.pk
        )
        transaction.set_rollback(True)
    if not ok:
        raise SystemExit(
            f"services.create_agency gave path {created.path!r}: the generator's rule is out of date"
        )
    if echo:
        print(
            f"  check: {len(rows):,} paths and depths follow the services' rule; create_agency agrees",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = national size (default); 0.01 for a smoke run"
    )
    parser.add_argument("--users", type=int, help=f"number of users (default {USERS:,} × scale)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-check", action="store_true", help="skip the path and service checks")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end (default: keep it)")
    args = parser.parse_args(argv)

    common.setup_django(args.database_url)
    print(
        f"generate_national_tree: scale {args.scale}, seed {args.seed}, into {args.database_url}", flush=True
    )
    common.create_database(args.database_url)
    try:
        with common.stopwatch("migrate"):
            common.migrate()
        summary = generate(scale=args.scale, users=args.users, seed=args.seed)
        if not args.no_check:
            check_tree()
        common.print_machine(common.machine_info())
        common.write_json(args.json, {"summary": summary.__dict__ | {"agency_total": summary.agency_total}})
    finally:
        if args.drop:
            common.close_connections()
            common.drop_database(args.database_url)


if __name__ == "__main__":
    main()
