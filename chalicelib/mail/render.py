"""Rendering of the e-mail templates (templates/mail/<name>.jinja, blocks subject/text/html)."""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import i18n

_ROOT = Path(__file__).resolve().parents[2]
# templates/mail/ in the repository; `make package` copies it into chalicelib/ for Lambda.
SEARCH_PATH = [str(_ROOT / "templates" / "mail"), str(Path(__file__).with_name("templates"))]


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


@lru_cache(maxsize=None)
def _environment(language: str, html: bool = True):
    """HTML is autoescaped; the subject and the plain-text part are not (an HTML entity in a
    text e-mail is a bug: "&lt;b&gt;" instead of what the person typed), and keep the line
    breaks of the template (the links stand on their own lines)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SEARCH_PATH), autoescape=html,
                             extensions=["jinja2.ext.i18n"], trim_blocks=html, lstrip_blocks=True,
                             keep_trailing_newline=False)
    env.install_gettext_translations(i18n.translations(language), newstyle=True)
    return env


def _blocks(template_name: str, language: str, html: bool, context: dict):
    """A function rendering one block of the template, after its top level ran once so that its
    {% set %} (the links) are visible to every block."""
    template = _environment(language, html).get_template(f"{template_name}.jinja")
    ctx = template.new_context(dict(context, language=language))
    "".join(template.root_render_func(ctx))
    return lambda name: "".join(template.blocks[name](ctx)).strip()


def render(template_name: str, language: str, notification_format: str, **context) -> RenderedMail:
    """The mail `template_name` in `language`; HTML only when the person chose the HTML format."""
    plain = _blocks(template_name, language, False, context)
    subject = " ".join(plain("subject").split())
    text = re.sub(r"\n{3,}", "\n\n", plain("text")) + "\n"
    html = None
    if notification_format == "html":
        # The html block is rendered inside the layout, with autoescaping.
        body = _blocks(template_name, language, True, context)("html")
        html = _environment(language).get_template("_layout.html.jinja").render(
            body=_markup(body), subject=subject, language=language)
    return RenderedMail(subject=subject, text=text, html=html)


def _markup(html: str):
    import markupsafe

    return markupsafe.Markup(html)
