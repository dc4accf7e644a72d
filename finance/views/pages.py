"""The pages that show an agreement's or an initiative's data from every app: the agreement
(initiatives, appropriation totals, savings catalogue) and the initiative (milestone plan,
statuses, economy lines, appropriations, history). They live here, in the highest app, so the
apps below need not know about each other's pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from agreements import selectors as agreement_selectors
from agreements.permissions import can_edit_initiative
from agreements.tables import InitiativeTable
from finance.selectors import appropriation_totals, initiative_appropriations, savings_catalogue
from milestones import selectors as milestone_selectors
from milestones.forms import MilestonePlanForm
from milestones.models import ChangeSource, RoundLocked
from milestones.services import PlanConflict, milestone_plan_set


@login_required
def agreement_detail(request: HttpRequest, year: int) -> HttpResponse:
    agreement = agreement_selectors.get_agreement_for_user(user=request.user, year=year)
    initiative_filter = agreement_selectors.agreement_initiatives(
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
            "savings": savings_catalogue(agreement, request.user),
        },
    )


def _initiative_page(
    request: HttpRequest, initiative, plan_form=None, status: int = 200
) -> HttpResponse:
    points = milestone_selectors.initiative_points(initiative)
    can_edit = can_edit_initiative(request.user, initiative)
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
            "economy_lines": milestone_selectors.initiative_economy_lines(initiative),
            "appropriations": initiative_appropriations(initiative),
            "history": milestone_selectors.initiative_history(
                initiative, rounds=[row.round for row in points if row.round]
            ),
        },
        status=status,
    )


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = agreement_selectors.get_initiative_for_user(user=request.user, pk=pk)
    return _initiative_page(request, initiative)


@login_required
@require_POST
def milestone_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or correct the initiative's milestones (points of locked rounds excepted)."""
    initiative = agreement_selectors.get_initiative_for_user(user=request.user, pk=pk)
    if not can_edit_initiative(request.user, initiative):
        raise PermissionDenied
    points = milestone_selectors.initiative_points(initiative)
    form = MilestonePlanForm(request.POST, points=points)
    if not form.is_valid():
        return _initiative_page(request, initiative, form, status=422)
    locked_changes = form.locked_points_changed()
    if locked_changes:
        form.add_error(
            None,
            _("%(points)s er låst og kan ikke ændres. Intet blev gemt.")
            % {"points": ", ".join(row.round.label for row in locked_changes)},
        )
        return _initiative_page(request, initiative, form, status=403)
    try:
        changed = milestone_plan_set(
            initiative=initiative,
            edits=form.edits(),
            actor=request.user,
            source=ChangeSource.BROWSER,
        )
    except PlanConflict as exc:
        form = MilestonePlanForm.after_conflict(request.POST, exc.conflicts, points=points)
        form.add_error(
            None,
            _(
                "%(points)s er ændret af en anden, efter du åbnede siden. Vælg for hver "
                "milepæl, hvad der skal gemmes, og gem igen. Intet blev gemt."
            )
            % {"points": ", ".join(c.label for c in exc.conflicts)},
        )
        return _initiative_page(request, initiative, form, status=409)
    except RoundLocked as exc:
        form.add_error(None, _("%(error)s Intet blev gemt.") % {"error": exc})
        return _initiative_page(request, initiative, form, status=403)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return _initiative_page(request, initiative, form, status=422)
    messages.success(
        request,
        _("Milepælsplanen er gemt (%(count)d ændret).") % {"count": changed}
        if changed
        else _("Der var ingen ændringer at gemme."),
    )
    return redirect(initiative)
