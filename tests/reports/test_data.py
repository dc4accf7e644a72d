"""What goes into a report: initiatives of the round, points, statuses, titles and summary."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from agreements.models import Committee, Initiative
from milestones.models import EconomyLine, FollowUpRound, MilestoneStatus, Smiley
from milestones.reports.data import report_content
from milestones.reports.render import report_html
from milestones.services import round_open
from tests.factories import MilestoneFactory, system_admin

pytestmark = pytest.mark.django_db


def headings(content) -> list[str]:
    return [i.heading for i in content.initiatives]


def test_closed_initiative_without_status_in_the_round_is_left_out(small_round):
    assert "5.3. Afsluttet erhvervsindsats" not in headings(report_content(small_round))


def test_closed_initiative_with_a_status_in_the_round_is_included(small_round):
    closed = Initiative.objects.get(number="5.3", chapter__agreement=small_round.agreement)
    MilestoneStatus.objects.create(
        milestone=MilestoneFactory(initiative=closed, point=1, text="Afsluttet."),
        round=small_round,
        smiley=Smiley.GREEN,
    )
    content = report_content(small_round)
    assert "5.3. Afsluttet erhvervsindsats" in headings(content)


def test_points_up_to_the_round_carry_a_smiley_and_later_points_none(small_round):
    kildedal = report_content(small_round).chapters[1].initiatives[0]
    assert kildedal.heading == "5.1. Udvikling af Kildedal"
    assert [(p.label, p.smiley) for p in kildedal.points] == [
        ("1. budgetopfølgning 2031", "yellow"),
        ("2. budgetopfølgning 2031", None),
        ("3. budgetopfølgning 2031", None),
        ("31.12.2031", None),
    ]
    assert kildedal.points[0].status_text == "Processen er forsinket."
    assert kildedal.points[1].milestone == "Lokalplanforslag er behandlet."
    assert (kildedal.economy.text, kildedal.economy.smiley, kildedal.economy.status_text) == (
        "Besparelse i 2031: 0,5 mio. kr.",
        "green",
        "Opnået.",
    )
    assert kildedal.kind == "anlæg"
    assert kildedal.center == "By, Erhverv og Miljø"
    assert kildedal.committee_name == "Erhvervs- og Beskæftigelsesudvalget"


def test_earlier_points_show_the_status_given_at_their_own_round(small_round):
    kildedal = Initiative.objects.get(number="5.1", chapter__agreement=small_round.agreement)
    second = round_open(
        agreement=small_round.agreement, point=2, deadline=None, actor=system_admin()
    )
    MilestoneStatus.objects.filter(round=second, milestone__initiative=kildedal).update(
        smiley=Smiley.RED, text="Lokalplanen er udskudt."
    )
    second = FollowUpRound.objects.select_related("agreement").get(pk=second.pk)
    points = report_content(second).chapters[1].initiatives[0].points
    assert [(p.smiley, p.status_text) for p in points[:3]] == [
        ("yellow", "Processen er forsinket."),
        ("red", "Lokalplanen er udskudt."),
        (None, ""),
    ]
    # The economy line of the second round has not been assessed yet.
    assert report_content(second).chapters[1].initiatives[0].economy.smiley == "not_assessed"


@pytest.mark.parametrize(
    ("point", "title"),
    [
        (1, "Første opfølgning på Aftale om budget 2031 for Ballerup Kommune"),
        (2, "Anden opfølgning på Aftale om budget 2031 for Ballerup Kommune"),
        (3, "Tredje opfølgning på Aftale om budget 2031 for Ballerup Kommune"),
        (4, "Fjerde og sidste opfølgning på Aftale om budget 2031 for Ballerup Kommune"),
    ],
)
def test_title_names_the_follow_up_in_the_municipality_s_wording(small_agreement, point, title):
    round_ = round_open(agreement=small_agreement, point=point, deadline=None, actor=system_admin())
    assert report_content(round_).title == title


def test_committee_report_is_the_committee_s_part_of_the_whole(small_round):
    committee = Committee.objects.get(code="EBU")
    content = report_content(small_round).for_committee(committee)
    assert content.title == (
        "Første opfølgning på Aftale om budget 2031 for Erhvervs- og Beskæftigelsesudvalget"
    )
    assert headings(content) == ["5.1. Udvikling af Kildedal", "5.2. Lautrup Erhvervspark"]
    assert [c.heading for c in content.chapters] == ["5. En førende erhvervsby"]


def test_summary_counts_per_committee_for_the_whole_and_per_chapter_for_a_committee(
    small_round,
):
    rows, total = report_content(small_round).summary()
    assert [(r.label, r.initiatives, r.milestone_counts, r.economy_counts) for r in rows] == [
        ("Erhvervs- og Beskæftigelsesudvalget", 2, [0, 1, 0, 1], [1, 0, 1]),
        ("Børne- og Skoleudvalget", 1, [0, 0, 0, 1], [0, 0, 1]),
    ]
    assert (total.initiatives, total.milestone_counts, total.economy_counts) == (
        3,
        [0, 1, 0, 2],
        [1, 0, 2],
    )
    committee = Committee.objects.get(code="EBU")
    rows, total = report_content(small_round).for_committee(committee).summary()
    assert [(r.label, r.initiatives) for r in rows] == [("5. En førende erhvervsby", 2)]


def test_committee_without_initiatives_gets_a_report_that_says_so(small_round):
    committee = Committee.objects.create(code="KFU", name="Kultur- og Fritidsudvalget")
    content = report_content(small_round).for_committee(committee)
    html = report_html(content, draft=True)
    assert (
        "Der er ingen indsatser for Kultur- og Fritidsudvalget ved 1. budgetopfølgning 2031."
        in html
    )


def test_report_date_is_the_round_s_or_today_for_a_draft(small_round):
    assert report_content(small_round).date == timezone.localdate()
    FollowUpRound.objects.filter(pk=small_round.pk).update(report_date=date(2031, 5, 4))
    small_round.refresh_from_db()
    assert report_content(small_round).date == date(2031, 5, 4)
    html = report_html(report_content(small_round), draft=True)
    assert "4. maj 2031" in html


def test_report_html_escapes_text_and_keeps_footer_strings_inside_css(small_round):
    EconomyLine.objects.filter(round=small_round, initiative__number="5.2").update(
        text='<script>alert("x")</script>'
    )
    agreement = small_round.agreement
    agreement.case_id = 'S-1"; } body { display: none } </style>'
    agreement.save()
    html = report_html(report_content(small_round), draft=True)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # The footer's case id is a CSS string: neither its quote nor its tag can end it early.
    assert html.count("</style>") == 1
    assert 'Sagsid: S-1\\22 ; } body { display: none } \\3c /style\\3e "' in html
