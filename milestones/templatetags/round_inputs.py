"""Fast inputs for the rows of a round page.

A round page has a form per initiative, about a thousand inputs for a hundred initiatives.
Django renders each widget through its own templates, which made up most of the page's time;
these tags write the same inputs directly. Names, ids, values and checked state come from the
bound form, so validation and the plain form post are unchanged.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from agreements.templatetags.budget import smiley
from milestones.models import TEXT_MAX_LENGTH

register = template.Library()


def _invalid(field: BoundField) -> SafeString:
    return mark_safe(' aria-invalid="true"') if field.errors else mark_safe("")


@register.simple_tag
def row_textarea(field: BoundField, rows: int = 2) -> SafeString:
    value = field.value()
    return format_html(
        '<textarea name="{}" id="{}" rows="{}" maxlength="{}"{}>\n{}</textarea>',
        field.html_name,
        field.auto_id,
        rows,
        TEXT_MAX_LENGTH,
        _invalid(field),
        "" if value is None else value,
    )


@register.simple_tag
def row_hidden(form) -> SafeString:
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}" id="{}">',
        (
            (f.html_name, "" if f.value() is None else f.value(), f.auto_id)
            for f in form.hidden_fields()
        ),
    )


@register.simple_tag(takes_context=True)
def row_smiley_radios(context, field: BoundField) -> SafeString:
    current = str(field.value() or "")
    parts = []
    for index, (value, _label) in enumerate(field.field.choices):
        input_id = f"{field.auto_id}_{index}"
        parts.append(
            format_html(
                '<label for="{0}" class="smiley-choice__option"><input type="radio" name="{1}" '
                'value="{2}" id="{0}" required{3}{4}> {5}</label>',
                input_id,
                field.html_name,
                value,
                mark_safe(" checked") if value == current else "",
                _invalid(field),
                smiley(context, value),
            )
        )
    return mark_safe("".join(parts))
