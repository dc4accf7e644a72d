"""The smiley pictogram: a shape per level and the level in text, never colour alone."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from milestones.models import Smiley

register = template.Library()


@register.simple_tag(takes_context=True)
def smiley(context, value: str, label: str = "", size: int = 22) -> str:
    """A smiley pictogram whose shape differs per level, with the level in text.

    Pages (rendered with a request) reference the symbols defined once in base.html, which keeps
    a round page with hundreds of smileys small; PDFs (no request) get the full inline SVG with
    a <title>, which WeasyPrint needs for the figure's alternative text (PDF/UA).
    """
    value = Smiley(value or Smiley.NOT_ASSESSED)
    label = label or value.label
    if context.get("request") is None:
        return render_to_string(
            "includes/smiley.html", {"value": value.value, "label": label, "size": size}
        )
    # Short markup: a round page holds two smileys per row. The size comes from the style
    # sheet (.smiley svg; .smiley--s for the small ones).
    return format_html(
        '<span class="smiley smiley--{0}{1}"><svg aria-hidden="true"><use href="#smiley-{0}"/>'
        "</svg>{2}</span>",
        value.value,
        " smiley--s" if size < 20 else "",
        label,
    )
