"""Load the transcribed source documents in ``fixtures/`` (format: fixtures/FORMAT.md).

Rows are created or updated by natural key, so loading twice changes nothing. A round that is
already locked in the database is frozen: its statuses and economy lines are left as they are.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agreements.models import BudgetAgreement, Center, Chapter, Committee, Initiative
from finance.models import Appropriation, SavingsAmount, SavingsCase
from milestones.models import (
    ChangeSource,
    EconomyLine,
    FollowUpRound,
    Milestone,
    MilestoneStatus,
    RoundState,
    Smiley,
)
from milestones.reports.freeze import report_freeze
from milestones.services import round_open

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class FixtureError(Exception):
    pass


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def center_name(name: str) -> str:
    # The sources write the same center with and without "Center for" in front.
    name = " ".join(name.split())
    return name.removeprefix("Center for ").strip()


def load_committees(path: Path | None = None) -> int:
    rows = json.loads((path or FIXTURES_DIR / "committees.json").read_text(encoding="utf-8"))
    for row in rows:
        Committee.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "order": row["order"]}
        )
    return len(rows)


def _center(name: str, cache: dict[str, Center]) -> Center | None:
    name = center_name(name or "")
    if not name:
        return None
    if name not in cache:
        cache[name], _ = Center.objects.get_or_create(name=name)
    return cache[name]


def _committee(code: str, committees: dict[str, Committee]) -> Committee | None:
    if not code:
        return None
    try:
        return committees[code]
    except KeyError as exc:
        raise FixtureError(f"Ukendt udvalg: {code!r}") from exc


def _save_if_changed(obj, values: dict[str, Any]) -> None:
    if obj.pk is None or any(getattr(obj, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(obj, key, value)
        obj._history_source = ChangeSource.COMMAND
        obj.save()


@transaction.atomic
def load_agreement(path: Path, actor) -> BudgetAgreement:
    """Load one agreement's fixture. Open rounds are opened by ``actor`` (who must be allowed
    to), as finance would open them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    info = data["agreement"]
    sender = info.get("sender", {})
    agreement, _ = BudgetAgreement.objects.update_or_create(
        year=info["year"],
        defaults={
            "title": info["title"],
            "signed_on": _date(info.get("signed_on")),
            "parties": info.get("parties", ""),
            "milestone_green": info["milestone_definitions"]["green"],
            "milestone_yellow": info["milestone_definitions"]["yellow"],
            "milestone_red": info["milestone_definitions"]["red"],
            "economy_green": info["economy_definitions"]["green"],
            "economy_red": info["economy_definitions"]["red"],
            "reading_guide": info.get("reading_guide", ""),
            "department": sender.get("department") or "Økonomi og Styring",
            "contact_person": sender.get("contact_person", ""),
            "phone": sender.get("phone", ""),
            "email": sender.get("email", ""),
            "case_id": sender.get("case_id", ""),
        },
    )
    committees = {c.code: c for c in Committee.objects.all()}
    centers: dict[str, Center] = {}

    rounds: dict[int, FollowUpRound] = {}
    lock_after: list[FollowUpRound] = []
    open_after: list[dict] = []
    for row in data.get("rounds", []):
        if row.get("state", RoundState.OPEN) == RoundState.OPEN:
            # An open round is opened as finance would open it, after the initiatives exist.
            open_after.append(row)
            continue
        round_, _ = FollowUpRound.objects.get_or_create(
            agreement=agreement,
            point=row["point"],
            defaults={
                "deadline": _date(row.get("deadline")),
                "report_date": _date(row.get("report_date")),
            },
        )
        rounds[row["point"]] = round_
        if row.get("state") == RoundState.LOCKED and not round_.is_locked:
            lock_after.append(round_)

    initiatives: dict[str, Initiative] = {}
    order = 0
    for chapter_row in data["chapters"]:
        chapter, _ = Chapter.objects.update_or_create(
            agreement=agreement,
            number=chapter_row["number"],
            defaults={
                "title": chapter_row["title"],
                "introduction": chapter_row.get("introduction", ""),
            },
        )
        for row in chapter_row["initiatives"]:
            order += 1
            initiative = _load_initiative(chapter, row, order, committees, centers)
            if row["number"]:
                initiatives[
                    row["number"] if not row.get("part") else f"{row['number']} {row['part']}"
                ] = initiative
                initiatives.setdefault(row["number"], initiative)
            _load_followup(initiative, row, rounds)

    for row in data.get("appropriations", []):
        try:
            initiative = initiatives[row["initiative"]]
        except KeyError as exc:
            raise FixtureError(f"Bevilling til ukendt indsats {row['initiative']!r}") from exc
        Appropriation.objects.update_or_create(
            initiative=initiative,
            kind=row["kind"],
            year=row["year"],
            defaults={"agreement": agreement, "amount": Decimal(row["amount"])},
        )

    for row in data.get("savings_cases", []):
        case, _ = SavingsCase.objects.update_or_create(
            agreement=agreement,
            code=row["code"],
            defaults={
                "committee": _committee(row["committee"], committees),
                "title": row["title"],
                "marked": row.get("marked", False),
                "capital_investment": Decimal(row["capital_investment"])
                if row.get("capital_investment") not in (None, "")
                else None,
            },
        )
        for year, amount in row.get("amounts", {}).items():
            SavingsAmount.objects.update_or_create(
                savings_case=case,
                year=int(year),
                defaults={"agreement": agreement, "amount": Decimal(amount)},
            )

    for row in open_after:
        if not FollowUpRound.objects.filter(agreement=agreement, point=row["point"]).exists():
            round_open(
                agreement=agreement,
                point=row["point"],
                deadline=_date(row.get("deadline")),
                actor=actor,
                source=ChangeSource.COMMAND,
            )

    for round_ in lock_after:
        round_.state = RoundState.LOCKED
        round_.locked_at = timezone.now()
        round_._history_source = ChangeSource.COMMAND
        round_.save()
        # The source documents are final reports: their content is frozen like any locked round.
        report_freeze(round=round_)
    return agreement


def _load_initiative(chapter, row, order, committees, centers) -> Initiative:
    values = {
        "title": row["title"],
        "kind": row.get("kind", ""),
        "description": row.get("description", ""),
        "responsible_center": _center(row.get("responsible_center", ""), centers),
        "responsible_committee": _committee(row.get("responsible_committee", ""), committees),
        "contributors": row.get("contributors", ""),
        "elaboration": row.get("elaboration", ""),
        "source_reference": row.get("source_reference", ""),
        "closed": row.get("closed", False),
        "order": order,
    }
    if row["number"]:
        lookup = {"chapter": chapter, "number": row["number"], "part": row.get("part", "")}
    else:
        lookup = {"chapter": chapter, "number": "", "title": row["title"]}
    initiative = Initiative.objects.filter(**lookup).first() or Initiative(**lookup)
    _save_if_changed(initiative, values)
    return initiative


def _load_followup(initiative: Initiative, row: dict, rounds: dict[int, FollowUpRound]) -> None:
    for milestone_row in row.get("milestones", []):
        point = milestone_row["point"]
        round_ = rounds.get(point)
        if round_ is not None and round_.is_locked:
            continue  # frozen
        milestone = Milestone.objects.filter(
            initiative=initiative, point=point
        ).first() or Milestone(initiative=initiative, point=point)
        _save_if_changed(milestone, {"text": milestone_row.get("text", "")})
        status_row = milestone_row.get("status")
        if status_row is None or round_ is None:
            continue
        status = MilestoneStatus.objects.filter(milestone=milestone, round=round_).first()
        status = status or MilestoneStatus(milestone=milestone, round=round_)
        _save_if_changed(
            status, {"smiley": Smiley(status_row["smiley"]), "text": status_row.get("text", "")}
        )
    for economy_row in row.get("economy", []):
        round_ = rounds.get(economy_row["point"])
        if round_ is None or round_.is_locked:
            continue
        line = EconomyLine.objects.filter(initiative=initiative, round=round_).first()
        line = line or EconomyLine(initiative=initiative, round=round_)
        _save_if_changed(
            line,
            {
                "text": economy_row.get("text", ""),
                "smiley": Smiley(economy_row["smiley"]),
                "status_text": economy_row.get("status_text", ""),
            },
        )


def agreement_fixture_paths() -> list[Path]:
    return sorted(FIXTURES_DIR.glob("budget_*.json"))
