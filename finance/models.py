"""Money: appropriations per year, the savings catalogue, and the Excel imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agreements import text as normalized
from agreements.models import PERIOD_LENGTH, BudgetAgreement, Committee, Initiative
from milestones.models import FollowUpRound


class SpendingKind(models.TextChoices):
    OPERATIONS = "drift", _("DRIFT")
    CAPITAL = "anlaeg", _("ANLÆG")


def _year_in_period() -> Q:
    # The agreement is referenced by its year (to_field), so the row itself carries the first
    # year of the period and the database can refuse a year outside it.
    return Q(year__gte=F("agreement_id"), year__lte=F("agreement_id") + (PERIOD_LENGTH - 1))


class Appropriation(models.Model):
    """One cell of the agreement's DRIFT or ANLÆG table, in 1.000 kr. (negative = saving)."""

    agreement = models.ForeignKey(
        BudgetAgreement,
        to_field="year",
        on_delete=models.CASCADE,
        related_name="appropriations",
        verbose_name=_("budgetaftale"),
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="appropriations",
        verbose_name=_("indsats"),
    )
    kind = models.CharField(_("art"), max_length=10, choices=SpendingKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.DecimalField(_("beløb (1.000 kr.)"), max_digits=12, decimal_places=1)

    class Meta:
        ordering = ["initiative", "kind", "year"]
        verbose_name = _("bevilling")
        verbose_name_plural = _("bevillinger")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "kind", "year"], name="appropriation_unique"
            ),
            models.CheckConstraint(
                condition=_year_in_period(), name="appropriation_year_in_period"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SpendingKind.values), name="appropriation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.label} {self.get_kind_display()} {self.year}: {self.amount}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        agreement = self.initiative.chapter.agreement if self.initiative_id else None
        if agreement and self.agreement_id and self.agreement_id != agreement.year:
            raise ValidationError(_("Indsatsen hører til en anden budgetaftale."))
        if agreement and self.year is not None and self.year not in agreement.period_years:
            raise ValidationError(
                {
                    "year": _("Året skal ligge i aftalens periode %(period)s.")
                    % {"period": agreement.period_label}
                }
            )


class SavingsCase(models.Model):
    """A case of the savings catalogue (omstillingscase), e.g. EBU-03."""

    agreement = models.ForeignKey(
        BudgetAgreement,
        on_delete=models.CASCADE,
        related_name="savings_cases",
        verbose_name=_("budgetaftale"),
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="savings_cases",
        verbose_name=_("udvalg"),
    )
    code = normalized.CharField(_("nr."), max_length=20)
    title = normalized.CharField(_("indsats"), max_length=300)
    marked = models.BooleanField(_("markeret (*)"), default=False)
    capital_investment = models.DecimalField(
        _("anlægsinvestering (mio. kr.)"), max_digits=10, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["agreement", "committee__order", "code"]
        verbose_name = _("omstillingscase")
        verbose_name_plural = _("omstillingscases")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="savings_case_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SavingsAmount(models.Model):
    """The saving of a case in one year, in mio. kr. (negative = saving)."""

    savings_case = models.ForeignKey(
        SavingsCase,
        on_delete=models.CASCADE,
        related_name="amounts",
        verbose_name=_("omstillingscase"),
    )
    agreement = models.ForeignKey(
        BudgetAgreement,
        to_field="year",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("budgetaftale"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.DecimalField(_("beløb (mio. kr.)"), max_digits=10, decimal_places=3)

    class Meta:
        ordering = ["savings_case", "year"]
        verbose_name = _("besparelse pr. år")
        verbose_name_plural = _("besparelser pr. år")
        constraints = [
            models.UniqueConstraint(fields=["savings_case", "year"], name="savings_amount_unique"),
            models.CheckConstraint(
                condition=_year_in_period(), name="savings_amount_year_in_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.savings_case.code} {self.year}: {self.amount}"


class ImportKind(models.TextChoices):
    APPROPRIATIONS = "appropriations", _("bevillinger")
    STATUSES = "statuses", _("statusser")


class ImportState(models.TextChoices):
    PENDING = "pending", _("afventer bekræftelse")
    APPLIED = "applied", _("indlæst")
    CANCELLED = "cancelled", _("annulleret")


class ImportBatch(models.Model):
    """An uploaded workbook, parsed into a plan of changes that waits for the uploader's OK.

    The file itself is never kept: only its SHA-256, its size and the plan parsed from it. The
    plan holds the rows read from the file (what is re-validated on confirmation) and the
    preview shown to the user. Applied batches stay as the record of what an import did.
    """

    kind = models.CharField(_("art"), max_length=20, choices=ImportKind.choices)
    agreement = models.ForeignKey(
        BudgetAgreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("budgetaftale"),
    )
    round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("opfølgning"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indlæst af"),
    )
    created_at = models.DateTimeField(_("uploadet"), auto_now_add=True)
    file_name = normalized.CharField(
        _("filnavn"), max_length=200, blank=True, help_text=_("Kun til visning.")
    )
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_size = models.PositiveIntegerField(_("størrelse (byte)"))
    plan = models.JSONField(_("plan"), default=dict)
    state = models.CharField(
        _("tilstand"), max_length=20, choices=ImportState.choices, default=ImportState.PENDING
    )
    applied_at = models.DateTimeField(_("indlæst"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indlæsning")
        verbose_name_plural = _("indlæsninger")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ImportKind.APPROPRIATIONS, agreement__isnull=False, round__isnull=True)
                    | Q(kind=ImportKind.STATUSES, round__isnull=False, agreement__isnull=True)
                ),
                name="import_batch_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="import_batch_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(state=ImportState.APPLIED),
                name="import_batch_applied_at_only_when_applied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.uploaded_by})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("finance:import_preview", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state == ImportState.PENDING
