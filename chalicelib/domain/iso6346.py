"""The ISO 6346 check character, which containers (box 14) and customs declarations' MRNs (SPEC
3.3; DG TAXUD, "Check character algorithm for the MRN and GRN") both end with: each character's
value (a digit as such, letters from A = 10 up, 11 and its multiples skipped) times 2 to the
power of its position, summed, modulo 11; a remainder of 10 counts as 0."""
import string


def _letter_values() -> dict[str, int]:
    values, value = {}, 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


LETTER_VALUES = _letter_values()


def check_character(text: str) -> str:
    """The check character of `text` (digits and upper-case letters)."""
    total = sum((int(c) if c.isdigit() else LETTER_VALUES[c]) * 2 ** i for i, c in enumerate(text))
    return str(total % 11 % 10)
