"""Nhắc soát xét định kỳ tài liệu: the scheduled reminder of documents whose periodic review is due.

`remind(days=30)` finds the documents in force whose `next_review_on` falls within `days` days or has
passed (`DocumentQuerySet.review_due`, the query of the "Đến hạn soát xét" page) and notifies, through
`eiso.notifications.services.notify`:

- the drafter of the version in force (who signed it "drafted"; the uploader when nobody signed);
- the heads of the owning unit (trưởng phòng of `owner_unit`);
- the agency's ISO secretaries (thư ký ISO, a role held in the document's agency itself).

Each recipient is kept only when they can read the document (`Document.objects.visible_to`), so a
reminder never shows the title of a restricted document to someone who may not open it. The
notification key is `documents.review:<document id>:<review date>`: running the job again the same day
or the next notifies nobody twice; issuing a new version (a new review date) starts afresh.

Run daily by `eiso documents remind` (cron or a systemd timer, docs/operations/install.md), or
enqueue `eiso.documents.tasks.remind_reviews`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eiso.accounts import roles
from eiso.accounts.models import Membership, User
from eiso.documents.models import Document, Signature, SignatureMeaning
from eiso.notifications.services import notify

KIND = "documents.review_due"
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class ReminderResult:
    documents: int  # documents due (or overdue) for review
    notified: int  # notifications created by this run (0 when run again)


def review_key(document: Document) -> str:
    return f"documents.review:{document.pk}:{document.next_review_on.isoformat()}"


def due_documents(*, today: datetime.date, days: int):
    """Documents in force whose periodic review is due within `days` days of `today` or overdue."""
    return (
        Document.objects.review_due(day=today, within_days=days)
        .filter(next_review_on__isnull=False)
        .select_related("agency", "current_version")
        .order_by("next_review_on", "pk")
    )


def recipients_for(documents: list[Document], *, today: datetime.date) -> dict[int, list[User]]:
    """Per document id, the people to remind (see the module docstring), in a fixed number of queries."""
    if not documents:
        return {}
    wanted: dict[int, set[int]] = defaultdict(set)
    by_version = {d.current_version_id: d.pk for d in documents}
    signed = set()
    for version_id, signer_id in Signature.objects.filter(
        version_id__in=by_version, meaning=SignatureMeaning.DRAFTED
    ).values_list("version_id", "signer_id"):
        wanted[by_version[version_id]].add(signer_id)
        signed.add(version_id)
    for document in documents:
        version = document.current_version
        if version.pk not in signed and version.created_by_id:
            wanted[document.pk].add(version.created_by_id)
    agency_ids = {d.agency_id for d in documents}
    unit_ids = {d.owner_unit_id for d in documents if d.owner_unit_id}
    holders: dict[tuple[int, str], set[int]] = defaultdict(set)
    for agency_id, code, user_id in (
        Membership.objects.active_on(today)
        .filter(
            Q(role__code=roles.ISO_SECRETARY, agency_id__in=agency_ids)
            | Q(role__code=roles.UNIT_HEAD, agency_id__in=unit_ids)
        )
        .values_list("agency_id", "role__code", "user_id")
    ):
        holders[(agency_id, code)].add(user_id)
    for document in documents:
        wanted[document.pk] |= holders[(document.agency_id, roles.ISO_SECRETARY)]
        if document.owner_unit_id:
            wanted[document.pk] |= holders[(document.owner_unit_id, roles.UNIT_HEAD)]
    users = User.objects.filter(is_active=True, pk__in={pk for ids in wanted.values() for pk in ids})
    readable: dict[int, set[int]] = {}
    people = {}
    for user in users:
        people[user.pk] = user
        candidates = [doc_id for doc_id, ids in wanted.items() if user.pk in ids]
        readable[user.pk] = set(
            Document.objects.visible_to(user).filter(pk__in=candidates).values_list("pk", flat=True)
        )
    return {
        doc_id: [people[pk] for pk in sorted(ids) if pk in people and doc_id in readable[pk]]
        for doc_id, ids in wanted.items()
    }


def _message(document: Document, today: datetime.date) -> tuple[str, str]:
    due = document.next_review_on
    code_title = f"{document.code} {document.title}"
    if due < today:
        title = _("Quá hạn soát xét định kỳ: %(document)s") % {"document": code_title}
        when = _("Hạn soát xét định kỳ là ngày %(due)s, đã quá %(days)s ngày.") % {
            "due": f"{due:%d/%m/%Y}",
            "days": (today - due).days,
        }
    else:
        title = _("Sắp đến hạn soát xét định kỳ: %(document)s") % {"document": code_title}
        left = (due - today).days
        when = (
            _("Hạn soát xét định kỳ là hôm nay, ngày %(due)s.") % {"due": f"{due:%d/%m/%Y}"}
            if left == 0
            else _("Hạn soát xét định kỳ là ngày %(due)s, còn %(days)s ngày.")
            % {"due": f"{due:%d/%m/%Y}", "days": left}
        )
    version = document.current_version
    body = "\n".join(
        [
            when,
            _(
                "Phiên bản đang hiệu lực: lần %(number)s, từ %(since)s. Đề nghị xem xét tài liệu còn phù hợp "
                "hay cần sửa đổi."
            )
            % {
                "number": version.label,
                "since": f"{version.effective_date:%d/%m/%Y}" if version.effective_date else "—",
            },
        ]
    )
    return title, body


def remind(
    *, days: int = DEFAULT_DAYS, today: datetime.date | None = None, email: bool = True
) -> ReminderResult:
    """Notify about every document due for periodic review within `days` days or overdue. Idempotent."""
    if days < 0:
        raise ValueError("days must be zero or more")
    today = today or timezone.localdate()
    documents = list(due_documents(today=today, days=days))
    recipients = recipients_for(documents, today=today)
    notified = 0
    # Stored text is in the site's language whoever runs the job (cron, a worker, a request in English).
    with translation.override(settings.LANGUAGE_CODE):
        # Latest review date first: the inbox shows newest first, so the most overdue ends on top.
        for document in reversed(documents):
            people = recipients.get(document.pk, [])
            if not people:
                continue
            title, body = _message(document, today)
            notified += notify(
                recipients=people,
                kind=KIND,
                key=review_key(document),
                title=title,
                body=body,
                url=document.get_absolute_url(),
                agency=document.agency,
                email=email,
            )
    return ReminderResult(documents=len(documents), notified=notified)
