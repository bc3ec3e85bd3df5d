"""`bdi`, the template filter that prints a person's or an organisation's name isolated from
the text around it (Unicode bidirectional isolation, UAX #9): an Arabic or Hebrew name never
reorders the French sentence it sits in. In HTML it is a ``<bdi>`` element; in a plain-text mail,
the FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE pair (U+2068 … U+2069), which mail programs
honour the same way. Jinja has no such filter: this is the whole of it."""

from __future__ import annotations

from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

FSI, PDI = "\u2068", "\u2069"


@pass_eval_context
def bdi(context: EvalContext, value: object) -> str:
    text = "" if value is None else str(value)
    if not text:
        return text
    if context.autoescape:
        return Markup("<bdi>") + escape(text) + Markup("</bdi>")
    return f"{FSI}{text}{PDI}"
