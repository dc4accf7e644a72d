"""Writes of the Excel imports: an upload becomes a plan, a confirmation applies it.

``import_batch_create`` reads the upload into a plan (finance.imports) and stores it; the file
itself is never kept. ``import_batch_confirm`` applies the plan in one transaction, after
checking it against the database as it is now: if anything the plan depends on has changed
since the preview, nothing is applied, the plan is renewed and the user sees the new preview.

The statuses are written through ``milestones.services.rows_bulk_save``: the row logic of a
save in the browser (open round, permission, valid smiley, text rule, field-level conflicts),
with one history record per changed row naming the path (Excel), in bulk, so the number of
queries does not grow with the rows.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import BudgetAgreement
from agreements.permissions import can_import
from finance import excel
from finance.imports import (
    MAX_UPLOAD_BYTES,
    AppropriationContext,
    ImportPlan,
    appropriation_base_digest,
    plan_appropriation_upload,
    plan_status_upload,
    refuse_file_name,
    replan_appropriations,
    replan_statuses,
    too_big_message,
)
from finance.imports.statuses import changes_as_edits
from finance.models import (
    Appropriation,
    ImportBatch,
    ImportKind,
    ImportState,
    SpendingKind,
)
from milestones.models import ChangeSource, FollowUpRound
from milestones.services import RowConflict, rows_bulk_save

logger = logging.getLogger(__name__)

# A preview older than this must be uploaded again: the file may no longer be what it was.
IMPORT_TTL = timedelta(hours=24)
# Rows per bulk statement: well below PostgreSQL's 65,535 parameters per query (SQLite's
# limit of 999 makes Django cut its batches smaller still).
BATCH_SIZE = 1000


class ImportRefused(Exception):
    """The upload has problems; ``plan.problems`` says which."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__(_("Filen kan ikke indlæses."))


class ImportOutdated(Exception):
    """The data changed after the preview; the batch now holds a renewed plan."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Data er ændret, siden forhåndsvisningen blev lavet. Se den opdaterede "
                "forhåndsvisning, og bekræft igen."
            )
        )


class ImportNotPending(Exception):
    """The batch was already applied or cancelled, or its preview has expired."""


def _read_upload(upload: UploadedFile) -> bytes:
    data = b"".join(upload.chunks())
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError("too big")
    return data


def import_batch_create(
    *,
    kind: str,
    upload: UploadedFile,
    actor,
    agreement: BudgetAgreement | None = None,
    round: FollowUpRound | None = None,
) -> ImportBatch:
    """Read ``upload`` into a plan and keep it for confirmation; ImportRefused if it has
    problems. Only the file's SHA-256, size and (for display) name are stored with the plan."""
    if not can_import(actor):
        raise PermissionDenied(_("Kun Økonomi og Styring kan indlæse filer."))
    refusal = refuse_file_name(upload.name or "")
    if refusal is None and (upload.size or 0) > MAX_UPLOAD_BYTES:
        refusal = too_big_message(upload.size)
    if refusal is None:
        try:
            data = _read_upload(upload)
        except ValueError:
            refusal = too_big_message()
    if refusal is not None:
        raise ImportRefused(ImportPlan.refused(kind, refusal))
    if kind == ImportKind.APPROPRIATIONS:
        plan = plan_appropriation_upload(agreement=agreement, user=actor, data=data)
    else:
        plan = plan_status_upload(round=round, user=actor, data=data)
    if not plan.is_valid:
        raise ImportRefused(plan)
    batch = ImportBatch.objects.create(
        kind=kind,
        agreement=agreement if kind == ImportKind.APPROPRIATIONS else None,
        round=round if kind == ImportKind.STATUSES else None,
        uploaded_by=actor,
        file_name=excel.sanitize_text(upload.name or "")[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        plan=plan.to_json(),
    )
    logger.info(
        "event=import_previewed batch=%s kind=%s user=%s changes=%d conflicts=%d",
        batch.pk,
        kind,
        actor.pk,
        len(plan.changes),
        len(plan.conflicts),
    )
    return batch


def _lock_pending(batch: ImportBatch, actor) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("agreement", "round")
        .get(pk=batch.pk)
    )
    if batch.uploaded_by_id != actor.pk:
        raise PermissionDenied
    if batch.state == ImportState.APPLIED:
        raise ImportNotPending(_("Filen er allerede indlæst."))
    if batch.state == ImportState.CANCELLED:
        raise ImportNotPending(_("Indlæsningen er annulleret."))
    if batch.created_at < timezone.now() - IMPORT_TTL:
        raise ImportNotPending(
            _("Forhåndsvisningen er mere end et døgn gammel. Upload filen igen.")
        )
    return batch


def _replan(batch: ImportBatch, actor) -> ImportPlan:
    rows = batch.plan.get("rows", [])
    if batch.kind == ImportKind.APPROPRIATIONS:
        return replan_appropriations(agreement=batch.agreement, user=actor, rows=rows)
    return replan_statuses(round=batch.round, user=actor, rows=rows)


def import_batch_confirm(*, batch: ImportBatch, actor) -> int:
    """Apply the batch's plan, all or nothing, and return the number of changes written.

    Raises ImportOutdated (after renewing the plan) when the data changed since the preview,
    RoundLocked when the round has been locked, ImportNotPending for a used or old batch.
    """
    try:
        with transaction.atomic():
            batch = _lock_pending(batch, actor)
            plan = ImportPlan.from_json(batch.plan)
            if not plan.is_valid:
                raise ImportRefused(plan)
            reason = _("Indlæst fra Excel (indlæsning %(batch)d)") % {"batch": batch.pk}
            if batch.kind == ImportKind.APPROPRIATIONS:
                written = appropriations_bulk_set(
                    agreement=batch.agreement,
                    changes=plan.changes,
                    base_digest=plan.base_digest,
                    actor=actor,
                )
            else:
                written = statuses_bulk_set(
                    round=batch.round, changes=plan.changes, actor=actor, reason=reason
                )
            batch.state = ImportState.APPLIED
            batch.applied_at = timezone.now()
            batch.save(update_fields=["state", "applied_at"])
    except ImportOutdated:
        with transaction.atomic():
            batch = _lock_pending(batch, actor)
            batch.plan = _replan(batch, actor).to_json()
            batch.save(update_fields=["plan"])
        raise
    logger.info(
        "event=import_applied batch=%s kind=%s user=%s written=%d",
        batch.pk,
        batch.kind,
        actor.pk,
        written,
    )
    return written


@transaction.atomic
def import_batch_cancel(*, batch: ImportBatch, actor) -> ImportBatch:
    batch = _lock_pending(batch, actor)
    batch.state = ImportState.CANCELLED
    batch.save(update_fields=["state"])
    return batch


# Appropriations ----------------------------------------------------------------------------


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError(_("Ugyldigt beløb: %(value)s.") % {"value": value}) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.1")):
        raise ValidationError(_("Ugyldigt beløb: %(value)s.") % {"value": value})
    return amount


@transaction.atomic
def appropriations_bulk_set(
    *, agreement: BudgetAgreement, changes: list[dict], base_digest: str, actor
) -> int:
    """Create, change and remove appropriations of the agreement as ``changes`` say.

    ``base_digest`` is the fingerprint of the appropriations the changes were planned against;
    if they differ now, ImportOutdated. A constant number of queries: the agreement (locked, so
    two imports into one agreement run one after the other), its initiatives and
    appropriations, and one bulk insert, update and delete.
    """
    if not can_import(actor):
        raise PermissionDenied(_("Kun Økonomi og Styring kan ændre bevillinger."))
    BudgetAgreement.objects.select_for_update().get(pk=agreement.pk)
    context = AppropriationContext.load(agreement, actor, lock=True)
    existing = context.rows
    if appropriation_base_digest(context.scope, context.current) != base_digest:
        raise ImportOutdated
    created, updated, deleted = [], [], []
    for change in changes:
        key = (change["initiative"], change["kind"], change["year"])
        if key[0] not in context.scope:
            raise PermissionDenied(_("Du kan ikke ændre bevillinger for denne indsats."))
        if key[1] not in SpendingKind.values or key[2] not in agreement.period_years:
            raise ValidationError(
                _("Året skal ligge i aftalens periode %(period)s.")
                % {"period": agreement.period_label}
            )
        current = existing.get(key)
        if change["action"] == "create":
            if current is not None:
                raise ImportOutdated
            created.append(
                Appropriation(
                    agreement_id=agreement.year,
                    initiative_id=key[0],
                    kind=key[1],
                    year=key[2],
                    amount=_amount(change["new"]),
                )
            )
        elif current is None:
            raise ImportOutdated
        elif change["action"] == "update":
            current.amount = _amount(change["new"])
            updated.append(current)
        else:
            deleted.append(current.pk)
    Appropriation.objects.bulk_create(created, batch_size=BATCH_SIZE)
    Appropriation.objects.bulk_update(updated, ["amount"], batch_size=BATCH_SIZE)
    Appropriation.objects.filter(pk__in=deleted).delete()
    logger.info(
        "event=appropriations_imported agreement=%s user=%s created=%d updated=%d deleted=%d",
        agreement.year,
        actor.pk,
        len(created),
        len(updated),
        len(deleted),
    )
    return len(created) + len(updated) + len(deleted)


# Statuses ----------------------------------------------------------------------------------


def statuses_bulk_set(*, round: FollowUpRound, changes: list[dict], actor, reason: str = "") -> int:
    """Apply a status workbook's planned changes through the row service, as if typed in the
    browser: every rule of ``milestones.services.row_save`` holds (open round, permission,
    valid smileys and texts, field-level conflicts), in bulk. A field someone changed since the
    preview makes the plan outdated (ImportOutdated); nothing is written then."""
    try:
        result = rows_bulk_save(
            round=round,
            edits=changes_as_edits(changes),
            actor=actor,
            source=ChangeSource.EXCEL,
            reason=reason,
        )
    except RowConflict as exc:
        raise ImportOutdated from exc
    logger.info(
        "event=statuses_imported round=%s user=%s written=%d", round.pk, actor.pk, result.written
    )
    return result.written
