"""Import jobs: from an uploaded file to stored versions, with progress a page can poll.

`start_import` stores the file on a `ProcedureImport` row. A small file (up to `SYNC_MAX_BYTES`) is
imported at once, inside the request; a larger one by the background task
`eiso.procedures.tasks.run_import` (django-tasks: run a worker with `eiso db_worker`), and the job page
polls the row with htmx.

`run_job` goes through three phases, each committed on its own so a poll sees it: reading the file
(errors → the job fails with every error, nothing is written), then writing every record in **one**
transaction (all or nothing). Progress inside that transaction cannot be read from the job row (it
is not committed yet), so it is reported beside it: on PostgreSQL through a second connection in
autocommit mode, on SQLite (single node by design) through a small file under var/.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eiso.core.errors import DomainError, PermissionRefused
from eiso.procedures import records as rec
from eiso.procedures import rules as perms
from eiso.procedures.models import ImportStatus, ProcedureImport, VersionStatus

logger = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024 * 1024
SYNC_MAX_BYTES = 256 * 1024
FORMATS = ("json", "xlsx")


def detect_format(file_name: str, data: bytes) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    return "xlsx" if data[:2] == b"PK" else "json"


def read_file(data: bytes, file_format: str) -> list[tuple[str, dict]]:
    """Every record of the file, or ImportRefused naming every problem (record and field)."""
    if file_format == "xlsx":
        from eiso.procedures.xlsx import read_workbook

        records, errors = read_workbook(data)
    else:
        records, errors = rec.read_json(data)
    if errors:
        raise rec.ImportRefused(errors)
    if not records:
        raise rec.ImportRefused([rec.RecordError(_("tệp"), "", _("Tệp không có bản ghi nào."))])
    return records


def import_file(
    *, actor, data: bytes, file_name: str, default_status: str = VersionStatus.PUBLISHED, **kwargs
):
    """Read and import in one go (command line, demo, tests)."""
    from eiso.procedures.services import import_records

    file_format = detect_format(file_name, data)
    return import_records(
        actor=actor,
        records=read_file(data, file_format),
        default_status=default_status,
        file_name=file_name,
        **kwargs,
    )


@transaction.atomic
def start_import(
    *, actor, file_name: str, data: bytes, default_status: str = VersionStatus.PUBLISHED
) -> ProcedureImport:
    """Tạo lần nhập: store the file; the caller runs it (`run_now`) or the task does after commit."""
    if actor is not None and not perms.can_manage_catalogue(actor):
        raise PermissionRefused()
    if not data:
        raise DomainError(_("Tệp rỗng."), code="empty", field="file")
    if len(data) > MAX_BYTES:
        raise DomainError(
            _("Tệp lớn quá %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}, code="too_large", field="file"
        )
    if default_status not in (VersionStatus.PUBLISHED, VersionStatus.DRAFT):
        raise DomainError(_("Tình trạng mặc định phải là dự thảo hoặc đang áp dụng."), code="invalid_status")
    job = ProcedureImport.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=Path(file_name).name[:255] or "import",
        file_format=detect_format(file_name, data),
        payload=data,
        options={"default_status": default_status},
    )
    if len(data) > SYNC_MAX_BYTES:
        from eiso.procedures.tasks import run_import

        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def runs_in_request(job: ProcedureImport) -> bool:
    return job.payload is not None and len(job.payload) <= SYNC_MAX_BYTES


# --- progress beside the write transaction ------------------------------------------------------


def _progress_file(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "import-progress" / f"{job_id}"


class Progress:
    """Writes "records done" where a poll can read it while the import transaction is still open."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None
        self.path = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        else:
            self.path = _progress_file(job_id)
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, done: int) -> None:
        try:
            if self.side is not None:
                table = ProcedureImport._meta.db_table
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET processed = %s WHERE id = %s",  # noqa: S608 - no user input
                        [done, self.job_id],
                    )
            else:
                self.path.write_text(str(done))
        except Exception:  # progress is a courtesy: never fail an import for it
            logger.warning("could not report the progress of import %s", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def processed(job: ProcedureImport) -> int:
    """Records done so far (reads the side file on SQLite while the import runs)."""
    if job.status == ImportStatus.RUNNING and connection.vendor != "postgresql":
        try:
            return int(_progress_file(job.pk).read_text() or 0)
        except (OSError, ValueError):
            return job.processed
    return job.processed


def _update(job: ProcedureImport, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ProcedureImport.objects.filter(pk=job.pk).update(**fields)


def run_job(job_id: int) -> ProcedureImport:
    """Run one import job (idempotent: a finished job is left alone)."""
    from eiso.procedures.services import import_records

    with transaction.atomic():
        job = (
            ProcedureImport.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=job_id)
        )
        if job.status != ImportStatus.PENDING:
            return job
        _update(job, status=ImportStatus.RUNNING, started_at=timezone.now())
    try:
        records = read_file(bytes(job.payload), job.file_format)
    except rec.ImportRefused as exc:
        _update(
            job,
            status=ImportStatus.FAILED,
            errors=[e.as_dict() for e in exc.errors],
            message=" ".join(exc.messages),
            finished_at=timezone.now(),
            payload=None,
        )
        return job
    _update(job, total=len(records))
    progress = Progress(job.pk)
    try:
        summary = import_records(
            actor=job.created_by,
            records=records,
            default_status=job.options.get("default_status", VersionStatus.PUBLISHED),
            file_name=job.file_name,
            job_id=job.pk,
            progress=progress,
        )
    except rec.ImportRefused as exc:
        _update(
            job,
            status=ImportStatus.FAILED,
            errors=[e.as_dict() for e in exc.errors],
            message=" ".join(exc.messages),
            finished_at=timezone.now(),
            payload=None,
        )
        return job
    except DomainError as exc:
        _update(
            job,
            status=ImportStatus.FAILED,
            message=" ".join(exc.messages),
            finished_at=timezone.now(),
            payload=None,
        )
        return job
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        _update(
            job,
            status=ImportStatus.FAILED,
            message=_("Lỗi hệ thống khi nhập: %(error)s") % {"error": type(exc).__name__},
            finished_at=timezone.now(),
        )
        raise
    finally:
        progress.close()
    _update(
        job,
        status=ImportStatus.DONE,
        processed=len(records),
        created_count=summary.created,
        updated_count=summary.updated,
        unchanged_count=summary.unchanged,
        message=_(
            "Đã nhập %(total)s bản ghi: %(created)s phiên bản mới, %(updated)s cập nhật, %(unchanged)s không đổi."
        )
        % {
            "total": summary.total,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
        finished_at=timezone.now(),
        payload=None,
    )
    return job
