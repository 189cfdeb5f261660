"""Agency list of one province, filtered by `Agency.objects.visible_to(user)`, on the national tree.

Target (issue "Platform foundation"): p95 < 50 ms for the database work of a list page.

What one "list page" is here, per iteration, exactly as a view or the API would do it on a new
request: the user's scope is computed afresh (`scope_for`: memberships + oversight scopes), the
province is looked up by its code, then the queryset
`Agency.objects.visible_to(user).subtree(province)` (ordered by path) gives its `count()` and its
first page of 50 rows. Timed from Python (what the app server waits for), plus, for the same SQL,
PostgreSQL's own planning + execution time from EXPLAIN ANALYZE.

Personas, interleaved round by round so that machine noise hits all of them alike:
(a) an oversight officer of the province's Department of S&T (sees the province by its oversight
    scope), (b) an officer of one commune (sees that commune and its offices), and the reference
    (c) a superuser, whose list has no visibility filter at all.

When `/api/v1/agencies/?province=<code>` exists, the same personas also go through Django's test
Client (middleware, session, authentication, serialization included); a 404 skips that part.

    .venv/bin/python benchmarks/bench_agency_list.py                 # full size (13,828 agencies)
    .venv/bin/python benchmarks/bench_agency_list.py --scale 0.01    # smoke run
    .venv/bin/python benchmarks/bench_agency_list.py --reuse         # tree made by generate_national_tree.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_P95_MS = 50.0
PAGE_SIZE = 50


def list_page(user, province_code: str) -> tuple[int, list]:
    """The database work of one list page for `user` on a new request."""
    from eiso.accounts.scope import forget_scope
    from eiso.organizations.models import Agency, AgencyKind

    forget_scope(user)  # a new request starts with no cached scope
    province = Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code=province_code)
    qs = Agency.objects.visible_to(user).subtree(province).order_by("path")
    return qs.count(), list(qs[:PAGE_SIZE])


def pick_province(code: str | None):
    from django.db.models import Count

    from eiso.organizations.models import Agency, AgencyKind

    provinces = Agency.objects.filter(kind=AgencyKind.PROVINCE)
    if code:
        return provinces.get(admin_code=code)
    # Default: the province with the most communes, i.e. the longest list.
    return provinces.annotate(n=Count("children")).order_by("-n", "path").first()


def personas(province) -> dict:
    from eiso.accounts import roles
    from eiso.accounts.models import Membership, User
    from eiso.organizations.models import COMMUNE_KINDS, OversightScope

    overseer = (
        Membership.objects.active_on()
        .filter(role__code=roles.OVERSIGHT_OFFICER, include_descendants=True, agency__parent=province)
        .filter(agency__in=OversightScope.objects.active_on().filter(root=province).values("overseer"))
        .order_by("user_id")
        .select_related("user", "agency")
        .first()
    )
    commune_officer = (
        Membership.objects.active_on()
        .filter(
            role__code=roles.OFFICER,
            include_descendants=True,
            agency__parent=province,
            agency__kind__in=[str(k) for k in COMMUNE_KINDS],
        )
        .order_by("user_id")
        .select_related("user", "agency")
        .first()
    )
    if overseer is None or commune_officer is None:
        raise SystemExit(
            "the tree has no oversight officer or commune officer in this province: regenerate it"
        )
    superuser, _ = User.objects.get_or_create(
        username="bench_superuser",
        defaults={"is_superuser": True, "is_staff": True, "full_name": "Benchmark"},
    )
    return {
        "oversight_officer": (overseer.user, f"{overseer.agency.name} (oversight scope over the province)"),
        "commune_officer": (commune_officer.user, f"officer of {commune_officer.agency.name}"),
        "reference_superuser": (superuser, "superuser: no visibility filter"),
    }


def capture_sql(fn) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def server_times(statements: list[str], iterations: int) -> list[float]:
    """Seconds of PostgreSQL planning + execution for the whole list of statements, per iteration."""
    from django.db import connection

    results = []
    with connection.cursor() as cursor:
        for _ in range(iterations):
            total_ms = 0.0
            for sql in statements:
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                total_ms += plan[0]["Planning Time"] + plan[0]["Execution Time"]
            results.append(total_ms / 1000)
    return results


def bench_orm(people: dict, province_code: str, iterations: int) -> dict:
    for user, _ in people.values():  # warm-up: caches, prepared plans, pages in memory
        for _ in range(10):
            list_page(user, province_code)
    timings: dict[str, list[float]] = {name: [] for name in people}
    for _ in range(iterations):
        for name, (user, _label) in people.items():
            start = common.now()
            list_page(user, province_code)
            timings[name].append(common.now() - start)
    return {name: common.summarize(values) for name, values in timings.items()}


def bench_api(people: dict, province_code: str, iterations: int, expected: dict) -> dict | None:
    from django.test import Client

    clients = {}
    for name, (user, _label) in people.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    url = f"/api/v1/agencies/?province={province_code}"
    first = clients["reference_superuser"].get(url)
    if first.status_code == 404:
        print(f"  {url}: 404, the endpoint does not exist yet: API part skipped", flush=True)
        return None
    checks = {}
    for name, client in clients.items():
        response = client.get(url)
        if response.status_code != 200:
            print(f"  {url} as {name}: HTTP {response.status_code}: API part skipped", flush=True)
            return None
        body = response.json()
        count = body.get("count") if isinstance(body, dict) else len(body)
        checks[name] = {"api_count": count, "orm_count": expected[name], "same": count == expected[name]}
        for _ in range(5):
            client.get(url)
    timings: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(iterations):
        for name, client in clients.items():
            start = common.now()
            response = client.get(url)
            timings[name].append(common.now() - start)
            if response.status_code != 200:  # a benchmark must not time errors
                raise SystemExit(f"{url} as {name}: HTTP {response.status_code}")
    return {
        name: common.summarize(values) | {"count_check": checks[name]} for name, values in timings.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="tree size: 1 = national (default), 0.01 smoke"
    )
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default: the generator's)")
    parser.add_argument(
        "--iterations", type=int, help="list pages per persona (default 1000, 100 below scale 1)"
    )
    parser.add_argument(
        "--api-iterations", type=int, help="API requests per persona (default 300, 30 below scale 1)"
    )
    parser.add_argument(
        "--explain-iterations", type=int, default=200, help="EXPLAIN ANALYZE runs per persona"
    )
    parser.add_argument(
        "--province", metavar="CODE", help="province admin code (default: the one with most communes)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the tree already in the database; do not drop it"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)
    full = args.scale >= 1
    iterations = args.iterations or (1000 if full else 100)
    api_iterations = args.api_iterations or (300 if full else 30)

    common.setup_django(args.database_url)
    import generate_national_tree as gen

    print(f"bench_agency_list: {args.database_url}", flush=True)
    if not args.reuse:
        common.create_database(args.database_url)
        common.migrate()
        gen.generate(scale=args.scale, seed=args.seed if args.seed is not None else gen.SEED)
    try:
        from eiso.organizations.models import Agency

        info = common.machine_info()
        common.print_machine(info)
        province = pick_province(args.province)
        people = personas(province)
        expected = {name: list_page(user, province.admin_code)[0] for name, (user, _l) in people.items()}
        print(
            f"  tree: {Agency.objects.count():,} agencies; province {province.admin_code} {province.name}: "
            f"{Agency.objects.subtree(province).count():,} agencies",
            flush=True,
        )
        for name, (_user, label) in people.items():
            print(f"  {name}: {label}; sees {expected[name]:,} agencies of the province", flush=True)

        with common.stopwatch("ORM list pages"):
            orm = bench_orm(people, province.admin_code, iterations)
        server = {}
        if info["database"] == "postgresql":
            for name, (user, _l) in people.items():
                statements = capture_sql(lambda user=user: list_page(user, province.admin_code))
                server[name] = common.summarize(server_times(statements, args.explain_iterations)) | {
                    "queries": len(statements)
                }
        with common.stopwatch("API list pages"):
            api = bench_api(people, province.admin_code, api_iterations, expected)

        print(f"\nAgency list of {province.name} ({province.admin_code}), first page of {PAGE_SIZE} + count")
        print(
            f"{'persona':<22}{'sees':>7}{'p50':>10}{'p95':>10}{'p99':>10}{'PG p95':>10}  target p95 < 50 ms"
        )
        ref95 = orm["reference_superuser"]["p95_ms"]
        for name in people:
            s = orm[name]
            pg = server.get(name, {}).get("p95_ms", float("nan"))
            ok = s["p95_ms"] < TARGET_P95_MS
            print(
                f"{name:<22}{expected[name]:>7,}{s['p50_ms']:>8.2f}ms{s['p95_ms']:>8.2f}ms{s['p99_ms']:>8.2f}ms"
                f"{pg:>8.2f}ms  {common.verdict(ok)} (×{s['p95_ms'] / ref95:.2f} the reference)"
            )
        if api:
            print("\nThrough the test Client: GET /api/v1/agencies/?province=" + province.admin_code)
            for name, s in api.items():
                check = s["count_check"]
                print(
                    f"{name:<22}{s['p50_ms']:>8.2f}ms{s['p95_ms']:>8.2f}ms{s['p99_ms']:>8.2f}ms  "
                    f"{common.verdict(s['p95_ms'] < TARGET_P95_MS)}; count {check['api_count']} "
                    f"(ORM {check['orm_count']}{'' if check['same'] else ' — MISMATCH'})"
                )
        common.write_json(
            args.json,
            {
                "machine": info,
                "province": {"code": province.admin_code, "name": province.name},
                "target_p95_ms": TARGET_P95_MS,
                "iterations": iterations,
                "visible": expected,
                "personas": {name: label for name, (_u, label) in people.items()},
                "orm": orm,
                "postgres_server": server,
                "api": api,
                "loadavg_at_end": common.load_average(),
            },
        )
    finally:
        if not (args.keep or args.reuse):
            common.close_connections()
            common.drop_database(args.database_url)


if __name__ == "__main__":
    main()
