"""The template engine of the staff-edited report wording.

The report renders with it and the wording model checks its syntax with it, so
what the admin accepts is what the report can render. Plain text: the engine
does not escape.
"""

from __future__ import annotations

from django.template import Engine, TemplateSyntaxError

ENGINE = Engine(autoescape=False, debug=False, string_if_invalid="")


class TemplateError(ValueError):
    """Wording that the engine cannot read."""


def check_template(text: str) -> None:
    try:
        ENGINE.from_string(text or "")
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Mẫu câu có lỗi cú pháp: {exc}") from exc
