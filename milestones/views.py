"""Follow-up rounds in the browser: list, open, enter statuses, overview, lock and unlock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.permissions import (
    can_edit_committee,
    committee_ids,
    is_admin,
    is_finance,
    visible_committees,
)
from milestones import selectors, services
from milestones.forms import RoundOpenForm, RoundUnlockForm, RowForm
from milestones.models import FollowUpRound, RoundLocked
from milestones.reports.access import can_read_whole_municipality
from milestones.services import RoundExists, StaleEdit


def _can_manage_round(user) -> bool:
    # Opening and locking a round concern every committee: finance staff for all committees.
    return is_finance(user) and committee_ids(user) is None


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.rounds_for_user(request.user)
    return render(
        request,
        "milestones/round_list.html",
        {"rounds": rounds, "can_open": _can_manage_round(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    if not _can_manage_round(request.user):
        raise PermissionDenied
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                agreement=form.cleaned_data["agreement"],
                point=form.cleaned_data["point"],
                deadline=form.cleaned_data["deadline"],
                actor=request.user,
            )
        except RoundExists as exc:
            form.add_error("point", str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(round)s er åbnet.") % {"round": round_.label})
            return redirect(round_)
    return render(
        request, "milestones/round_open.html", {"form": form}, status=422 if form.errors else 200
    )


def _row_context(request, round_: FollowUpRound, row, form=None, conflict=None) -> dict:
    can_edit = (not round_.is_locked) and can_edit_committee(
        request.user, row.initiative.responsible_committee_id
    )
    if form is None and can_edit:
        form = RowForm(
            initial=RowForm.initial_for(status=row.status, economy=row.economy),
            prefix_id=row.initiative.pk,
        )
    return {"round": round_, "row": row, "form": form, "can_edit": can_edit, "conflict": conflict}


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    row_filter, rows = selectors.round_rows(round=round_, user=request.user, data=request.GET)
    row_contexts = [_row_context(request, round_, row) for row in rows]
    return render(
        request,
        "milestones/round_detail.html",
        {
            "round": round_,
            "agreement": round_.agreement,
            "filter": row_filter,
            "rows": row_contexts,
            "row_count": len(rows),
            "missing_count": sum(1 for row in rows if row.is_missing),
            "committees": list(visible_committees(request.user)),
            "can_see_all": can_read_whole_municipality(request.user),
            "can_edit": is_finance(request.user) and not round_.is_locked,
            "can_manage": _can_manage_round(request.user),
            "is_admin": is_admin(request.user),
        },
    )


def _render_row(request, context: dict, status: int, page_status: str = "") -> HttpResponse:
    context = {
        **context,
        "page_status": page_status,
        "oob": bool(request.htmx),
        "response_ok": status < 400,
    }
    template = "milestones/_round_row.html" if request.htmx else "milestones/row_page.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def save_row(request: HttpRequest, pk: int, initiative_pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    row = selectors.round_row_for_user(round=round_, user=request.user, initiative_id=initiative_pk)
    label = row.initiative.label
    if round_.is_locked:
        context = _row_context(request, round_, row)
        return _render_row(
            request,
            context,
            403,
            _("%(round)s er låst. Intet blev gemt.") % {"round": round_.label},
        )
    if not can_edit_committee(request.user, row.initiative.responsible_committee_id):
        raise PermissionDenied
    form = RowForm(request.POST, prefix_id=row.initiative.pk)
    if not form.is_valid():
        context = _row_context(request, round_, row, form=form)
        return _render_row(
            request,
            context,
            422,
            _("%(initiative)s blev ikke gemt: ret fejlene.") % {"initiative": label},
        )
    data = form.cleaned_data
    try:
        with transaction.atomic():
            milestone = services.milestone_text_set(
                initiative=row.initiative,
                point=round_.point,
                text=data["milestone_text"],
                actor=request.user,
                expected_text=data["milestone_text_original"],
                round=round_,
            )
            status = services.status_set(
                status=row.status,
                smiley=data["smiley"],
                text=data["text"],
                actor=request.user,
                expected_version=data["status_version"],
            )
            economy = services.economy_set(
                line=row.economy,
                text=data["economy_text"],
                smiley=data["economy_smiley"],
                status_text=data["economy_status_text"],
                actor=request.user,
                expected_version=data["economy_version"],
            )
    except StaleEdit:
        # Show what the other person saved beside what this user typed; the user's input stays
        # in the form with the new versions, so saving again deliberately overwrites.
        fresh = selectors.round_row_for_user(
            round=round_, user=request.user, initiative_id=initiative_pk
        )
        bound = request.POST.copy()
        bound["status_version"] = fresh.status.version
        bound["economy_version"] = fresh.economy.version
        bound["milestone_text_original"] = fresh.status.milestone.text
        form = RowForm(bound, prefix_id=row.initiative.pk)
        form.is_valid()
        context = _row_context(request, round_, fresh, form=form, conflict=fresh)
        return _render_row(
            request,
            context,
            409,
            _(
                "%(initiative)s blev ikke gemt: en anden har ændret rækken, efter du åbnede den. "
                "Se hvad der blev gemt, og gem igen for at overskrive."
            )
            % {"initiative": label},
        )
    except RoundLocked:
        context = _row_context(request, round_, row)
        return _render_row(
            request,
            context,
            403,
            _("%(round)s er låst. Intet blev gemt.") % {"round": round_.label},
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        context = _row_context(request, round_, row, form=form)
        return _render_row(
            request,
            context,
            422,
            _("%(initiative)s blev ikke gemt: ret fejlene.") % {"initiative": label},
        )

    # The row as saved, without reading it again: the services return the stored values.
    row.status.milestone.text = milestone.text
    for name in ("smiley", "text", "version", "updated_at", "updated_by"):
        setattr(row.status, name, getattr(status, name))
    for name in ("text", "smiley", "status_text", "version", "updated_at", "updated_by"):
        setattr(row.economy, name, getattr(economy, name))
    message = _("%(initiative)s er gemt kl. %(time)s.") % {
        "initiative": label,
        "time": timezone.localtime().strftime("%H:%M"),
    }
    if not request.htmx:
        messages.success(request, message)
        return redirect(f"{reverse('milestones:round', args=[round_.pk])}#row-{initiative_pk}")
    return _render_row(request, _row_context(request, round_, row), 200, message)


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
            "can_manage": _can_manage_round(request.user),
            "is_admin": is_admin(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_lock(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    if not _can_manage_round(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if round_.is_locked:
            messages.info(request, _("%(round)s var allerede låst.") % {"round": round_.label})
        else:
            services.round_lock(round=round_, actor=request.user)
            messages.success(request, _("%(round)s er låst.") % {"round": round_.label})
        return redirect("milestones:overview", pk=round_.pk)
    overview = selectors.round_overview(round=round_, user=request.user)
    return render(request, "milestones/round_lock.html", {"round": round_, "overview": overview})


@login_required
@require_http_methods(["GET", "POST"])
def round_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.get_round_for_user(user=request.user, pk=pk)
    if not is_admin(request.user):
        raise PermissionDenied
    form = RoundUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_unlock(
                round=round_, actor=request.user, reason=form.cleaned_data["reason"]
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
