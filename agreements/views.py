from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agreements import selectors
from agreements.permissions import has_role
from agreements.tables import AgreementTable


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        raise PermissionDenied
    table = AgreementTable(selectors.agreement_list())
    return render(request, "agreements/agreement_list.html", {"table": table})
