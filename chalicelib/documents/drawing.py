"""Drawing helpers of the printed documents (documents/coi_pdf.py): printable text cut to a length,
lines wrapped and written in a width, the QR code as dark runs, the watermark, a moment."""
import unicodedata
from datetime import datetime


def qr_code(verify_url: str):
    """The QR code printed on the certificate (segno), for `verify_url`."""
    import segno

    return segno.make(verify_url, error="m", micro=False)


def dark_runs(matrix) -> list[tuple[int, int, int]]:
    """The QR code's dark modules as horizontal runs (row, first column, length): one filled
    rectangle each, so that the code stays a few hundred drawing operations."""
    runs = []
    for row, cells in enumerate(matrix):
        start = None
        for column, dark in enumerate(list(cells) + [0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((row, start, column - start))
                start = None
    return runs


def _clean(value, limit: int, cmap=None) -> str:
    """Printable text: NFC; control, format (bidi overrides...), private and unassigned
    characters dropped; whitespace collapsed; cut to `limit` characters; with `cmap`, a character
    the font lacks becomes '?'."""
    if value is None:
        return ""
    kept = []
    for c in unicodedata.normalize("NFC", str(value)[:4 * limit]):  # what can show, and no more work
        if c.isspace():
            kept.append(" ")
        elif unicodedata.category(c)[0] != "C":
            kept.append(c)
    text = " ".join("".join(kept).split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    if cmap is not None:
        text = "".join(c if ord(c) in cmap else "?" for c in text)
    return text


def _wrap(pdf, text: str, width: float) -> list[str]:
    """`text` broken into lines that fit `width` in the current font: at spaces, and inside a
    word longer than a line. (fpdf2's multi_cell does the same at ten times the cost.)"""
    room = width - 2 * pdf.c_margin
    measure = pdf.get_string_width
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            while measure(word) > room and len(word) > 1:
                cut = max(1, int(len(word) * room / measure(word)))
                while cut > 1 and measure(word[:cut]) > room:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _write(pdf, lines: list[str], x: float, y: float, width: float, line_height: float,
           align: str = "L") -> None:
    """Lines from the top `y` of their first line, left- or right-aligned in `width`."""
    ascent = line_height * 0.78
    for n, line in enumerate(lines):
        if not line:
            continue
        left = x + pdf.c_margin
        if align == "R":
            left = x + width - pdf.c_margin - pdf.get_string_width(line)
        pdf.text(left, y + n * line_height + ascent, line)


def watermark(pdf, text: str, font: str) -> None:
    """`text` across the page, diagonal and light grey, as large as fits."""
    pdf.set_font(font, "B", 10)
    size = min(60.0, 10 * 240 / max(pdf.get_string_width(text), 1))
    pdf.set_font(font, "B", size)
    pdf.set_text_color(205, 205, 205)
    width = pdf.get_string_width(text)
    with pdf.rotation(54, x=105, y=150):
        pdf.text(105 - width / 2, 150 + size * 0.35 / 2, text)
    pdf.set_text_color(0)


def moment(value, limit: int) -> str:
    """An ISO 8601 moment as "YYYY-MM-DD HH:MM UTC" (or as given when it is not one)."""
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _clean(value, limit)
    if moment.tzinfo is not None:
        from datetime import timezone

        moment = moment.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M")
