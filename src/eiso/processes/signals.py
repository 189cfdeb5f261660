"""Receivers: the legal-change watch listens to the procedure catalogue.

`eiso.procedures.signals.procedure_changed` is sent inside the publishing transaction when a procedure
gets a new version or one of its legal bases is replaced; every internal process built on the old
content is flagged "needs review", due 3 months after the change takes effect on the agency's working
calendar (`services.flag_processes_for_change`). Flags are idempotent, so a repeated signal adds nothing.
"""

from django.dispatch import receiver

from eiso.procedures.signals import procedure_changed


@receiver(procedure_changed, dispatch_uid="eiso.processes.flag_processes")
def flag_processes(sender, procedure_version, effective_date, reason, legal_document=None, **kwargs):
    from eiso.processes import services

    services.flag_processes_for_change(
        procedure_version=procedure_version,
        effective_date=effective_date,
        reason=reason,
        legal_document=legal_document,
    )
