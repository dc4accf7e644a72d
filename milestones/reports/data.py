"""What a follow-up report says, as plain data: read from the database or from a snapshot.

``report_content`` reads the whole municipality's report of a round in a constant number of
queries (the count does not grow with the number of initiatives). The result is a tree of
dataclasses that turns into JSON and back, so a locked round can keep its report frozen
(``milestones.reports.freeze``), and a committee's report is the part of it that belongs to
the committee (``ReportContent.for_committee``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Committee, InitiativeKind
from milestones.models import FollowUpPoint, FollowUpRound, Smiley, point_label
from milestones.selectors import RoundRow, SmileyCounts, count_smileys, round_rows

# Bumped when the shape of the data changes, so old snapshots can still be read.
FORMAT_VERSION = 1

# The municipality's wording of the report titles: "Tredje opfølgning på ...".
ORDINALS = {
    FollowUpPoint.FIRST: gettext_lazy("Første"),
    FollowUpPoint.SECOND: gettext_lazy("Anden"),
    FollowUpPoint.THIRD: gettext_lazy("Tredje"),
    FollowUpPoint.YEAR_END: gettext_lazy("Fjerde og sidste"),
}


@dataclass
class PointEntry:
    """One follow-up point of an initiative: its milestone and, up to this round, its status."""

    point: int
    label: str
    milestone: str
    # None for a point after the report's round: it has no assessment yet and shows no smiley.
    smiley: str | None
    status_text: str


@dataclass
class EconomyEntry:
    text: str
    smiley: str
    status_text: str


@dataclass
class InitiativeEntry:
    number: str
    part: str
    title: str
    kind: str
    description: str
    center: str
    committee_id: int | None
    committee_name: str
    contributors: str
    elaboration: str
    source_reference: str
    points: list[PointEntry]
    economy: EconomyEntry

    @property
    def heading(self) -> str:
        """The table heading as the reports print it: "5.03. Udvikling af ... - del 1"."""
        heading = f"{self.number}. {self.title}" if self.number else self.title
        return f"{heading} - {self.part}" if self.part else heading

    @property
    def current_smiley(self) -> str:
        """The smiley of the latest assessed point, i.e. the point of the report's round."""
        assessed = [p for p in self.points if p.smiley is not None]
        return assessed[-1].smiley if assessed else Smiley.NOT_ASSESSED


@dataclass
class ChapterEntry:
    number: int
    title: str
    introduction: str
    initiatives: list[InitiativeEntry]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class CommitteeEntry:
    id: int
    code: str
    name: str


@dataclass
class SummaryRow:
    """The smiley counts at the report's round of one committee or chapter (or in total)."""

    label: str
    counts: SmileyCounts

    @property
    def initiatives(self) -> int:
        return self.counts.initiatives

    @property
    def milestone_counts(self) -> list[int]:
        return self.counts.milestone_counts

    @property
    def economy_counts(self) -> list[int]:
        return self.counts.economy_counts


def _smileys(initiative: InitiativeEntry) -> tuple[str, str]:
    return initiative.current_smiley, initiative.economy.smiley


@dataclass
class ReportContent:
    """Everything a follow-up report prints, for the whole municipality or one committee."""

    agreement_year: int
    agreement_title: str
    point: int
    date: date
    municipality: str
    department: str
    phone: str
    email: str
    contact_person: str
    case_id: str
    reading_guide: str
    milestone_definitions: dict[str, str]
    economy_definitions: dict[str, str]
    committees: list[CommitteeEntry]
    chapters: list[ChapterEntry]
    # None: the whole municipality; otherwise the committee the report is for.
    committee: CommitteeEntry | None = None
    version: int = FORMAT_VERSION

    @property
    def recipient(self) -> str:
        return self.committee.name if self.committee else self.municipality

    @property
    def title(self) -> str:
        return _("%(ordinal)s opfølgning på %(agreement)s for %(recipient)s") % {
            "ordinal": ORDINALS[self.point],
            "agreement": self.agreement_title,
            "recipient": self.recipient,
        }

    @property
    def round_label(self) -> str:
        return point_label(self.point, self.agreement_year)

    @property
    def initiatives(self) -> list[InitiativeEntry]:
        return [i for chapter in self.chapters for i in chapter.initiatives]

    def for_committee(self, committee: Committee) -> ReportContent:
        """The committee's report: its initiatives, under the name the snapshot knows it by."""
        entry = next((c for c in self.committees if c.id == committee.pk), None)
        entry = entry or CommitteeEntry(committee.pk, committee.code, committee.name)
        chapters = []
        for chapter in self.chapters:
            initiatives = [i for i in chapter.initiatives if i.committee_id == committee.pk]
            if initiatives:
                chapters.append(replace(chapter, initiatives=initiatives))
        return replace(self, chapters=chapters, committees=[entry], committee=entry)

    def summary(self) -> tuple[list[SummaryRow], SummaryRow]:
        """Smiley counts per committee (whole municipality) or per chapter (one committee)."""
        if self.committee is None:
            names = {c.id: c.name for c in self.committees}
            groups, total = count_smileys(self.initiatives, _smileys, key=lambda i: i.committee_id)
            rows = [SummaryRow(names[pk], groups[pk]) for pk in names if pk in groups]
            if None in groups:
                rows.append(SummaryRow(_("Uden ansvarligt udvalg"), groups[None]))
        else:
            rows = []
            total = count_smileys(self.initiatives, _smileys)[1]
            for chapter in self.chapters:
                rows.append(
                    SummaryRow(chapter.heading, count_smileys(chapter.initiatives, _smileys)[1])
                )
        return rows, SummaryRow(_("I alt"), total)

    def to_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportContent:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"Unknown report format version {data.get('version')!r}")
        committee = data.get("committee")
        return cls(
            **{
                **data,
                "date": date.fromisoformat(data["date"]),
                "committees": [CommitteeEntry(**c) for c in data["committees"]],
                "committee": CommitteeEntry(**committee) if committee else None,
                "chapters": [_chapter_from_json(c) for c in data["chapters"]],
            }
        )


def _chapter_from_json(data: dict) -> ChapterEntry:
    initiatives = [
        InitiativeEntry(
            **{
                **i,
                "points": [PointEntry(**p) for p in i["points"]],
                "economy": EconomyEntry(**i["economy"]),
            }
        )
        for i in data["initiatives"]
    ]
    return ChapterEntry(**{**data, "initiatives": initiatives})


def report_content(round: FollowUpRound) -> ReportContent:
    """The whole municipality's report of ``round``, read from the live rows.

    The round's rows come from the one reader (``milestones.selectors.round_rows``) with their
    milestone plans, in a constant number of queries whatever the number of initiatives.
    The report holds the initiatives that are part of the round: a closed initiative is in the
    rounds where it has its rows, "indgår ikke i opfølgningen fremadrettet".
    """
    agreement = round.agreement
    rows = round_rows(round=round, user=None, with_earlier=False, with_plan=True)
    chapters: dict[int, ChapterEntry] = {}
    committees: dict[int, Committee] = {}
    for row in rows:
        initiative = row.initiative
        chapter = initiative.chapter
        if chapter.pk not in chapters:
            chapters[chapter.pk] = ChapterEntry(
                chapter.number, chapter.title, chapter.introduction, []
            )
        committee = initiative.responsible_committee
        if committee is not None:
            committees[committee.pk] = committee
        chapters[chapter.pk].initiatives.append(_initiative_entry(row))

    return ReportContent(
        agreement_year=agreement.year,
        agreement_title=agreement.title,
        point=round.point,
        date=round.report_date or timezone.localdate(),
        municipality=settings.MUNICIPALITY_NAME,
        department=agreement.department,
        phone=agreement.phone,
        email=agreement.email,
        contact_person=agreement.contact_person,
        case_id=agreement.case_id,
        reading_guide=agreement.reading_guide,
        milestone_definitions=agreement.milestone_definitions(),
        economy_definitions=agreement.economy_definitions(),
        committees=[
            CommitteeEntry(c.pk, c.code, c.name)
            for c in sorted(committees.values(), key=lambda c: (c.order, c.name))
        ],
        chapters=sorted(chapters.values(), key=lambda c: c.number),
    )


def _initiative_entry(row: RoundRow) -> InitiativeEntry:
    initiative = row.initiative
    committee = initiative.responsible_committee
    line = row.economy
    return InitiativeEntry(
        number=initiative.number,
        part=initiative.part,
        title=initiative.title,
        kind=str(InitiativeKind(initiative.kind).label) if initiative.kind else "",
        description=initiative.description,
        center=initiative.responsible_center.name if initiative.responsible_center else "",
        committee_id=committee.pk if committee else None,
        committee_name=committee.name if committee else "",
        contributors=initiative.contributors,
        elaboration=initiative.elaboration,
        source_reference=initiative.source_reference,
        points=[
            PointEntry(
                point=p.point,
                label=p.label,
                milestone=p.milestone,
                smiley=p.smiley,
                status_text=p.status_text if p.smiley else "",
            )
            for p in row.points
        ],
        economy=EconomyEntry(
            text=line.text if line else "",
            smiley=line.smiley if line else Smiley.NOT_ASSESSED.value,
            status_text=line.status_text if line else "",
        ),
    )


def committee_report_rounds(committee: Committee) -> QuerySet[FollowUpRound]:
    """The rounds of the agreements in which the committee has initiatives, newest first."""
    return (
        FollowUpRound.objects.filter(
            agreement__chapters__initiatives__responsible_committee=committee
        )
        .select_related("agreement")
        .distinct()
        .order_by("-agreement__year", "point")
    )
