"""Procedure catalogue: importing 5,000 procedures, and searching a catalogue of 20,000.

Targets (issue 4, catalogue):
- importing 5,000 procedures < 30 s on SQLite (the whole path: read the JSON file, check every
  record, write procedures, versions, channels, fees, cases, components, legal bases, audit events);
- catalogue search with 20,000 procedures: p95 < 100 ms server time, on SQLite and PostgreSQL.

Data (`generate_records`, seeded): portal-shaped records modelled on the demo catalogue — 2–3 channels
with fees, 1–2 cases of 2–6 dossier components, 4 steps, 2–5 legal bases from a pool of 300 documents,
one of 40 sectors, names made of a demo procedure's name and a variant. The first 5,000 are imported
through `eiso.procedures.importing.import_file` (timed); the next 15,000 go through the same importer
untimed, so the searched catalogue is what imports produce.

References measured in the same run: for the import, reading and checking the same file without
writing (`read_file`), and re-importing it unchanged (nothing written); for search, the unfiltered
first list page. "Server time" is the time Django's test Client takes for the whole request in
process (middleware, session, scope, filters, queries, template or serializer) — what the app server
spends, without the network.

    .venv/bin/python benchmarks/bench_procedures.py --both --markdown /tmp/procedures_bench_section.md
    .venv/bin/python benchmarks/bench_procedures.py --database-url sqlite:////tmp/eiso_bench.sqlite3
    .venv/bin/python benchmarks/bench_procedures.py --scale 0.05 --both          # smoke run
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

IMPORT_TARGET_S = 30.0
SEARCH_TARGET_P95_MS = 100.0
SEED = 20261124
DEMO = common.ROOT / "src" / "eiso" / "procedures" / "data" / "demo_procedures.json"

# What people type: with and without diacritics, with filters; the reference is the plain first page.
SEARCHES = {
    "dang ky khai sinh": {"search": "dang ky khai sinh"},
    "Giấy phép xây dựng": {"search": "Giấy phép xây dựng"},
    "ho kinh doanh + cấp xã": {"search": "ho kinh doanh", "level": "commune"},
    "chung thuc + complete": {"search": "chung thuc", "complete": "yes"},
    "dat dai + sector": {"search": "dat dai", "sector": "S07"},
    "1.0012 (code)": {"search": "1.0012"},
}
REFERENCE = "reference: first page, no filter"


# --- generator ------------------------------------------------------------------------------------


def generate_records(count: int, seed: int = SEED, start: int = 0) -> list[dict]:
    """`count` portal-shaped records with codes 1.<n> from `start`, deterministic for a seed."""
    rng = random.Random(seed + start)
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    sectors = [{"code": f"S{i:02d}", "name": name} for i, name in enumerate(_sector_names())]
    laws = [
        {
            "code": f"{n}/20{10 + n % 15}/NĐ-CP",
            "name": f"Nghị định quy định chi tiết số {n}",
            "issuer": "Chính phủ",
        }
        for n in range(1, 301)
    ]
    variants = [
        "",
        " (cấp tỉnh)",
        " đối với tổ chức",
        " đối với cá nhân",
        " có yếu tố nước ngoài",
        " lần đầu",
    ]
    records = []
    for n in range(start, start + count):
        base = demo[n % len(demo)]
        record = json.loads(json.dumps(base))  # deep copy
        record.pop("validTo", None)
        sector = sectors[7] if "đất" in base["name"].lower() else rng.choice(sectors)
        record.update(
            {
                "id": f"bench-{n}",
                "code": f"1.{n:06d}",
                "name": base["name"] + rng.choice(variants) + f" {n}",
                "decisionNo": f"{1000 + n % 900}/QĐ-BENCH",
                "validFrom": "2025-07-01",
                "status": "PUBLISHED",
                "categoriesDetails": [sector],
                "legalBasisesDetails": rng.sample(laws, rng.randint(2, 5)),
            }
        )
        cases = record["executionCases"] or [{"name": "Hồ sơ", "profileComponents": []}]
        pool = [c for case in demo[(n * 7) % len(demo)]["executionCases"] for c in case["profileComponents"]]
        for case in cases[: rng.randint(1, 2)]:
            case["profileComponents"] = (case["profileComponents"] + pool)[: rng.randint(2, 6)]
        record["executionCases"] = cases
        records.append(record)
    return records


def _sector_names() -> list[str]:
    names = [
        "Hộ tịch",
        "Chứng thực",
        "Bảo trợ xã hội",
        "Người có công",
        "Cư trú",
        "Hộ kinh doanh",
        "Xây dựng",
        "Đất đai",
        "Môi trường",
        "Tài nguyên nước",
        "Khoáng sản",
        "Lâm nghiệp",
        "Thủy sản",
        "Trồng trọt",
        "Chăn nuôi",
        "Thú y",
        "Giáo dục",
        "Y tế",
        "Dược",
        "An toàn thực phẩm",
        "Lao động",
        "Việc làm",
        "Thi đua khen thưởng",
        "Tôn giáo",
        "Văn hóa",
        "Thể thao",
        "Du lịch",
        "Gia đình",
        "Thông tin",
        "Báo chí",
        "Xuất bản",
        "Công thương",
        "Điện lực",
        "Hóa chất",
        "Doanh nghiệp",
        "Đầu tư",
        "Thuế",
        "Hải quan",
        "Giao thông",
        "Khoa học công nghệ",
    ]
    return names


# --- measuring --------------------------------------------------------------------------------------


def bench_import(records: list[dict]) -> dict:
    from eiso.procedures import importing

    data = json.dumps(records, ensure_ascii=False).encode()
    with common.stopwatch("read and check only (reference)") as parse:
        importing.read_file(data, "json")
    with common.stopwatch(f"import {len(records):,} procedures") as full:
        summary = importing.import_file(actor=None, data=data, file_name="bench.json")
    assert summary.created == len(records), summary
    with common.stopwatch("re-import unchanged (reference)") as again:
        summary = importing.import_file(actor=None, data=data, file_name="bench.json")
    assert summary.unchanged == len(records) and not summary.changed, summary
    return {
        "records": len(records),
        "file_mb": round(len(data) / 1024 / 1024, 1),
        "import_s": full["seconds"],
        "read_only_s": parse["seconds"],
        "reimport_s": again["seconds"],
    }


def fill(total: int, already: int, chunk: int = 5000) -> None:
    from eiso.procedures import importing

    for start in range(already, total, chunk):
        records = generate_records(min(chunk, total - start), start=start)
        importing.import_file(actor=None, data=json.dumps(records).encode(), file_name="fill.json")


def people():
    """An administrator and a ward's ISO secretary (whose scope is computed on every request)."""
    import datetime

    from eiso.accounts import roles
    from eiso.accounts import services as accounts
    from eiso.organizations import services as organizations
    from eiso.organizations.models import AgencyKind

    province = organizations.create_agency(
        actor=None,
        name="Tỉnh Thử Nghiệm",
        kind=AgencyKind.PROVINCE,
        admin_code="99",
        valid_from=datetime.date(2025, 7, 1),
    )
    ward = organizations.create_agency(
        actor=None,
        name="Phường Thử Nghiệm",
        kind=AgencyKind.WARD,
        admin_code="99999",
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
    )
    admin = accounts.create_user(
        actor=None, username="bench.admin", full_name="Quản trị", agency=province, role_code=roles.ADMIN
    )
    secretary = accounts.create_user(
        actor=None, username="bench.thuky", full_name="Thư ký", agency=ward, role_code=roles.ISO_SECRETARY
    )
    from eiso.procedures import services
    from eiso.procedures.models import Procedure

    services.assign_procedures(
        actor=None,
        agency=ward,
        procedures=list(Procedure.objects.order_by("code")[:300]),
        valid_from=datetime.date(2025, 7, 1),
    )
    return {"iso_secretary": secretary, "administrator": admin}


def bench_search(users: dict, iterations: int) -> dict:
    from django.test import Client

    cases = {REFERENCE: ("page", {})}
    for label, params in SEARCHES.items():
        cases[f"page: {label}"] = ("page", params)
        cases[f"api: {label}"] = ("api", params)
    cases["api: " + REFERENCE] = ("api", {})
    urls = {"page": "/thu-tuc/", "api": "/api/v1/procedures/"}
    results = {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        counts = {}
        for label, (kind, params) in cases.items():
            for _ in range(3):  # warm-up
                response = client.get(urls[kind], params)
                assert response.status_code == 200, (label, response.status_code)
            if kind == "api":
                counts[label] = response.json()["count"]
        timings = {label: [] for label in cases}
        for _ in range(iterations):  # interleaved: noise hits every case alike
            for label, (kind, params) in cases.items():
                start = common.now()
                client.get(urls[kind], params)
                timings[label].append(common.now() - start)
        results[who] = {
            label: common.summarize(values) | {"rows": counts.get(label)} for label, values in timings.items()
        }
    return results


def run_one(args) -> dict:
    common.setup_django(args.database_url)
    print(f"bench_procedures: {args.database_url}", flush=True)
    common.create_database(args.database_url)
    try:
        common.migrate()
        info = common.machine_info()
        common.print_machine(info)
        n_import = max(50, int(5000 * args.scale))
        n_total = max(n_import, int(20000 * args.scale))
        imported = bench_import(generate_records(n_import))
        with common.stopwatch(f"fill to {n_total:,} procedures"):
            fill(n_total, n_import)
        if info["database"] == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load
                cursor.execute("VACUUM ANALYZE")
        users = people()
        iterations = args.iterations or (200 if args.scale >= 1 else 20)
        with common.stopwatch("search pages"):
            search = bench_search(users, iterations)
        from eiso.procedures.models import Procedure

        payload = {
            "machine": info,
            "scale": args.scale,
            "catalogue": Procedure.objects.count(),
            "import": imported,
            "search": search,
            "iterations": iterations,
            "loadavg_at_end": common.load_average(),
        }
        common.write_json(args.json, payload)
        return payload
    finally:
        if not args.keep:
            common.close_connections()
            common.drop_database(args.database_url)


def markdown(results: dict[str, dict]) -> str:
    """The section for docs/benchmarks.md."""
    lines = ["## Procedure catalogue", ""]
    first = next(iter(results.values()))
    m = first["machine"]
    lines += [
        f"Issue 4 (catalogue) sets two targets. Recorded on **{m['date']}** on {m['nproc']} vCPUs ({m['cpu_model']}), "
        f"{m['ram_gib']} GiB RAM, Python {m['python']}, Django {m['django']}; "
        + "; ".join(
            f"{r['machine']['database_version']} (load average at start {r['machine']['loadavg_at_start']})"
            for r in results.values()
        )
        + ".",
        "",
        "```sh",
        ".venv/bin/python benchmarks/bench_procedures.py --both --markdown /tmp/procedures_bench_section.md",
        "```",
        "",
        "### 1. Importing 5,000 procedures: < 30 s on SQLite",
        "",
        "The whole path of `eiso procedures import`: read the JSON file (portal shape), check every record, then "
        "in one transaction write the procedures, versions, channels, fees, cases, dossier components, legal "
        "bases, one audit event per version and the import's summary event. References in the same run: reading "
        "and checking the file only, and re-importing it unchanged (which writes nothing).",
        "",
        "| Database | Records | File | **Import** | Target | Reference: read + check | Reference: re-import unchanged | Result |",
        "|---|---:|---:|---:|---|---:|---:|---|",
    ]
    for db, r in results.items():
        i = r["import"]
        target = f"< {IMPORT_TARGET_S:.0f} s" if db == "sqlite" else "(informative)"
        ok = common.verdict(i["import_s"] < IMPORT_TARGET_S) if db == "sqlite" else "—"
        lines.append(
            f"| {r['machine']['database_version']} | {i['records']:,} | {i['file_mb']} MB | **{i['import_s']:.1f} s** | {target} "
            f"| {i['read_only_s']:.1f} s | {i['reimport_s']:.1f} s | **{ok}** |"
        )
    lines += [
        "",
        f"### 2. Catalogue search over {first['catalogue']:,} procedures: p95 < 100 ms server time",
        "",
        "One request through Django's test Client, in process: session, scope, the shared FilterSet, the folded "
        "`search_text` LIKE per word, count + first page of 50 (page: the HTML list; API: `/api/v1/procedures/`). "
        f"{first['iterations']} requests per case, cases interleaved; persona: a ward's ISO secretary (scope "
        "computed per request). Reference: the first page with no filter.",
        "",
        "| Database | Case | Rows | p50 | **p95** | p99 | Ratio to reference p95 | Result |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results.values():
        s = r["search"]["iso_secretary"]
        ref = s[REFERENCE]["p95_ms"]
        api_ref = s["api: " + REFERENCE]["p95_ms"]
        worst = 0.0
        for label, fig in s.items():
            base = api_ref if label.startswith("api") else ref
            if label not in (REFERENCE, "api: " + REFERENCE):
                worst = max(worst, fig["p95_ms"])
            rows = "" if fig["rows"] is None else f"{fig['rows']:,}"
            verdict = "" if "reference" in label else common.verdict(fig["p95_ms"] < SEARCH_TARGET_P95_MS)
            lines.append(
                f"| {r['machine']['database_version']} | {label} | {rows} | {fig['p50_ms']:.1f} ms | **{fig['p95_ms']:.1f} ms** "
                f"| {fig['p99_ms']:.1f} ms | {fig['p95_ms'] / base:.2f}× | {verdict} |"
            )
        admin = r["search"]["administrator"]
        admin_worst = max(f["p95_ms"] for label, f in admin.items() if "reference" not in label)
        lines.append(
            f"| {r['machine']['database_version']} | administrator, slowest search case | | | **{admin_worst:.1f} ms** | | | "
            f"{common.verdict(admin_worst < SEARCH_TARGET_P95_MS)} |"
        )
    lines += [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = 5,000 imported / 20,000 searched; 0.05 smoke"
    )
    parser.add_argument(
        "--iterations", type=int, help="requests per search case (default 200; 20 below scale 1)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--both", action="store_true", help="run on SQLite (temporary file) and on --database-url"
    )
    parser.add_argument(
        "--markdown", metavar="PATH", help="with --both: write the docs/benchmarks.md section here"
    )
    args = parser.parse_args(argv)
    if not args.both:
        run_one(args)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="eiso-bench-") as tmp:
        for name, url in (("sqlite", common.sqlite_url(tmp)), ("postgresql", args.database_url)):
            out = Path(tmp) / f"{name}.json"
            command = [
                sys.executable,
                __file__,
                "--database-url",
                url,
                "--scale",
                str(args.scale),
                "--json",
                str(out),
            ]
            if args.iterations:
                command += ["--iterations", str(args.iterations)]
            subprocess.run(command, check=True)  # noqa: S603 - our own script
            results[name] = json.loads(out.read_text())
    if args.json:
        common.write_json(args.json, results)
    text = markdown(results)
    print("\n" + text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
        print(f"section written to {args.markdown}")


if __name__ == "__main__":
    main()
