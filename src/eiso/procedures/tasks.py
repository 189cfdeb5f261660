"""Background tasks of the procedure catalogue (django-tasks; idempotent).

`run_import(job_id)` imports the file stored on a `ProcedureImport` row; the job page polls the row.
Running it again for a job that has started or finished does nothing.
"""

from django_tasks import task

from eiso.procedures.importing import run_job


@task()
def run_import(job_id: int) -> dict:
    job = run_job(job_id)
    return {"job": job.pk, "status": job.status, "created": job.created_count, "updated": job.updated_count}
