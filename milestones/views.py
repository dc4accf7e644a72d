"""Follow-up rounds in the browser: list, open, enter statuses, overview, lock and unlock, and a
committee's page (its initiatives and the reports of its rounds)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from agreements import selectors as agreement_selectors
from agreements.permissions import (
    can_manage_rounds,
    can_read_whole_municipality,
    can_unlock_round,
    is_finance,
    visible_committees,
)
from agreements.tables import InitiativeTable
from milestones import selectors, services
from milestones.forms import RoundOpenForm, RoundUnlockForm, RowForm
from milestones.models import ChangeSource, FollowUpRound, RoundLocked
from milestones.reports.data import committee_report_rounds
from milestones.selectors import RoundRow


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_user(request.user)
    return render(
        request,
        "milestones/round_list.html",
        {"rounds": rounds, "can_open": can_manage_rounds(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                agreement=form.cleaned_data["agreement"],
                point=form.cleaned_data["point"],
                deadline=form.cleaned_data["deadline"],
                actor=request.user,
                source=ChangeSource.BROWSER,
            )
        except services.RoundExists as exc:
            form.add_error("point", str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(round)s er åbnet.") % {"round": round_.label})
            return redirect(round_)
    return render(
        request, "milestones/round_open.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    row_filter, rows = selectors.round_page_rows(round=round_, user=request.user, data=request.GET)
    filtered = row_filter.is_bound and any(
        row_filter.form.cleaned_data.get(f) not in (None, "") for f in row_filter.filters
    )
    return render(
        request,
        "milestones/round_detail.html",
        {
            "round": round_,
            "agreement": round_.agreement,
            "filter": row_filter,
            "rows": rows,
            "progress": selectors.round_progress(
                round=round_, user=request.user, rows=None if filtered else rows
            ),
            # The centers for the Excel links: those of the rows, when the page shows them all.
            "row_centers": None if filtered else selectors.row_centers(rows),
            "committees": list(visible_committees(request.user)),
            "can_see_all": can_read_whole_municipality(request.user),
            "can_edit": is_finance(request.user) and not round_.is_locked,
            "can_manage": can_manage_rounds(request.user),
            "is_admin": can_unlock_round(request.user),
        },
    )


def _row_response(
    request: HttpRequest,
    round_: FollowUpRound,
    row: RoundRow,
    *,
    form: RowForm | None = None,
    status: int = 200,
    message: str = "",
    missing: int | None = None,
) -> HttpResponse:
    """The row's body: the form while editing (``form``), otherwise the stored values. An htmx
    request gets the body alone (with the status message and the counters out of band); a
    plain request gets the row's own page."""
    context = {
        "round": round_,
        "row": row,
        "form": form,
        "editing": form is not None,
        "page_status": message,
        "response_ok": status < 400,
        "missing": missing,
        "oob": bool(request.htmx),
    }
    template = "milestones/_row_body.html" if request.htmx else "milestones/row_page.html"
    return render(request, template, context, status=status)


def _edit_form(row: RoundRow) -> RowForm:
    return RowForm(initial=RowForm.initial_for(row), prefix_id=row.initiative.pk)


@login_required
@require_http_methods(["GET", "POST"])
def row(request: HttpRequest, pk: int, initiative_pk: int) -> HttpResponse:
    """GET: the row opened for editing (``?vis=1``: closed again). POST: save what changed."""
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)

    def stored_row() -> RoundRow:
        return selectors.get_row_for_user(
            round=round_, user=request.user, initiative_id=initiative_pk
        )

    if request.method == "GET":
        row = stored_row()
        if "vis" in request.GET or not row.can_edit:
            return _row_response(request, round_, row)
        return _row_response(request, round_, row, form=_edit_form(row))

    # A save reads the initiative; the service reads the row's records itself, under lock.
    initiative, can_edit = selectors.get_round_initiative_for_user(
        round=round_, user=request.user, initiative_id=initiative_pk
    )
    label = initiative.label
    locked = _("%(round)s er låst. Intet blev gemt.") % {"round": round_.label}
    not_saved = _("%(initiative)s blev ikke gemt: ret fejlene.") % {"initiative": label}
    if round_.is_locked:
        return _row_response(request, round_, stored_row(), status=403, message=locked)
    if not can_edit:
        raise PermissionDenied
    form = RowForm(request.POST, prefix_id=initiative.pk)
    if not form.is_valid():
        return _row_response(
            request, round_, stored_row(), form=form, status=422, message=not_saved
        )
    try:
        records = services.row_save(
            round=round_,
            initiative=initiative,
            edits=form.edits(),
            actor=request.user,
            source=ChangeSource.BROWSER,
        )
    except services.RowConflict as exc:
        form = RowForm.after_conflict(request.POST, exc.conflicts, prefix_id=initiative.pk)
        message = _(
            "%(initiative)s blev ikke gemt: %(fields)s er ændret af en anden, efter du åbnede "
            "rækken. Vælg for hvert felt, hvad der skal gemmes, og gem igen."
        ) % {"initiative": label, "fields": ", ".join(c.label for c in exc.conflicts)}
        return _row_response(request, round_, stored_row(), form=form, status=409, message=message)
    except RoundLocked:
        return _row_response(request, round_, stored_row(), status=403, message=locked)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return _row_response(
            request, round_, stored_row(), form=form, status=422, message=not_saved
        )

    message = _("%(initiative)s er gemt kl. %(time)s.") % {
        "initiative": label,
        "time": timezone.localtime().strftime("%H:%M"),
    }
    if not request.htmx:
        messages.success(request, message)
        return redirect(f"{reverse('milestones:round', args=[round_.pk])}#row-{initiative_pk}")
    # The row as saved, without reading it again: the service returns the stored records.
    row = RoundRow(initiative, records.status, records.economy, can_edit=True)
    return _row_response(
        request,
        round_,
        row,
        message=message,
        missing=selectors.round_progress(round=round_, user=request.user).missing,
    )


@login_required
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    overview = selectors.round_overview(round=round_, user=request.user)
    return render(
        request,
        "milestones/round_overview.html",
        {
            "round": round_,
            "overview": overview,
            "can_manage": can_manage_rounds(request.user),
            "is_admin": can_unlock_round(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_lock(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if round_.is_locked:
            messages.info(request, _("%(round)s var allerede låst.") % {"round": round_.label})
        else:
            services.round_lock(round=round_, actor=request.user, source=ChangeSource.BROWSER)
            messages.success(request, _("%(round)s er låst.") % {"round": round_.label})
        return redirect("milestones:overview", pk=round_.pk)
    overview = selectors.round_overview(round=round_, user=request.user)
    return render(request, "milestones/round_lock.html", {"round": round_, "overview": overview})


@login_required
@require_http_methods(["GET", "POST"])
def round_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    if not can_unlock_round(request.user):
        raise PermissionDenied
    form = RoundUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_unlock(
                round=round_,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                source=ChangeSource.BROWSER,
            )
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        else:
            messages.success(request, _("%(round)s er låst op.") % {"round": round_.label})
            return redirect("milestones:overview", pk=round_.pk)
    return render(
        request,
        "milestones/round_unlock.html",
        {"round": round_, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    committee = agreement_selectors.get_committee_for_user(user=request.user, code=code)
    table = InitiativeTable(
        agreement_selectors.committee_initiatives(committee=committee),
        exclude=("responsible_committee",),
    )
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "milestones/committee_detail.html",
        {
            "committee": committee,
            "table": table,
            "report_rounds": committee_report_rounds(committee),
        },
    )
