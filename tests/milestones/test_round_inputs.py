"""The hand-written row inputs carry the bound form's names, values, state and errors."""

from __future__ import annotations

from django.template import Context, Template

from milestones.forms import RowForm

TEMPLATE = Template(
    "{% load round_inputs %}{% row_started_from form %}{% row_textarea form.text %}"
    "{% row_smiley_radios form.smiley %}"
)


def render(form) -> str:
    return TEMPLATE.render(Context({"form": form, "request": object()}))


def test_inputs_show_the_initial_values_and_what_the_user_starts_from():
    form = RowForm(initial={"smiley": "yellow", "text": "Forsinket"}, prefix_id=7)
    html = render(form)
    assert (
        '<input type="hidden" name="initial-text" value="Forsinket" id="initial-id_r7_text">'
        in (html)
    )
    assert '<input type="hidden" name="initial-smiley" value="yellow"' in html
    assert 'id="id_r7_text" rows="2" data-maxlength="4000"' in html
    assert ">\nForsinket</textarea>" in html
    assert 'value="yellow" id="id_r7_smiley_1" checked>' in html
    assert html.count(" checked") == 1


def test_the_text_box_never_cuts_a_paste_and_says_the_limit():
    html = render(RowForm(initial={"text": ""}, prefix_id=7))
    assert "maxlength=" not in html.replace("data-maxlength=", "")
    assert 'aria-describedby="id_r7_text-count"' in html
    assert '<p class="field__count" id="id_r7_text-count" data-count-for="id_r7_text">' in html
    assert "Højst 4.000 tegn." in html


def test_submitted_text_is_escaped_and_errors_are_announced():
    form = RowForm(
        data={
            "smiley": "blue",
            "initial-smiley": "green",
            "text": "<script>alert(1)</script>",
            "economy_smiley": "green",
        },
        prefix_id=7,
    )
    assert not form.is_valid()
    html = render(form)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert 'name="smiley" value="green" id="id_r7_smiley_0" aria-invalid="true">' in html
    assert " checked" not in html
    # What the user started from is kept, even when the form is shown again with errors.
    assert 'name="initial-smiley" value="green"' in html
