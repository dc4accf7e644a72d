"""The hand-written row inputs carry the bound form's names, values, state and errors."""

from __future__ import annotations

from django.template import Context, Template

from milestones.forms import RowForm

TEMPLATE = Template(
    "{% load round_inputs %}{% row_hidden form %}{% row_textarea form.text %}"
    "{% row_smiley_radios form.smiley %}"
)


def render(form) -> str:
    return TEMPLATE.render(Context({"form": form, "request": object()}))


def test_inputs_show_the_initial_values():
    form = RowForm(
        initial={
            "smiley": "yellow",
            "text": "Forsinket",
            "status_version": 3,
            "economy_version": 1,
            "milestone_text_original": "Plan",
        },
        prefix_id=7,
    )
    html = render(form)
    assert '<input type="hidden" name="status_version" value="3" id="id_r7_status_version">' in html
    assert 'id="id_r7_text" rows="2" maxlength="4000">\nForsinket</textarea>' in html
    assert 'value="yellow" id="id_r7_smiley_1" required checked>' in html
    assert html.count(" checked") == 1


def test_submitted_text_is_escaped_and_errors_are_announced():
    form = RowForm(
        data={
            "smiley": "blue",
            "text": "<script>alert(1)</script>",
            "status_version": "1",
            "economy_smiley": "green",
            "economy_version": "1",
        },
        prefix_id=7,
    )
    assert not form.is_valid()
    html = render(form)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert 'name="smiley" value="green" id="id_r7_smiley_0" required aria-invalid="true">' in html
    assert " checked" not in html
