"""Rendering the staff-edited wording with Django's template engine.

The output is plain text, so the engine does not escape; HTML is built from
the text afterwards, with escaping. Templates get only strings, numbers,
lists and dicts, never model objects, so an edited template can read the
prepared figures and nothing else.
"""

from __future__ import annotations

import re

from django.template import Context, TemplateSyntaxError

from disbursement.templating import ENGINE, TemplateError


def render_text(text: str, context: dict) -> str:
    """Render wording to plain text, one paragraph a line."""
    try:
        raw = ENGINE.from_string(text or "").render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Mẫu câu có lỗi cú pháp: {exc}") from exc
    return tidy(raw)


def tidy(raw: str) -> str:
    """Each non-empty line is a paragraph; lines holding only template tags vanish."""
    paragraphs = [re.sub(r"[ \t]+", " ", line).strip() for line in raw.splitlines()]
    # A tag or an empty value next to punctuation leaves a space before it.
    return "\n".join(re.sub(r" ([,;.:)])", r"\1", p) for p in paragraphs if p)
