"""Download follow-up reports as PDF: the whole municipality's or one committee's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agreements.permissions import can_read_whole_municipality
from agreements.selectors import get_committee_for_user
from milestones.reports.render import RenderedReport, build_report
from milestones.selectors import get_round_for_user


def pdf_response(report: RenderedReport) -> HttpResponse:
    response = HttpResponse(report.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=report.filename
    )
    return response


@require_safe
@never_cache
@login_required
def municipality_report(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=round_pk)
    if not can_read_whole_municipality(request.user):
        raise PermissionDenied
    return pdf_response(build_report(round_))


@require_safe
@never_cache
@login_required
def committee_report(request: HttpRequest, round_pk: int, committee_code: str) -> HttpResponse:
    round_ = get_round_for_user(user=request.user, pk=round_pk)
    committee = get_committee_for_user(user=request.user, code=committee_code)
    return pdf_response(build_report(round_, committee))
