"""Follow-up rounds, the milestones of each initiative, and the statuses recorded for them."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from agreements import text as normalized
from agreements.models import BudgetAgreement, Initiative

# The longest milestone, status or economy text: about two pages of the report.
TEXT_MAX_LENGTH = 4000


class ChangeSource(models.TextChoices):
    """Through which path a change was made; every history record says it."""

    BROWSER = "browser", _("browser")
    EXCEL = "excel", _("Excel-indlæsning")
    ADMIN = "admin", _("administration")
    COMMAND = "command", _("kommando")


class HistorySource(models.Model):
    """The path of a change, on the history records of the round's rows."""

    history_source = models.CharField(
        _("ændret via"), max_length=10, choices=ChangeSource.choices, blank=True
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _record_history_source(sender, instance, history_instance, **kwargs) -> None:
    # The services set ``_history_source`` beside ``_history_user``; the history record copies it.
    if hasattr(history_instance, "history_source"):
        history_instance.history_source = getattr(instance, "_history_source", "") or ""


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

    def __init__(self, round: FollowUpRound | None = None) -> None:
        self.round = round
        super().__init__(
            _("%(round)s er låst og kan ikke ændres.") % {"round": round.label}
            if round is not None
            else _("Opfølgningen er låst og kan ikke ændres.")
        )


def cascade_unless_locked(collector, field, sub_objs, using) -> None:
    """``on_delete`` for the rows of a round: they go with their parent (an initiative, a
    milestone, an open round) unless they belong to a locked round. A locked round's report
    must stay reproducible, so deleting an initiative, chapter or agreement that has rows in
    a locked round is refused on every path (admin shows the protected rows)."""
    objs = list(sub_objs)
    if objs and field.model.any_locked(objs):
        locked = [obj for obj in objs if obj.locked_round() is not None]
        raise models.ProtectedError(
            _(
                "Kan ikke slettes: %(count)d række(r) hører til en låst opfølgning, hvis "
                "rapport skal kunne genskabes."
            )
            % {"count": len(locked)},
            locked,
        )
    models.CASCADE(collector, field, objs, using)


class LockGuardQuerySet(models.QuerySet):
    """Refuses bulk writes that would touch a row of a locked round.

    A locked round must not change through any path: pages, admin, imports, or the model API
    in a shell. ``save()``/``delete()`` of the guarded models check the single row; this
    queryset checks ``update()``, ``delete()`` and ``bulk_update()``.
    """

    def locked_rows(self) -> models.QuerySet:
        return self.filter(self.model.locked_condition())

    def _refuse_if_locked(self) -> None:
        if self.locked_rows().exists():
            raise RoundLocked()

    def update(self, **kwargs):
        self._refuse_if_locked()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_locked()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        pks = [obj.pk for obj in objs]
        self.model._default_manager.filter(pk__in=pks)._refuse_if_locked()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if objs and self.model.any_locked(objs):
            raise RoundLocked()
        return super().bulk_create(objs, *args, **kwargs)


class LockGuardedModel(models.Model):
    """A row that belongs to a follow-up round and is frozen once the round is locked."""

    class Meta:
        abstract = True

    def save(self, *args, round_checked: bool = False, **kwargs) -> None:
        # round_checked: the caller (a service) has just read the round in this transaction.
        if not round_checked:
            self.ensure_round_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.ensure_round_open()
        return super().delete(*args, **kwargs)

    @classmethod
    def locked_condition(cls) -> Q:
        return Q(round__state=RoundState.LOCKED)

    @classmethod
    def any_locked(cls, objs) -> bool:
        round_ids = {obj.round_id for obj in objs}
        return FollowUpRound.objects.filter(pk__in=round_ids, state=RoundState.LOCKED).exists()

    def locked_round(self) -> FollowUpRound | None:
        return FollowUpRound.objects.filter(pk=self.round_id, state=RoundState.LOCKED).first()

    def ensure_round_open(self) -> None:
        # Read the round from the database: an in-memory copy may be stale.
        round_ = self.locked_round()
        if round_ is not None:
            raise RoundLocked(round_)


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

    history = HistoricalRecords(verbose_name=_("historik for opfølgning"), bases=[HistorySource])

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

    @classmethod
    def lock_shared(cls, pk: int) -> FollowUpRound:
        """The round, read under a lock that ``round_lock`` waits for (call in a transaction).

        Every write to a round's rows reads the round's state this way before it checks that
        the round is open, so a lock cannot slip in between the check and the write: locking
        takes the round FOR UPDATE, which waits for the writes under way and is then seen by
        every later one. PostgreSQL's FOR KEY SHARE lets writes to one round run side by side
        (Django's select_for_update has no shared mode). SQLite writes one transaction at a
        time anyway (transactions begin IMMEDIATE, see settings).
        """
        if connection.vendor != "postgresql":
            return cls.objects.get(pk=pk)
        table = connection.ops.quote_name(cls._meta.db_table)
        rows = list(cls.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE", [pk]))
        if not rows:
            raise cls.DoesNotExist
        return rows[0]


class Milestone(LockGuardedModel):
    """What an initiative must have reached at one follow-up point (milepæl).

    Its text is frozen once the round of its point is locked.
    """

    initiative = models.ForeignKey(
        Initiative,
        on_delete=cascade_unless_locked,
        related_name="milestones",
        verbose_name=_("indsats"),
    )
    point = models.PositiveSmallIntegerField(_("opfølgning"), choices=FollowUpPoint.choices)
    text = normalized.TextField(_("milepæl"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords(verbose_name=_("historik for milepæl"), bases=[HistorySource])
    objects = LockGuardQuerySet.as_manager()

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

    @classmethod
    def locked_condition(cls) -> Q:
        return Exists(
            FollowUpRound.objects.filter(
                agreement_id=OuterRef("initiative__chapter__agreement_id"),
                point=OuterRef("point"),
                state=RoundState.LOCKED,
            )
        )

    @classmethod
    def any_locked(cls, objs) -> bool:
        # Two queries whatever the number of objects: the locked points of the agreements
        # involved, and which agreement each initiative belongs to.
        from agreements.models import Initiative

        initiative_ids = {obj.initiative_id for obj in objs}
        agreement_of = dict(
            Initiative.objects.filter(pk__in=initiative_ids).values_list(
                "pk", "chapter__agreement_id"
            )
        )
        locked = set(
            FollowUpRound.objects.filter(
                agreement_id__in=set(agreement_of.values()), state=RoundState.LOCKED
            ).values_list("agreement_id", "point")
        )
        return any((agreement_of.get(obj.initiative_id), obj.point) in locked for obj in objs)

    def locked_round(self) -> FollowUpRound | None:
        return FollowUpRound.objects.filter(
            agreement__chapters__initiatives=self.initiative_id,
            point=self.point,
            state=RoundState.LOCKED,
        ).first()


class RoundRecord(LockGuardedModel):
    """A record of a round's row that people write: counted and stamped with who wrote last."""

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

    objects = LockGuardQuerySet.as_manager()

    class Meta:
        abstract = True


class MilestoneStatus(RoundRecord):
    """The assessment of a milestone at its follow-up round: a smiley and an optional text."""

    milestone = models.ForeignKey(
        Milestone,
        on_delete=cascade_unless_locked,
        related_name="statuses",
        verbose_name=_("milepæl"),
    )
    round = models.ForeignKey(
        FollowUpRound,
        on_delete=cascade_unless_locked,
        related_name="milestone_statuses",
        verbose_name=_("opfølgning"),
    )
    smiley = models.CharField(
        _("smiley"), max_length=20, choices=Smiley.choices, default=Smiley.NOT_ASSESSED
    )
    text = normalized.TextField(_("status"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords(
        verbose_name=_("historik for milepælsstatus"), bases=[HistorySource]
    )

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


class EconomyLine(RoundRecord):
    """The Økonomi row of an initiative at one round: what money it has or must save.

    It is part of the round: opened, locked and versioned with the round's milestone statuses.
    """

    initiative = models.ForeignKey(
        Initiative,
        on_delete=cascade_unless_locked,
        related_name="economy_lines",
        verbose_name=_("indsats"),
    )
    round = models.ForeignKey(
        FollowUpRound,
        on_delete=cascade_unless_locked,
        related_name="economy_lines",
        verbose_name=_("opfølgning"),
    )
    text = normalized.TextField(_("økonomi"), blank=True, max_length=TEXT_MAX_LENGTH)
    smiley = models.CharField(
        _("smiley"), max_length=20, choices=Smiley.choices, default=Smiley.NOT_ASSESSED
    )
    status_text = normalized.TextField(_("status"), blank=True, max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords(verbose_name=_("historik for økonomilinje"), bases=[HistorySource])

    class Meta:
        ordering = ["round", "initiative"]
        verbose_name = _("økonomilinje")
        verbose_name_plural = _("økonomilinjer")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "round"], name="economy_line_unique"),
            models.CheckConstraint(
                condition=Q(smiley__in=[s.value for s in ECONOMY_SMILEYS]),
                name="economy_line_smiley_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.label}: {self.round.label}"


class FrozenReport(models.Model):
    """The content of a locked round's follow-up report, as it was at the moment of locking.

    A committee's appendix must be reproducible after the round is locked, even if initiatives
    or milestones are edited later, so the report is rendered from this snapshot rather than
    from the live rows. ``data`` holds the whole municipality's report; a committee's report is
    the part of it that belongs to the committee (see ``milestones.reports.data``).
    """

    round = models.OneToOneField(
        FollowUpRound,
        on_delete=models.CASCADE,
        related_name="frozen_report",
        verbose_name=_("opfølgning"),
    )
    data = models.JSONField(_("rapportindhold"))
    created_at = models.DateTimeField(_("fastfrosset"), auto_now_add=True)

    class Meta:
        verbose_name = _("fastfrosset rapport")
        verbose_name_plural = _("fastfrosne rapporter")

    def __str__(self) -> str:
        return str(self.round)
