"""Shared plumbing for the benchmarks: Django setup from a DATABASE_URL, a throwaway database,
timing helpers and a description of the machine the figures came from.

Every benchmark script imports this module first and calls `setup_django(url)` before importing
anything from `eiso`: settings are read from the environment once, at `django.setup()`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/eiso_bench"

if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


# --- command line -------------------------------------------------------------------------------


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="database the benchmark creates, fills and drops (default %(default)s; env BENCH_DATABASE_URL)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    return parser


# --- Django and the database --------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    """Point eISO's settings at `database_url` and start Django (production settings, DEBUG off)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "eiso.conf.settings"
    # A fixed key and a private var/ so a benchmark never writes into the developer's var/.
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")
    os.environ.setdefault("EISO_VAR_DIR", str(Path(tempfile.gettempdir()) / "eiso-bench-var"))
    Path(os.environ["EISO_VAR_DIR"], "static").mkdir(
        parents=True, exist_ok=True
    )  # whitenoise warns otherwise
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # no "Not Found" lines when an endpoint is probed
    os.environ["DEBUG"] = "0"  # DEBUG=1 would keep every query in memory and slow everything down
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme.startswith("postgres")


def sqlite_url(directory: str | Path, name: str = "eiso_bench.sqlite3") -> str:
    return f"sqlite:///{Path(directory) / name}"


def _pg_admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def _refuse_foreign(url: str) -> None:
    # These scripts drop what they are pointed at: only ever a database named for benchmarks.
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop and re-create {name!r}: its name must contain 'bench'")


def create_database(url: str) -> None:
    """Drop and re-create the database named by `url` (PostgreSQL) or remove the SQLite file."""
    drop_database(url)
    if is_postgres(url):
        from psycopg import sql

        conn, name = _pg_admin_connection(url)
        with conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    _refuse_foreign(url)
    if is_postgres(url):
        from psycopg import sql

        conn, name = _pg_admin_connection(url)
        with conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    else:
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


def analyze() -> None:
    """Refresh planner statistics after a bulk load, as autovacuum would shortly after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- timing ------------------------------------------------------------------------------------


def now() -> float:
    return time.perf_counter()


@contextmanager
def stopwatch(label: str = "", echo: bool = True) -> Iterator[dict]:
    """`with stopwatch("load") as t: ...` then `t["seconds"]`."""
    result: dict = {"label": label}
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start
        if echo and label:
            print(f"  {label}: {result['seconds']:.2f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    """Percentile by linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarize(seconds: list[float]) -> dict:
    """Milliseconds: n, mean, p50, p95, p99, min, max."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "mean_ms": statistics.fmean(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "min_ms": min(ms),
        "max_ms": max(ms),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- the machine -------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine_info() -> dict:
    """nproc, CPU model, RAM, OS, Python, Django, and the database server's version."""
    import django
    from django.db import connection

    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    info = {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "nproc": nproc,
        "cpu_model": _cpu_model(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "loadavg_at_start": load_average(),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            info["database_version"] = "PostgreSQL " + cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            info["database_version"] = "SQLite " + cursor.fetchone()[0]
    return info


def load_average() -> str:
    """1, 5 and 15-minute load averages: above nproc means other work competed for the CPUs."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def print_machine(info: dict) -> None:
    print(
        f"machine: {info['nproc']} CPU(s), {info['cpu_model']}, {info['ram_gib']} GiB RAM; "
        f"Python {info['python']}, Django {info['django']}, {info['database_version']}; {info['date']}; "
        f"load average {info['loadavg_at_start']}",
        flush=True,
    )


def write_json(path: str | None, payload: dict) -> None:
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print(f"figures written to {path}")
