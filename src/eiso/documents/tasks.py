"""Background tasks of the register (django-tasks; idempotent).

`extract_version_text(version_id)` runs after a version's upload has committed: it reads the words of
the PDF or DOCX (`files.extract_text`), stores them and the folded `search_text` (code, title,
content) the search reads. Running it again for a version already done does nothing.
"""

import logging

from django.db import transaction
from django_tasks import task

from eiso.core.text import vi_fold
from eiso.documents import files
from eiso.documents.models import DocumentVersion, TextStatus

logger = logging.getLogger(__name__)

# The folded content kept for search: long enough for real QMS documents, bounded for the index.
SEARCH_CHARS = 20_000


@task()
def extract_version_text(version_id: int) -> dict:
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None or version.text_status != TextStatus.PENDING:
        return {"version": version_id, "skipped": True}
    try:
        with version.file.open("rb") as handle:
            text = files.extract_text(handle.read(), version.media_type)
        status = TextStatus.DONE if text.strip() else TextStatus.NONE
    except Exception:
        logger.exception("text extraction of document version %s failed", version_id)
        text, status = "", TextStatus.FAILED
    document = version.document
    search_text = vi_fold(f"{document.code} {document.title} {text}")[:SEARCH_CHARS]
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version_id, text_status=TextStatus.PENDING).update(
            text=text, text_status=status, search_text=search_text
        )
    return {"version": version_id, "status": status, "chars": len(text)}


@task()
def remind_reviews(days: int = 30) -> dict:
    """The periodic-review reminder (`eiso.documents.reminders.remind`) as a task; idempotent."""
    from eiso.documents import reminders

    result = reminders.remind(days=days)
    return {"documents": result.documents, "notified": result.notified}
