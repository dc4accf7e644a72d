"""Follow-up rounds, the milestones of each initiative, and the statuses recorded for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import BudgetAgreement, Initiative

TEXT_MAX_LENGTH = 4000


class Smiley(models.TextChoices):
    """An assessment. "Not assessed" is a state of its own, not a colour."""

    GREEN = "green", _("Grøn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")
    NOT_ASSESSED = "not_assessed", _("Ikke vurderet")


MILESTONE_SMILEYS = [Smiley.GREEN, Smiley.YELLOW, Smiley.RED, Smiley.NOT_ASSESSED]
ECONOMY_SMILEYS = [Smiley.GREEN, Smiley.RED, Smiley.NOT_ASSESSED]


class FollowUpPoint(models.IntegerChoices):
    FIRST = 1, _("1. budgetopfølgning")
    SECOND = 2, _("2. budgetopfølgning")
    THIRD = 3, _("3. budgetopfølgning")
    YEAR_END = 4, _("31.12")


def point_label(point: int, year: int) -> str:
    """The label the reports print in the Tid column: "2. budgetopfølgning 2018", "31.12.2018"."""
    if point == FollowUpPoint.YEAR_END:
        return f"31.12.{year}"
    return f"{FollowUpPoint(point).label} {year}"


class RoundLocked(Exception):
    """A write was attempted in a follow-up round that is locked."""

    def __init__(self, round: FollowUpRound) -> None:
        self.round = round
        super().__init__(f"{round} er låst")


class RoundState(models.TextChoices):
    OPEN = "open", _("Åben")
    LOCKED = "locked", _("Låst")


class FollowUpRound(models.Model):
    """One of the four follow-ups of an agreement's budget year."""

    agreement = models.ForeignKey(
        BudgetAgreement,
        on_delete=models.CASCADE,
        related_name="rounds",
        verbose_name=_("budgetaftale"),
    )
    point = models.PositiveSmallIntegerField(_("opfølgning"), choices=FollowUpPoint.choices)
    deadline = models.DateField(_("frist"), null=True, blank=True)
    report_date = models.DateField(_("rapportdato"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("låst af"),
    )

    history = HistoricalRecords(verbose_name=_("historik for opfølgning"))

    class Meta:
        ordering = ["-agreement__year", "point"]
        verbose_name = _("opfølgning")
        verbose_name_plural = _("opfølgninger")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "point"], name="round_point_unique"),
            models.CheckConstraint(
                condition=Q(point__gte=1, point__lte=4), name="round_point_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="round_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.agreement.title})"

    def get_absolute_url(self) -> str:
        return reverse("milestones:round", args=[self.pk])

    @property
    def label(self) -> str:
        return point_label(self.point, self.agreement.year)

    @property
    def is_locked(self) -> bool:
        return self.state == RoundState.LOCKED

    def ensure_open(self) -> None:
        if self.is_locked:
            raise RoundLocked(self)


class Milestone(models.Model):
    """What an initiative must have reached at one follow-up point (milepæl)."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("indsats"),
    )
    point = models.PositiveSmallIntegerField(_("opfølgning"), choices=FollowUpPoint.choices)
    text = models.TextField(_("milepæl"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords(verbose_name=_("historik for milepæl"))

    class Meta:
        ordering = ["initiative", "point"]
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "point"], name="milestone_point_unique"),
            models.CheckConstraint(
                condition=Q(point__gte=1, point__lte=4), name="milestone_point_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.label}: {self.get_point_display()}"


class MilestoneStatus(models.Model):
    """The assessment of a milestone at its follow-up round: a smiley and an optional text."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("milepæl")
    )
    round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.CASCADE,
        related_name="milestone_statuses",
        verbose_name=_("opfølgning"),
    )
    smiley = models.CharField(
        _("smiley"), max_length=20, choices=Smiley.choices, default=Smiley.NOT_ASSESSED
    )
    text = models.TextField(_("status"), blank=True, max_length=TEXT_MAX_LENGTH)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )

    history = HistoricalRecords(verbose_name=_("historik for milepælsstatus"))

    class Meta:
        ordering = ["round", "milestone"]
        verbose_name = _("milepælsstatus")
        verbose_name_plural = _("milepælsstatusser")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "round"], name="milestone_status_unique"),
            models.CheckConstraint(
                condition=Q(smiley__in=[s.value for s in MILESTONE_SMILEYS]),
                name="milestone_status_smiley_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_smiley_display()}"
