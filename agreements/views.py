from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from agreements import selectors
from agreements.permissions import can_edit_committee, has_role
from agreements.tables import AgreementTable, InitiativeTable
from finance.selectors import (
    appropriation_totals,
    initiative_appropriations,
    initiative_economy_lines,
    savings_catalogue,
)
from milestones.forms import MilestonePlanForm
from milestones.models import RoundLocked
from milestones.reports.data import committee_report_rounds
from milestones.selectors import initiative_history, initiative_points
from milestones.services import PlanChange, StaleEdit, milestone_plan_set


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        raise PermissionDenied
    table = AgreementTable(selectors.agreement_list())
    return render(request, "agreements/agreement_list.html", {"table": table})


@login_required
def agreement_detail(request: HttpRequest, year: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(user=request.user, year=year)
    initiative_filter = selectors.agreement_initiatives(
        agreement=agreement, user=request.user, data=request.GET
    )
    table = InitiativeTable(initiative_filter.qs, exclude=("agreement",))
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "filter": initiative_filter,
            "table": table,
            "chapters": agreement.chapters.all(),
            "totals": appropriation_totals(agreement),
            "savings": savings_catalogue(agreement),
        },
    )


def _initiative_page(request, initiative, plan_form=None, status: int = 200) -> HttpResponse:
    points = initiative_points(initiative)
    can_edit = can_edit_committee(request.user, initiative.responsible_committee_id)
    if plan_form is None and can_edit:
        plan_form = MilestonePlanForm(points=points)
    return render(
        request,
        "agreements/initiative_detail.html",
        {
            "initiative": initiative,
            "agreement": initiative.chapter.agreement,
            "points": points,
            "plan_form": plan_form if can_edit else None,
            "economy_lines": initiative_economy_lines(initiative),
            "appropriations": initiative_appropriations(initiative),
            "history": initiative_history(
                initiative, rounds=[row.round for row in points if row.round]
            ),
        },
        status=status,
    )


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.get_initiative_for_user(user=request.user, pk=pk)
    return _initiative_page(request, initiative)


@login_required
@require_POST
def milestone_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or correct the initiative's four milestones (points of locked rounds excepted)."""
    initiative = selectors.get_initiative_for_user(user=request.user, pk=pk)
    if not can_edit_committee(request.user, initiative.responsible_committee_id):
        raise PermissionDenied
    form = MilestonePlanForm(request.POST, points=initiative_points(initiative))
    if not form.is_valid():
        return _initiative_page(request, initiative, form, status=422)
    locked_changes = form.locked_points_changed(request.POST)
    if locked_changes:
        form.add_error(
            None,
            _("%(points)s er låst og kan ikke ændres. Intet blev gemt.")
            % {"points": ", ".join(row.round.label for row in locked_changes)},
        )
        return _initiative_page(request, initiative, form, status=403)
    changes = [
        PlanChange(
            point=row.point,
            text=form.cleaned_data[f"text_{row.point}"],
            expected_text=form.cleaned_data[f"expected_{row.point}"],
        )
        for row in form.points
        if not form.fields[f"text_{row.point}"].disabled
    ]
    try:
        changed = milestone_plan_set(initiative=initiative, changes=changes, actor=request.user)
    except StaleEdit as exc:
        form.add_error(
            None,
            _(
                "Milepælen for %(point)s er ændret af en anden, efter du åbnede siden. Den lyder "
                "nu: »%(text)s«. Intet blev gemt."
            )
            % {"point": exc.current.get_point_display(), "text": exc.current.text},
        )
        return _initiative_page(request, initiative, form, status=409)
    except RoundLocked as exc:
        form.add_error(None, _("%(error)s Intet blev gemt.") % {"error": exc})
        return _initiative_page(request, initiative, form, status=403)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _initiative_page(request, initiative, form, status=422)
    messages.success(
        request,
        _("Milepælsplanen er gemt (%(count)d ændret).") % {"count": changed}
        if changed
        else _("Der var ingen ændringer at gemme."),
    )
    return redirect(initiative)


@login_required
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    committee = selectors.get_committee_for_user(user=request.user, code=code)
    table = InitiativeTable(
        selectors.committee_initiatives(committee=committee), exclude=("responsible_committee",)
    )
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request,
        "agreements/committee_detail.html",
        {
            "committee": committee,
            "table": table,
            "report_rounds": committee_report_rounds(committee),
        },
    )
