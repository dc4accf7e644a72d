from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from agreements import selectors
from agreements.permissions import has_role
from agreements.tables import AgreementTable, InitiativeTable
from finance.selectors import (
    appropriation_totals,
    initiative_appropriations,
    initiative_economy_lines,
    savings_catalogue,
)
from milestones.selectors import initiative_points


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


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.get_initiative_for_user(user=request.user, pk=pk)
    return render(
        request,
        "agreements/initiative_detail.html",
        {
            "initiative": initiative,
            "agreement": initiative.chapter.agreement,
            "points": initiative_points(initiative),
            "economy_lines": initiative_economy_lines(initiative),
            "appropriations": initiative_appropriations(initiative),
        },
    )


@login_required
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    committee = selectors.get_committee_for_user(user=request.user, code=code)
    table = InitiativeTable(
        selectors.committee_initiatives(committee=committee), exclude=("responsible_committee",)
    )
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return render(
        request, "agreements/committee_detail.html", {"committee": committee, "table": table}
    )
