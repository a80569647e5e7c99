"""The certificate of inspection as a printable PDF (SPEC 3, issue 7).

The numbered boxes of the official model (Delegated Regulation (EU) 2021/2306, Annex: boxes 1 to
21) on an A4 grid, with the COI number and a QR code of the public verification page on every
first page, and a watermark on every page while the certificate is not (or no longer) a valid
organic certificate (draft, new, deleted, replaced...).

- Titled in any of the 24 official languages of the Union (SPEC 3.2; the service picks it from
  box 9, domain/languages.py), each title followed by its English title. Every word printed is
  an English msgid of the gettext domain `coi_pdf` (chalicelib/locale/<lang>/LC_MESSAGES/
  coi_pdf.po, `make catalogs`), never a string of this module.

- fpdf2 and segno are imported inside render(), never at import time (cold start of the API).
- Everything is printed in DejaVu Sans Condensed cut down to the Latin, Greek and Cyrillic
  scripts (fonts/; dev/subset_font.py makes them; fpdf2 embeds only the glyphs used): the bold
  titles in every language of the Union (43 KB), and in the regular (135 KB) any name of the EU
  and of most exporting countries as typed. A character outside the font (CJK, Arabic, emoji...)
  prints as '?', and control characters are dropped: no input makes render() fail.
- Every free text is cut to a bounded length, so that a box never outgrows a page; box 13 is a
  table that continues on the next pages with its header repeated.
"""
from pathlib import Path

from .. import i18n
from ..domain.coi_table import MODEL
from ..domain.errors import N_
from ..domain.languages import EU_LANGUAGES
from .drawing import _clean, _wrap, _write, dark_runs, moment, qr_code, watermark

FONTS = {"": Path(__file__).with_name("fonts") / "DejaVuSansCondensed-COI.ttf",
         "B": Path(__file__).with_name("fonts") / "DejaVuSansCondensed-Bold-COI.ttf"}
VALUES = TITLES_FONT = "dejavu"
DOMAIN = "coi_pdf"   # the gettext domain of the words below
ENGLISH = "en"

# Box number -> its title, as numbered in the official model (the domain's box table). Every
# word printed is an English msgid of the `coi_pdf` catalogues (chalicelib/locale), translated
# into the language asked for.
BOX_TITLES = MODEL

# The other words of the page.
WORDS = {
    "heading": N_("Certificate of inspection for the import of organic products and in-conversion "
                "products into the European Union"),
    "status": N_("Status"),
    "verify": N_("Check this certificate:"),
    "extract_of": N_("Extract of the certificate"),
    "replaces": N_("Replaces the certificate"),
    "replaced_by": N_("Replaced by the certificate"),
    "national_reference": N_("National reference"),
    "compliance": N_("Compliance"),
    "equivalence": N_("Equivalence"),
    "rfl": N_("Responsible for the load"),
    "documents": N_("Accompanying documents"),
    "batches": N_("For release for free circulation by batches"),
    "not_signed": N_("Not signed"),
    "signed": N_("Signed electronically by {person} on {at}"),
    "for": N_("for {organisation}"),
    "reason": N_("Reason"),
    "line": N_("No"),
    "cn_code": N_("CN code"),
    "trade_name": N_("Trade name"),
    "lot": N_("Lot number"),
    "packages": N_("Packages"),
    "packaging": N_("Packaging"),
    "net_weight": N_("Net weight"),
    "producer": N_("Producer / its control body"),
    "more": N_("... and {count} more"),
    "page": N_("Page {page}/{pages}"),
    "continued": N_("continued"),
}
MODES = {"sea": N_("Ship"), "air": N_("Aircraft"), "road": N_("Road vehicle"),
         "rail": N_("Railway")}
OUTCOMES = {
    "released": N_("Released for free circulation as organic"),
    "released_for_extracts": N_("Released as organic, to be split into extracts"),
    "released_conventional": N_("Released for free circulation as conventional"),
    "not_released": N_("Not released for free circulation"),
}
# SPEC 3 statuses, named as the seed's TRACES screens name them.
STATUS_NAMES = {
    "draft": N_("Draft"),
    "new": N_("Description completed"),
    "issued": N_("Declaration of the issuing body signed"),
    "checked": N_("Consignment checked"),
    "signed": N_("Declaration of the first consignee signed"),
    "base_for_extract": N_("Base for extract"),
    "depleted": N_("Depleted"),
    "released_conventional": N_("Released as a conventional product"),
    "not_released": N_("Not released for free circulation"),
    "irregularity": N_("OFIS irregularity"),
    "deleted": N_("Deleted"),
    "replaced": N_("Replaced"),
}
# Printed across every page of a certificate in these statuses, in English and in the document's
# language (the paper may travel); the other statuses are those of a certificate that was issued
# and stands.
WATERMARKS = {
    "draft": N_("DRAFT, NO LEGAL VALUE"),
    "new": N_("NOT ISSUED, NO LEGAL VALUE"),
    "deleted": N_("DELETED"),
    "replaced": N_("REPLACED"),
    "irregularity": N_("IRREGULARITY"),
    "not_released": N_("NOT RELEASED"),
    "released_conventional": N_("CONVENTIONAL"),
}

# Page geometry (mm) and type sizes (pt).
LEFT, TOP, WIDTH, BOTTOM = 10.0, 10.0, 190.0, 284.0
TITLE_SIZE, VALUE_SIZE = 6.0, 7.5
TITLE_LINE, VALUE_LINE, PAD = 2.6, 3.3, 0.8
QR_SIZE = 28.0
MIN_BOX = 9.0
# Longest text printed from one field (characters) and most items printed from one list.
SHORT, NAME, LONG, ITEMS = 60, 200, 300, 30
# The grid of the official model, row by row: (box, width in mm); box 13 is the product table.
THIRD, HALF, PRODUCTS = WIDTH / 3, WIDTH / 2, 13
GRID = (
    ((1, 80), (2, 50), (3, 60)),
    ((4, THIRD), (5, THIRD), (6, THIRD)),
    ((7, THIRD), (8, THIRD), (9, THIRD)),
    ((10, THIRD), (11, THIRD), (12, THIRD)),
    (("rfl", HALF), ("documents", HALF)),
    PRODUCTS,
    ((14, HALF), (15, HALF)),
    ((16, HALF), (17, HALF)),
    ((18, WIDTH),),
    ((19, HALF), (20, HALF)),
    ((21, WIDTH),),
)
TABLE = (("line", 7), ("cn_code", 17), ("trade_name", 40), ("lot", 24), ("packages", 13),
         ("packaging", 19), ("net_weight", 22), ("producer", 48))


def render(coi: dict, names: dict, language: str, verify_url: str) -> bytes:
    """The PDF of `coi` (the JSON of SPEC 3.1). `names` maps an organisation id to its "name",
    "address", "postal_code", "city", "country" and "code" (an id missing from it prints as
    itself); `language` is one of the 24 of the Union (EU_LANGUAGES; French for anything else);
    `verify_url` is the public verification page of this certificate, printed and encoded in the
    QR code."""
    document = _document_class()(orientation="P", unit="mm", format="A4")
    sheet = _Sheet(document, coi or {}, names or {}, language if language in EU_LANGUAGES else "fr",
                   verify_url or "")
    sheet.draw()
    return bytes(document.output())


def translate(message: str, language: str, **params) -> str:
    """`message` (a msgid of this module) in `language`, from the `coi_pdf` catalogues."""
    return i18n.translate(message, language, domain=DOMAIN, **params)


def messages() -> set[str]:
    """Every msgid this module prints."""
    return {message for table in (BOX_TITLES, WORDS, MODES, OUTCOMES, STATUS_NAMES, WATERMARKS)
            for message in table.values()}


def _document_class():
    from fpdf import FPDF

    class Document(FPDF):
        """fpdf2 with the watermark under, and the page footer over, every page."""

        watermark = ""
        footer_text = ""

        def header(self):
            if self.watermark:
                watermark(self, self.watermark, TITLES_FONT)

        def footer(self):
            self.set_font(TITLES_FONT, "", TITLE_SIZE)
            self.set_text_color(90)
            self.set_xy(LEFT, BOTTOM + 3)
            self.cell(WIDTH, 4, self.footer_text.replace("{page}", str(self.page_no())), align="C")
            self.set_text_color(0)

    return Document


class _Sheet:
    """One certificate laid out on a document."""

    def __init__(self, pdf, coi: dict, names: dict, language: str, verify_url: str):
        self.pdf, self.coi, self.names, self.language = pdf, coi, names, language
        self.boxes = coi.get("boxes") if isinstance(coi.get("boxes"), dict) else {}
        self.verify_url = _clean(verify_url, 500)  # encoded in the QR code and the link as given
        self.number = _clean(coi.get("number"), SHORT)
        self.cmap = None

    # --- words --------------------------------------------------------------------------------

    def word(self, key: str, **params) -> str:
        return translate(WORDS[key], self.language, **params)

    def pick(self, table: dict, key) -> str:
        message = table.get(key) if isinstance(key, str) else None
        return translate(message, self.language) if message else self.text(key, SHORT)

    def titled(self, message: str) -> str:
        """A title in the document's language followed by its English title (once if the same)."""
        local = translate(message, self.language)
        return local if local == message else f"{local} / {message}"

    def title(self, number: int) -> str:
        return f"{number}. {self.titled(BOX_TITLES[number])}"

    def text(self, value, limit: int = LONG) -> str:
        return _clean(value, limit, self.cmap)

    def box(self, name: str):
        value = self.boxes.get(name)
        return value if isinstance(value, dict) else {}

    def items(self, name: str) -> list:
        value = self.boxes.get(name)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def country(self, code) -> str:
        if not isinstance(code, str) or not code:
            return ""
        from .. import reference

        code = code.upper()
        name = reference.country_names(self.language).get(code)
        return self.text(f"{name} ({code})" if name else code, SHORT)

    def organisation(self, organisation_id, short: bool = False) -> str:
        """Name, address, place, country and code of an organisation (its id when unknown)."""
        if not organisation_id:
            return ""
        known = self.names.get(organisation_id) if isinstance(organisation_id, str) else None
        if not isinstance(known, dict):
            return self.text(organisation_id, SHORT)
        name = self.text(known.get("name") or organisation_id, NAME)
        code = self.text(known.get("code"), SHORT)
        if short:
            return f"{code} {name}" if code and code != name else name
        place = " ".join(p for p in (self.text(known.get("postal_code"), SHORT),
                                     self.text(known.get("city"), SHORT)) if p)
        lines = [name, self.text(known.get("address")), place, self.country(known.get("country")), code]
        return "\n".join(line for line in lines if line)

    def listed(self, values: list[str]) -> str:
        shown = [v for v in values if v][:ITEMS]
        more = len([v for v in values if v]) - len(shown)
        return "\n".join(shown + ([self.word("more", count=more)] if more > 0 else []))

    def signature(self, signed, with_organisation: bool = False) -> str:
        if not isinstance(signed, dict) or not signed.get("signed_by"):
            return self.word("not_signed")
        text = self.word("signed", person=self.text(signed.get("signed_by"), NAME),
                         at=moment(signed.get("at"), SHORT))
        if with_organisation and signed.get("organisation"):
            text += " " + self.word("for", organisation=self.organisation(signed["organisation"], short=True))
        return text

    # --- drawing ------------------------------------------------------------------------------

    def draw(self) -> None:
        pdf = self.pdf
        pdf.set_auto_page_break(False)
        pdf.set_margins(LEFT, TOP, LEFT)
        pdf.c_margin = 0.8
        for style, file in FONTS.items():
            pdf.add_font(VALUES, style, str(file))
        self.cmap = frozenset(pdf.fonts[VALUES].cmap)
        self.number = _clean(self.number, SHORT, self.cmap & frozenset(pdf.fonts[VALUES + "B"].cmap))  # bold too
        status = self.coi.get("status")
        mark = WATERMARKS.get(status) if isinstance(status, str) else None
        pdf.watermark = " / ".join(dict.fromkeys(translate(mark, language) for language in (ENGLISH, self.language))) \
            if mark else ""
        pdf.footer_text = " - ".join(p for p in (self.number, self.word("page", page="{page}", pages="{nb}")) if p)
        pdf.set_title(_clean(f"{self.word('heading')} {self.number}", 300))
        pdf.set_creator("TRACES")
        pdf.add_page()
        self.heading(status)
        self.grid()

    def heading(self, status) -> None:
        pdf = self.pdf
        pdf.set_xy(LEFT, TOP)
        pdf.set_font(TITLES_FONT, "B", 10)
        pdf.multi_cell(WIDTH - QR_SIZE - 4, 4.6, self.word("heading"), align="L", new_x="LEFT", new_y="NEXT")
        if self.word("heading") != WORDS["heading"]:
            pdf.set_font(TITLES_FONT, "", 8)
            pdf.multi_cell(WIDTH - QR_SIZE - 4, 3.6, WORDS["heading"], align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(TITLES_FONT, "B", 9)
        if status in WATERMARKS:
            pdf.set_text_color(170, 0, 0)
        pdf.cell(WIDTH - QR_SIZE - 4, 4.5, f"{self.word('status')}: {self.pick(STATUS_NAMES, status)}",
                 new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_font(VALUES, "", VALUE_SIZE)
        for key in ("extract_of", "replaces", "replaced_by"):
            if self.coi.get(key):
                pdf.cell(WIDTH - QR_SIZE - 4, VALUE_LINE, f"{self.word(key)}: {self.text(self.coi[key], SHORT)}",
                         new_x="LEFT", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(TITLES_FONT, "", TITLE_SIZE + 0.5)
        pdf.cell(pdf.get_string_width(self.word("verify")) + 1.5, 3.5, self.word("verify"))
        pdf.set_text_color(0, 60, 140)
        pdf.cell(WIDTH - QR_SIZE - 30, 3.5, self.text(self.verify_url, 500), link=self.verify_url or None,
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        text_bottom = pdf.get_y()
        self.qr(LEFT + WIDTH - QR_SIZE, TOP)
        pdf.set_font(TITLES_FONT, "B", 6.5)
        pdf.set_xy(LEFT + WIDTH - QR_SIZE - 6, TOP + QR_SIZE + 0.3)
        pdf.cell(QR_SIZE + 6, 3, self.number or "-", align="C")
        pdf.set_y(max(text_bottom, TOP + QR_SIZE + 3.5) + 2)

    def qr(self, x: float, y: float) -> None:
        if not self.verify_url:
            return
        code = qr_code(self.verify_url)
        matrix = [list(row) for row in code.matrix]
        module = QR_SIZE / (len(matrix) + 2)
        self.pdf.set_fill_color(0)
        for row, column, length in dark_runs(matrix):
            self.pdf.rect(x + (column + 1) * module, y + (row + 1) * module, length * module + 0.02,
                          module + 0.02, style="F")

    def grid(self) -> None:
        contents = self.contents()
        for row in GRID:
            if row == PRODUCTS:
                self.products()
                continue
            self.row([(width, self.title(box) if isinstance(box, int) else self.titled(WORDS[box]), contents[box])
                      for box, width in row])

    def contents(self) -> dict:
        """What each box of the grid (but 13) shows, by box number ("rfl", "documents" for the two
        parts that have none)."""
        b = self.box
        procedure = b("box2").get("procedure")
        number = self.number or "-"
        if b("box3").get("national_reference"):
            number += f"\n{self.word('national_reference')}: {self.text(b('box3')['national_reference'], 250)}"
        producers = self.items("box5")
        bodies = dict.fromkeys(p.get("control_body") for p in producers if p.get("control_body"))
        origins = b("box7").get("countries_of_origin")
        box9, box12, gross, transport = b("box9"), b("box12"), b("box16"), b("box17")
        documents = [self.joined(" - ", self.text(d.get("type"), SHORT), self.text(d.get("reference"), SHORT),
                                 self.text(d.get("date"), SHORT))
                     for d in self.boxes.get("documents") or [] if isinstance(d, dict)]
        containers = self.items("box14")
        verification = self.boxes.get("box20")
        checked = self.word("not_signed")
        if isinstance(verification, dict) and verification.get("outcome"):
            reason = verification.get("reason")
            checked = self.joined("\n", self.pick(OUTCOMES, verification.get("outcome")),
                                  f"{self.word('reason')}: {self.text(reason)}" if reason else "",
                                  self.signature(verification))
        return {
            1: self.organisation(b("box1").get("issuer")),
            2: "   ".join(f"{'☒' if procedure == p else '☐'} {self.word(p)}" for p in ("compliance", "equivalence")),
            3: number,
            4: self.organisation(b("box4").get("exporter")),
            5: self.listed([self.organisation(p.get("producer"), short=True) for p in producers]),
            6: self.listed([self.organisation(c, short=True) for c in bodies]),
            7: self.listed([self.country(c) for c in origins] if isinstance(origins, list) else []),
            8: self.country(b("box8").get("country_of_export")),
            9: self.joined("\n", self.country(box9.get("member_state")),
                           self.organisation(box9.get("authority"), short=True)),
            10: self.country(b("box10").get("country_of_destination")),
            11: self.organisation(b("box11").get("importer")),
            12: self.word("batches") if box12.get("release_by_batches") else
            self.organisation(box12.get("first_consignee")),
            "rfl": self.organisation(b("rfl").get("organisation")),
            "documents": self.listed(documents),
            14: self.listed([self.text(c.get("container"), SHORT) for c in containers]),
            15: self.listed([self.text(c.get("seal"), SHORT) for c in containers]),
            16: self.joined(" ", self.text(gross.get("gross_weight"), SHORT), self.text(gross.get("unit"), SHORT)),
            17: self.joined("\n", self.pick(MODES, transport.get("mode")) if transport.get("mode") else "",
                            self.text(transport.get("identification"), NAME)),
            18: self.signature(self.boxes.get("box18"), with_organisation=True),
            19: self.organisation(box9.get("border_control_post"), short=True),
            20: checked,
            21: self.signature(self.boxes.get("box21")),
        }

    @staticmethod
    def joined(separator: str, *parts: str) -> str:
        return separator.join(p for p in parts if p)

    def measure(self, width: float, title: str, text: str) -> float:
        return self.layout(width, title, text)[2]

    def layout(self, width: float, title: str, text: str):
        """The title's and the text's lines in a box of `width`, and the box's height."""
        pdf = self.pdf
        pdf.set_font(TITLES_FONT, "B", TITLE_SIZE)
        titles = _wrap(pdf, title, width)
        values = []
        if text:
            pdf.set_font(VALUES, "", VALUE_SIZE)
            values = _wrap(pdf, text, width)
        height = 2 * PAD + len(titles) * TITLE_LINE + len(values) * VALUE_LINE + (0.6 if values else 0)
        return titles, values, max(MIN_BOX, height)

    def room(self, height: float) -> None:
        """A new page when `height` does not fit on this one."""
        if self.pdf.get_y() + height > BOTTOM:
            self.pdf.add_page()
            self.pdf.set_y(TOP)

    def row(self, cells: list[tuple[float, str, str]]) -> None:
        laid = [(width, *self.layout(width, title, text)) for width, title, text in cells]
        height = max(h for *_, h in laid)
        self.room(height)
        pdf, x, y = self.pdf, LEFT, self.pdf.get_y()
        pdf.set_line_width(0.25)
        for width, titles, values, _ in laid:
            pdf.rect(x, y, width, height)
            pdf.set_font(TITLES_FONT, "B", TITLE_SIZE)
            _write(pdf, titles, x, y + PAD, width, TITLE_LINE)
            if values:
                pdf.set_font(VALUES, "", VALUE_SIZE)
                _write(pdf, values, x, y + PAD + len(titles) * TITLE_LINE + 0.6, width, VALUE_LINE)
            x += width
        pdf.set_xy(LEFT, y + height)

    def products(self) -> None:
        """Box 13: the product lines as a table; header repeated on each page it runs onto."""
        lines = self.items("box13")
        titles, _, height = self.layout(WIDTH, self.title(13), "")
        self.room(height + 14)
        pdf, y = self.pdf, self.pdf.get_y()
        height = len(titles) * TITLE_LINE + 2 * PAD
        pdf.rect(LEFT, y, WIDTH, height)
        pdf.set_font(TITLES_FONT, "B", TITLE_SIZE)
        _write(pdf, titles, LEFT, y + PAD, WIDTH, TITLE_LINE)
        pdf.set_xy(LEFT, y + height)
        self.table_header()
        for n, line in enumerate(lines or [{}], start=1):
            packages = line.get("packages")
            cells = [str(n) if line else "", self.text(line.get("cn_code"), 20),
                     self.text(line.get("trade_name"), NAME), self.text(line.get("lot"), 100),
                     self.text(packages if packages is not None else "", 20),
                     self.text(line.get("packaging"), SHORT),
                     " ".join(p for p in (self.text(line.get("net_weight"), 30), self.text(line.get("unit"), 10)) if p),
                     "\n".join(p for p in (self.organisation(line.get("producer"), short=True),
                                           self.organisation(line.get("producer_control_body"), short=True)) if p)]
            pdf.set_font(VALUES, "", VALUE_SIZE)
            wrapped = [_wrap(pdf, text, width) if text else [] for (_, width), text in zip(TABLE, cells)]
            height = max(1, *(len(w) for w in wrapped)) * VALUE_LINE + 2 * PAD
            if pdf.get_y() + height > BOTTOM:
                pdf.add_page()
                pdf.set_y(TOP)
                self.table_header(continued=True)
            self.table_row(wrapped, height, align_right={4, 6})

    def table_header(self, continued: bool = False) -> None:
        pdf = self.pdf
        labels = [self.titled(WORDS[key]) for key, _ in TABLE]
        if continued:
            labels[2] = f"{labels[2]} ({self.word('continued')})"
        pdf.set_font(TITLES_FONT, "B", TITLE_SIZE)
        wrapped = [_wrap(pdf, label, width) for (_, width), label in zip(TABLE, labels)]
        height = max(len(w) for w in wrapped) * TITLE_LINE + 2 * PAD
        pdf.set_fill_color(235)
        x, y = LEFT, pdf.get_y()
        for (_, width), lines in zip(TABLE, wrapped):
            pdf.rect(x, y, width, height, style="DF")
            _write(pdf, lines, x, y + PAD, width, TITLE_LINE)
            x += width
        pdf.set_xy(LEFT, y + height)

    def table_row(self, wrapped: list[list[str]], height: float, align_right=frozenset()) -> None:
        pdf = self.pdf
        pdf.set_font(VALUES, "", VALUE_SIZE)
        x, y = LEFT, pdf.get_y()
        for n, ((_, width), lines) in enumerate(zip(TABLE, wrapped)):
            pdf.rect(x, y, width, height)
            _write(pdf, lines, x, y + PAD, width, VALUE_LINE, "R" if n in align_right else "L")
            x += width
        pdf.set_xy(LEFT, y + height)
