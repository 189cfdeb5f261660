"""Receivers: external documents listen to the shared legal-document register.

When `eiso.procedures.models.LegalDocument` is saved with `replaced_by` set (by
`eiso.procedures.services.replace_legal_document`, whoever calls it — the catalogue page or an agency's
external-document list), every document, internal process and procedure's process that an agency's
external-document list says refers to it is flagged "needs review" within 3 months through
`eiso.processes.services.flag_for_review` — the same watch the catalogue uses, one mechanism. The
receiver runs inside the replacing transaction, and flags are idempotent.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender="procedures.LegalDocument", dispatch_uid="eiso.documents.flag_external")
def flag_external_references(sender, instance, update_fields=None, **kwargs):
    if instance.replaced_by_id is None:
        return
    if update_fields is not None and "replaced_by" not in update_fields:
        return
    from eiso.documents.services import flag_references

    flag_references(instance, instance.replaced_on)
