"""Rendering of the e-mail templates (templates/mail/<name>.jinja, blocks subject/text/html)."""
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
def _environment(language: str):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SEARCH_PATH),
                             autoescape=jinja2.select_autoescape(default=True),
                             extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(language), newstyle=True)
    return env


def render(template_name: str, language: str, notification_format: str, **context) -> RenderedMail:
    """The mail `template_name` in `language`; HTML only when the person chose the HTML format."""
    template = _environment(language).get_template(f"{template_name}.jinja")
    context = template.new_context(dict(context, language=language))
    # Run the top level once so that its {% set %} (the links) are visible to every block.
    "".join(template.root_render_func(context))

    def block(block_name: str) -> str:
        return "".join(template.blocks[block_name](context)).strip()

    subject = " ".join(block("subject").split())
    html = None
    if notification_format == "html":
        # The html block is rendered inside the layout, with autoescaping.
        html = _environment(language).get_template("_layout.html.jinja").render(
            body=_markup(block("html")), subject=subject, language=language)
    return RenderedMail(subject=subject, text=block("text") + "\n", html=html)


def _markup(html: str):
    import markupsafe

    return markupsafe.Markup(html)
