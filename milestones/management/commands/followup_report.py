"""Write a follow-up report as PDF, e.g. ``followup_report --agreement 2017 --round 4``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import BudgetAgreement, Committee
from milestones.models import FollowUpRound
from milestones.reports.render import build_report


class Command(BaseCommand):
    help = gettext_lazy(
        "Skriver opfølgningsrapporten for en opfølgning som PDF: for ét udvalg med --committee, "
        "ellers for hele kommunen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreement", type=int, required=True, help=_("Budgetåret, f.eks. 2017.")
        )
        parser.add_argument(
            "--round",
            type=int,
            required=True,
            help=_("Opfølgningen: 1, 2 eller 3 (budgetopfølgning) eller 4 (31.12)."),
        )
        parser.add_argument(
            "--committee",
            default="",
            help=_("Udvalgets forkortelse, f.eks. ØKU. Uden: hele kommunen."),
        )
        parser.add_argument(
            "-o",
            "--output",
            default="",
            help=_("Filen der skrives. Uden: rapportens titel i den aktuelle mappe."),
        )

    def handle(self, *args, agreement: int, round: int, committee: str, output: str, **options):
        try:
            agreement_obj = BudgetAgreement.objects.get(year=agreement)
        except BudgetAgreement.DoesNotExist as exc:
            raise CommandError(
                _("Der findes ingen budgetaftale for %(year)s.") % {"year": agreement}
            ) from exc
        try:
            round_ = FollowUpRound.objects.select_related("agreement").get(
                agreement=agreement_obj, point=round
            )
        except FollowUpRound.DoesNotExist as exc:
            existing = ", ".join(
                str(point) for point in agreement_obj.rounds.values_list("point", flat=True)
            )
            raise CommandError(
                _("%(agreement)s har ingen opfølgning %(round)s. Opfølgninger: %(existing)s.")
                % {
                    "agreement": agreement_obj.title,
                    "round": round,
                    "existing": existing or _("ingen"),
                }
            ) from exc
        committee_obj = None
        if committee:
            try:
                committee_obj = Committee.objects.get(code__iexact=committee.strip())
            except Committee.DoesNotExist as exc:
                codes = ", ".join(Committee.objects.values_list("code", flat=True))
                raise CommandError(
                    _("Ukendt udvalg: %(code)s. Udvalg: %(codes)s.")
                    % {"code": committee, "codes": codes}
                ) from exc

        report = build_report(round_, committee_obj)
        path = Path(output or report.filename)
        try:
            path.write_bytes(report.pdf)
        except OSError as exc:
            raise CommandError(
                _("Kan ikke skrive %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Skrev »%(title)s« (%(pages)d sider) til %(path)s.")
                % {"title": report.title, "pages": report.pages, "path": path}
            )
        )
