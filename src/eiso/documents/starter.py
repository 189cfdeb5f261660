"""Mô hình khung: the starter kit of documents every agency's QMS begins with.

`start_qms(actor=, agency=)` creates, in the agency's register, drafts of the three common documents
(quality policy, quality objectives, QMS description) and the six system procedures (documented
information; internal audit; management review; nonconformity and corrective action; risks and
opportunities; complaints and satisfaction). Starting again skips documents already there (matched by
kind and title).

Each draft is an editable Word template under `templates_docx/` filled by docxtpl with the agency's
name, its parent, its head, the code from the agency's numbering scheme, the version and the year; the
agency adapts, reviews and approves the result like any other document. The templates are generated
from readable sources (`templates_docx/source/*.md`, whose front matter also gives each draft's kind
and title) by `scripts/make_starter_templates.py` — docs/decisions/0014-starter-kit-templates.md. The
texts are ours: the standard is cited by clause number and title only.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from eiso.documents import files
from eiso.documents.models import Document, DocumentKind

TEMPLATES = Path(__file__).resolve().parent / "templates_docx"
UNKNOWN = "…………………………"
UNDATED = "……/……/………"


@dataclass(frozen=True)
class StarterDraft:
    """One draft of the kit: its register kind and title, and its Word template."""

    name: str
    kind: str
    title: str

    @property
    def template(self) -> Path:
        return TEMPLATES / f"{self.name}.docx"


def _front_matter(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").partition("\n\n")[0]
    return {
        k.strip(): v.strip() for k, v in (line.split(":", 1) for line in head.splitlines() if ":" in line)
    }


def _load_kit() -> list[StarterDraft]:
    drafts = []
    for path in sorted((TEMPLATES / "source").glob("*.md")):
        meta = _front_matter(path)
        if meta.get("kind") not in DocumentKind.values:
            raise ValueError(f"{path}: unknown kind {meta.get('kind')!r}")
        drafts.append(StarterDraft(name=path.stem, kind=meta["kind"], title=meta["title"]))
    return drafts


STARTER_KIT: list[StarterDraft] = _load_kit()


def _holder(agency, role_code: str) -> str:
    """The name of someone holding `role_code` in `agency` today, or a blank to fill in."""
    from eiso.accounts.models import Membership

    membership = (
        Membership.objects.active_on()
        .filter(agency=agency, role__code=role_code, user__is_active=True)
        .select_related("user")
        .order_by("valid_from", "pk")
        .first()
    )
    return str(membership.user) if membership else UNKNOWN


def template_context(
    agency,
    *,
    code: str,
    version: int = 1,
    actor=None,
    today: datetime.date | None = None,
    changes: list[dict] | None = None,
) -> dict:
    """What the templates show (the tags listed in scripts/make_starter_templates.py)."""
    from eiso.accounts import roles

    today = today or datetime.date.today()
    drafter = (
        str(actor) if getattr(actor, "is_authenticated", False) else _holder(agency, roles.ISO_SECRETARY)
    )
    return {
        "agency_name": agency.name,
        "parent_agency_name": agency.parent.name if agency.parent_id else "",
        "agency_head": _holder(agency, roles.AGENCY_HEAD),
        "drafter": drafter,
        "code": code,
        "version": f"{version:02d}",
        "issued_on": UNDATED,  # a draft: the date is written when the version is issued
        "year": today.year,
        "today": today.strftime("%d/%m/%Y"),
        "changes": list(changes or []),
    }


def render(draft: StarterDraft, context: dict) -> bytes:
    """The draft as DOCX bytes: its Word template filled with `context`."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(draft.template))
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def draft_for(document: Document) -> StarterDraft | None:
    """The kit draft a document of the register was started from (same kind and title), if any."""
    return next((d for d in STARTER_KIT if (d.kind, d.title) == (document.kind, document.title)), None)


def render_revision(
    document: Document, *, version: int, changes: list[dict], actor=None, today=None
) -> bytes | None:
    """A revised draft of a kit document, with the revision table filled; None if not from the kit."""
    draft = draft_for(document)
    if draft is None:
        return None
    context = template_context(
        document.agency, code=document.code, version=version, actor=actor, today=today, changes=changes
    )
    return render(draft, context)


@files.removed_on_rollback
@transaction.atomic
def start_qms(*, actor, agency) -> list[Document]:
    """Khởi tạo hệ thống theo mô hình khung: the nine drafts (existing ones are kept)."""
    from eiso.documents import services

    existing = set(Document.objects.filter(agency=agency).values_list("kind", "title"))
    created = []
    for draft in STARTER_KIT:
        if (draft.kind, draft.title) in existing:
            continue
        code = services.next_code(agency, draft.kind)
        data = render(draft, template_context(agency, code=code, actor=actor))
        created.append(
            services.create_document(
                actor=actor,
                agency=agency,
                kind=draft.kind,
                title=draft.title,
                code=code,
                data=data,
                file_name=f"{code}.docx",
                change_summary="Dự thảo theo mô hình khung",
            )
        )
    return created
