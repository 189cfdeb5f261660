"""Legal-change watch (theo dõi thay đổi pháp lý), shared with the process designer.

Decision 19/2014/QĐ-TTg: an agency must bring a changed legal basis into its QMS **within 3 months**
of the change taking effect. The catalogue announces each change with one signal:

    procedure_changed.send(
        sender=ProcedureVersion,
        procedure_version=<the version in force that is affected>,
        effective_date=<the day the change takes effect>,
        review_due=<effective_date + 3 months (Civil Code Art. 148: same day of the month, clamped)>,
        reason="new_version" | "legal_basis_replaced",
        legal_document=<the replaced LegalDocument, for "legal_basis_replaced"; else None>,
    )

It is sent

- when a version is **published** (`services.publish_version`, also through an import): the new
  version, effective from its `valid_from` — except the first version of a procedure created by that
  same import (nothing can be built on a procedure that did not exist before the transaction);
- when a legal document is **replaced** (`services.replace_legal_document`): every version citing it
  that is in force on, or starts after, the day of the replacement.

Receivers (the processes app flags the internal processes of that procedure "needs review", due on
`review_due`) run **inside the publishing transaction**: their writes commit or roll back with the
change that caused them, and a refusal in a receiver refuses the change. Anything that talks to the
outside world belongs in `transaction.on_commit`. A receiver must be idempotent: re-importing a file
that changes nothing sends nothing, but publishing the same decision again after a correction does.

    from django.dispatch import receiver
    from eiso.procedures.signals import procedure_changed

    @receiver(procedure_changed)
    def flag_processes(sender, procedure_version, effective_date, review_due, reason, **kwargs): ...
"""

import datetime

from django.dispatch import Signal

from eiso.calendars.clock import add_months

REVIEW_MONTHS = 3  # Decision 19/2014/QĐ-TTg: bring legal changes into the QMS within 3 months (domain.md §2)

procedure_changed = Signal()


def review_due(effective_date: datetime.date) -> datetime.date:
    """The last day to bring a legal change that takes effect on `effective_date` into the QMS."""
    return add_months(effective_date, REVIEW_MONTHS)


def send_procedure_changed(
    procedure_version, effective_date: datetime.date, reason: str, legal_document=None
):
    from eiso.procedures.models import ProcedureVersion

    return procedure_changed.send(
        sender=ProcedureVersion,
        procedure_version=procedure_version,
        effective_date=effective_date,
        review_due=review_due(effective_date),
        reason=reason,
        legal_document=legal_document,
    )
