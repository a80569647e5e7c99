"""Makes the fonts of the COI PDF (chalicelib/documents/fonts/): DejaVu Sans Condensed and its
bold (Debian's fonts-dejavu-core, Bitstream Vera licence + public domain) cut down to the Latin,
Greek and Cyrillic scripts, without hinting nor OpenType layout tables (fpdf2 uses neither
without a shaping engine). The regular (values: the names of most exporting countries as typed)
keeps those scripts whole, 135 KB instead of 683 KB, and about half the time fpdf2 spends loading
and subsetting it for each PDF; the bold (titles, in the 24 official languages of the Union:
tests/unit/test_coi_pdf_languages.py checks it has every character of their catalogues) keeps
only the letters of those languages, 43 KB, for a third of the time. Usage:
`python -m dev.subset_font [SOURCE_DIRECTORY]`."""
import sys
from pathlib import Path

from fontTools import subset

SOURCE = "/usr/share/fonts/truetype/dejavu"
TARGETS = Path(__file__).resolve().parents[1] / "chalicelib/documents/fonts"
UNICODES = (
    "U+0020-007E,U+00A0-024F,"   # Basic Latin, Latin-1, Latin Extended-A and -B
    "U+0259,U+02B0-02FF,U+0300-036F,"  # schwa, spacing modifiers, combining diacritics
    "U+0370-03FF,U+0400-052F,"   # Greek, Cyrillic and its supplement
    "U+1E00-1EFF,"               # Latin Extended Additional (Vietnamese...)
    "U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2260,U+2264-2265,"
    "U+25A0-25FF,U+2610-2612,U+2713-2714,U+FFFD")
LANGUAGES = ("U+0020-007E,U+00A0-017F,U+0218-021B,"  # Latin-1, Extended-A, Romanian's comma below
             "U+0370-03FF,U+0400-045F,"              # Greek, Cyrillic (Bulgarian)
             "U+2010-2027,U+2030-203A,U+20AC,U+2116,U+2610-2612,U+FFFD")  # punctuation, №, ballot boxes
# The source font -> the characters kept (its subset is <name>-COI.ttf).
FONTS = {"DejaVuSansCondensed": UNICODES, "DejaVuSansCondensed-Bold": LANGUAGES}
DROPPED = "GPOS,GSUB,kern,fpgm,prep,cvt,gasp,hdmx,LTSH,VDMX,FFTM"


def main(argv=None) -> int:
    source = Path((argv or sys.argv[1:] or [SOURCE])[0])
    for name, unicodes in FONTS.items():
        target = TARGETS / f"{name}-COI.ttf"
        subset.main([str(source / f"{name}.ttf"), f"--unicodes={unicodes}", f"--drop-tables+={DROPPED}",
                     "--no-hinting", "--glyph-names", f"--output-file={target}"])
        print(f"{target}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
