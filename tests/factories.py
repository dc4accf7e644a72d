from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from agreements.models import (
    BudgetAgreement,
    Center,
    Chapter,
    Committee,
    Initiative,
    InitiativeKind,
    Role,
    StaffProfile,
)
from finance.models import Appropriation, SavingsAmount, SavingsCase, SpendingKind
from milestones.models import EconomyLine, FollowUpRound, Milestone, MilestoneStatus, Smiley


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = "Test"
    password = factory.django.Password("korrekt-hest-batteri")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.FINANCE

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create and extracted:
            self.committees.set(extracted)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.LazyAttribute(lambda o: f"Udvalg {o.code}")
    order = factory.Sequence(int)


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Center {n}")


class BudgetAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetAgreement
        django_get_or_create = ("year",)

    # Cycle within the plausible years the database accepts; get_or_create reuses a year.
    year = factory.Sequence(lambda n: 2030 + n % 150)
    title = factory.LazyAttribute(lambda o: f"Aftale om budget {o.year}")
    milestone_green = "Milepæl er opfyldt"
    milestone_yellow = "Milepæl er ikke fuldt opfyldt"
    milestone_red = "Milepæl er ikke opfyldt"
    economy_green = "Budget er overholdt"
    economy_red = "Budget ikke overholdt"


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    agreement = factory.SubFactory(BudgetAgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Kapitel {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    chapter = factory.SubFactory(ChapterFactory)
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.chapter.number}.{n + 1}")
    title = factory.Sequence(lambda n: f"Indsats {n}")
    kind = InitiativeKind.OPERATIONS
    description = "Beskrivelse af indsatsen."
    responsible_committee = factory.SubFactory(CommitteeFactory)
    responsible_center = factory.SubFactory(CenterFactory)


class FollowUpRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpRound

    agreement = factory.SubFactory(BudgetAgreementFactory)
    point = 1


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    point = 1
    text = factory.Sequence(lambda n: f"Milepæl {n}")


class MilestoneStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneStatus

    milestone = factory.SubFactory(MilestoneFactory)
    round = factory.LazyAttribute(
        lambda o: FollowUpRound.objects.get_or_create(
            agreement=o.milestone.initiative.chapter.agreement, point=o.milestone.point
        )[0]
    )
    smiley = Smiley.NOT_ASSESSED


class EconomyLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EconomyLine

    initiative = factory.SubFactory(InitiativeFactory)
    round = factory.LazyAttribute(
        lambda o: FollowUpRound.objects.get_or_create(
            agreement=o.initiative.chapter.agreement, point=1
        )[0]
    )
    text = "Besparelse i året: 0,5 mio. kr."
    smiley = Smiley.NOT_ASSESSED


class AppropriationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appropriation

    initiative = factory.SubFactory(InitiativeFactory)
    agreement = factory.LazyAttribute(lambda o: o.initiative.chapter.agreement)
    kind = SpendingKind.OPERATIONS
    year = factory.LazyAttribute(lambda o: o.agreement.year)
    amount = Decimal("100")


class SavingsCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavingsCase

    agreement = factory.SubFactory(BudgetAgreementFactory)
    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"ØKU-{n:02d}")
    title = factory.Sequence(lambda n: f"Besparelse {n}")


class SavingsAmountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavingsAmount

    savings_case = factory.SubFactory(SavingsCaseFactory)
    agreement = factory.LazyAttribute(lambda o: o.savings_case.agreement)
    year = factory.LazyAttribute(lambda o: o.agreement.year)
    amount = Decimal("-0.5")


# Acting users and the row service, as the tests use them ---------------------------------


def system_admin():
    """An administrator to act as where a test needs someone allowed to do everything."""
    return UserFactory(username="system-test-admin", is_staff=True, is_superuser=True)


def open_round(agreement, point: int = 1, deadline=None, actor=None) -> FollowUpRound:
    from milestones.services import round_open

    return round_open(
        agreement=agreement, point=point, deadline=deadline, actor=actor or system_admin()
    )


def row_edits(round: FollowUpRound, initiative, **values) -> dict:
    """Edits of a row as a user who opened it now would send them: each changed field with
    the value stored now as the value the user started from."""
    from milestones.services import ROW_FIELDS, FieldEdit, row_records

    records = row_records(round, [initiative.pk], lock=False)[initiative.pk]
    edits = {}
    for name, value in values.items():
        field = ROW_FIELDS[name]
        record = records.part(field.part)
        edits[name] = FieldEdit(new=value, original=getattr(record, field.attr) if record else "")
    return edits


def save_row(round: FollowUpRound, initiative, actor=None, source: str = "browser", **values):
    """Save a row through the row service, starting from what is stored now."""
    from milestones.services import row_save

    return row_save(
        round=round,
        initiative=initiative,
        edits=row_edits(round, initiative, **values),
        actor=actor or system_admin(),
        source=source,
    )


def row_post_data(round: FollowUpRound, initiative, **changes) -> dict:
    """The POST of a round page's row form as the browser sends it: every field with the
    value it showed (``initial-...``), changed where ``changes`` say."""
    from milestones.services import ROW_FIELDS, row_records

    records = row_records(round, [initiative.pk], lock=False)[initiative.pk]
    data = {}
    for name, field in ROW_FIELDS.items():
        record = records.part(field.part)
        stored = getattr(record, field.attr) if record is not None else ""
        data[f"initial-{name}"] = stored
        data[name] = changes.get(name, stored)
    return data
