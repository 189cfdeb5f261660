"""Background tasks of the calendar (django-tasks; idempotent).

`recompute_calendar_change(change_id)` runs after a calendar change has committed: it recomputes the
open clocks the change can affect, stores the counts on the `CalendarChange` row for the
administrator's page, and records one audit event "N deadlines moved". Running it again for a change
that is done does nothing.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from eiso.calendars.models import CalendarChange, ChangeStatus
from eiso.calendars.recompute import recompute_open_clocks
from eiso.core.audit import record_event

logger = logging.getLogger(__name__)


@task()
def recompute_calendar_change(change_id: int) -> dict:
    with transaction.atomic():
        change = CalendarChange.objects.select_for_update().filter(pk=change_id).first()
        if change is None or change.status == ChangeStatus.DONE:
            return {"change": change_id, "skipped": True}
        change.status, change.started_at, change.error = ChangeStatus.RUNNING, timezone.now(), ""
        change.save(update_fields=["status", "started_at", "error"])
    try:
        return run_change(change)
    except Exception as exc:
        logger.exception("recomputing deadlines after calendar change %s failed", change_id)
        CalendarChange.objects.filter(pk=change_id).update(
            status=ChangeStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise


@transaction.atomic
def run_change(change: CalendarChange) -> dict:
    """Recompute for one change and store the outcome (in one transaction with the writes)."""
    result = recompute_open_clocks(change.date_list or None, scope=change.agency)
    change.status = ChangeStatus.DONE
    change.checked_count = result.checked
    change.moved_count = result.moved
    change.moved_ids = result.moved_ids
    change.moves_sample = result.moves
    change.finished_at = timezone.now()
    change.save()
    summary = {
        "checked": result.checked,
        "moved": result.moved,
        "estimated_changed": result.estimated_changed,
        "failed": result.failed_ids[:100],
    }
    record_event(
        actor=change.actor,
        verb="calendar.recompute",
        obj=change,
        agency=change.agency,
        after=summary,
        reason=_("%(moved)s lịch hẹn (hạn giải quyết) thay đổi sau khi đổi lịch: %(summary)s")
        % {"moved": result.moved, "summary": change.summary},
    )
    return {"change": change.pk, **summary}
