"""Excel downloads and uploads: appropriations of an agreement, statuses of a round.

Downloads are GET; every upload, confirmation and cancellation is a POST with CSRF protection.
An upload is only read into a preview; the data changes when the uploader confirms it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from agreements.models import BudgetAgreement, Center, Committee
from agreements.permissions import can_edit_committee, can_import, can_read_committee
from agreements.selectors import get_agreement_for_user
from finance import exports, services
from finance.excel import MAX_UPLOAD_BYTES, XLSX_CONTENT_TYPE, megabytes
from finance.forms import WorkbookUploadForm, limit_upload_size
from finance.imports import ImportPlan
from finance.models import ImportBatch, ImportKind, SpendingKind
from milestones.models import FollowUpRound, RoundLocked
from milestones.selectors import get_round_for_user
from milestones.services import ROW_FIELDS

# A preview lists at most this many rows per table; the counts above it are always complete.
PREVIEW_ROWS = 1000


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _require_finance(user) -> None:
    if not can_import(user):
        raise PermissionDenied


def _batch_for_user(user, pk: int) -> ImportBatch:
    """An import the user uploaded; 404 for anyone else's."""
    _require_finance(user)
    try:
        return ImportBatch.objects.select_related("agreement", "round__agreement").get(
            pk=pk, uploaded_by=user
        )
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


# Downloads ---------------------------------------------------------------------------------


@login_required
@require_safe
def appropriation_overview(request: HttpRequest, year: int) -> HttpResponse:
    agreement = get_agreement_for_user(user=request.user, year=year)
    content = exports.appropriation_overview(agreement=agreement, user=request.user)
    return _xlsx(content, f"bevillinger-{agreement.year}.xlsx")


@login_required
@require_safe
def appropriation_template(request: HttpRequest, year: int) -> HttpResponse:
    agreement = get_agreement_for_user(user=request.user, year=year)
    _require_finance(request.user)
    content = exports.appropriation_template(agreement=agreement, user=request.user)
    return _xlsx(content, f"bevillinger-skabelon-{agreement.year}.xlsx")


@login_required
@require_safe
def status_workbook_committee(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=pk)
    try:
        committee = Committee.objects.get(code=code)
    except Committee.DoesNotExist as exc:
        raise Http404 from exc
    if not can_read_committee(request.user, committee.pk):
        raise Http404
    if not can_edit_committee(request.user, committee.pk):
        raise PermissionDenied
    content = exports.status_workbook(round=round_, user=request.user, committee=committee)
    name = slugify(committee.code) or committee.pk
    return _xlsx(content, f"status-{round_.agreement.year}-{round_.point}-{name}.xlsx")


@login_required
@require_safe
def status_workbook_center(request: HttpRequest, pk: int, center_pk: int) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=pk)
    _require_finance(request.user)
    try:
        center = Center.objects.get(pk=center_pk)
    except Center.DoesNotExist as exc:
        raise Http404 from exc
    content = exports.status_workbook(round=round_, user=request.user, center=center)
    name = slugify(center.name) or center.pk
    return _xlsx(content, f"status-{round_.agreement.year}-{round_.point}-{name}.xlsx")


@login_required
@require_safe
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=pk)
    content = exports.round_overview_workbook(round=round_, user=request.user)
    return _xlsx(content, f"oversigt-{round_.agreement.year}-{round_.point}.xlsx")


# Uploads -----------------------------------------------------------------------------------


def _upload(
    request: HttpRequest,
    *,
    kind: str,
    agreement: BudgetAgreement | None = None,
    round: FollowUpRound | None = None,
    context: dict,
) -> HttpResponse:
    plan = None
    if request.method == "POST":
        form = WorkbookUploadForm(
            request.POST, request.FILES, too_big=getattr(request, "upload_too_big", False)
        )
        if form.is_valid():
            try:
                batch = services.import_batch_create(
                    kind=kind,
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                    agreement=agreement,
                    round=round,
                )
            except services.ImportRefused as refused:
                plan = refused.plan
            else:
                return redirect(batch)
    else:
        form = WorkbookUploadForm()
    return render(
        request,
        "finance/import_upload.html",
        context | {"form": form, "plan": plan, "max_size": megabytes(MAX_UPLOAD_BYTES)},
        # A refused upload is answered with its problems and 422, so clients can tell.
        status=422 if request.method == "POST" else 200,
    )


@csrf_exempt  # so the size cap can be installed before the body is read; see csrf_protect below
@login_required
def appropriation_import(request: HttpRequest, year: int) -> HttpResponse:
    limit_upload_size(request)
    return _appropriation_import(request, year)


@csrf_protect
def _appropriation_import(request: HttpRequest, year: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    agreement = get_agreement_for_user(user=request.user, year=year)
    _require_finance(request.user)
    return _upload(
        request,
        kind=ImportKind.APPROPRIATIONS,
        agreement=agreement,
        context={
            "heading": _("Indlæs bevillinger til %(agreement)s") % {"agreement": agreement},
            "agreement": agreement,
            "back_url": agreement.get_absolute_url(),
            "back_label": agreement.title,
            "locked": False,
        },
    )


@csrf_exempt  # so the size cap can be installed before the body is read; see csrf_protect below
@login_required
def status_import(request: HttpRequest, pk: int) -> HttpResponse:
    limit_upload_size(request)
    return _status_import(request, pk)


@csrf_protect
def _status_import(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    round_ = get_round_for_user(user=request.user, pk=pk)
    _require_finance(request.user)
    return _upload(
        request,
        kind=ImportKind.STATUSES,
        round=round_,
        context={
            "heading": _("Indlæs statusark til %(round)s") % {"round": round_.label},
            "round": round_,
            "agreement": round_.agreement,
            "back_url": round_.get_absolute_url(),
            "back_label": round_.label,
            "locked": round_.is_locked,
        },
    )


# Preview, confirm, cancel ------------------------------------------------------------------

ACTION_LABELS = {"create": _lazy("Ny"), "update": _lazy("Ændres"), "delete": _lazy("Fjernes")}


def _preview_context(batch: ImportBatch) -> dict:
    plan = ImportPlan.from_json(batch.plan)
    context = {
        "batch": batch,
        "plan": plan,
        "preview_rows": PREVIEW_ROWS,
        "change_count": len(plan.changes),
    }
    if batch.kind == ImportKind.APPROPRIATIONS:
        agreement = batch.agreement
        kinds = dict(SpendingKind.choices)
        context |= {
            "target_label": agreement.title,
            "back_url": agreement.get_absolute_url(),
            "years": agreement.period_years,
            "counts": {
                action: sum(1 for c in plan.changes if c["action"] == action)
                for action in ACTION_LABELS
            },
            "changes": [
                change
                | {
                    "kind_label": kinds[change["kind"]],
                    "action_label": ACTION_LABELS[change["action"]],
                }
                for change in plan.changes[:PREVIEW_ROWS]
            ],
            "totals": [
                {
                    "label": kinds[kind],
                    "before": [plan.totals["before"][kind][str(y)] for y in agreement.period_years],
                    "after": [plan.totals["after"][kind][str(y)] for y in agreement.period_years],
                }
                for kind in SpendingKind.values
            ]
            if plan.totals
            else [],
        }
    else:
        round_ = batch.round
        context |= {
            # A change is a milestone status or economy line written, as the confirmation
            # counts them; a row of the workbook may change both.
            "change_count": sum(
                len({ROW_FIELDS[name].part for name in change["edits"]}) for change in plan.changes
            ),
            "target_label": f"{round_.label}, {round_.agreement.title}",
            "back_url": round_.get_absolute_url(),
            "changes": plan.changes[:PREVIEW_ROWS],
            "conflicts": plan.conflicts[:PREVIEW_ROWS],
        }
    return context


@login_required
@require_safe
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for_user(request.user, pk)
    return render(request, "finance/import_preview.html", _preview_context(batch))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for_user(request.user, pk)
    try:
        written = services.import_batch_confirm(batch=batch, actor=request.user)
    except services.ImportOutdated as exc:
        messages.warning(request, str(exc))
    except (RoundLocked, services.ImportNotPending, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("Du har ikke adgang til at indlæse filen."))
    except services.ImportRefused:
        messages.error(request, _("Filen har fejl og kan ikke indlæses."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)d ændring er indlæst.", "%(count)d ændringer er indlæst.", written)
            % {"count": written},
        )
    return redirect(batch)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for_user(request.user, pk)
    try:
        services.import_batch_cancel(batch=batch, actor=request.user)
    except services.ImportNotPending as exc:
        messages.error(request, str(exc))
        return redirect(batch)
    messages.success(request, _("Indlæsningen er annulleret. Intet er ændret."))
    if batch.kind == ImportKind.APPROPRIATIONS:
        return redirect("finance:appropriation_import", batch.agreement.year)
    return redirect("finance:status_import", batch.round_id)
