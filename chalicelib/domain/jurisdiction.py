"""Competent authority of a place (SPEC 1.3). The mapping itself is reference data."""
import re

CENTRAL_AUTHORITY = "{country}-CCA"
SYSTEM_ADMINISTRATION = "EU-COMMISSION"


def departement(postal_code: str) -> str | None:
    """The French département of a postal code: first two digits; Corsica 200xx-201xx is 2A and
    202xx-206xx is 2B; overseas 971..976 from the first three digits. None if not French-shaped."""
    code = postal_code.replace(" ", "")
    if not re.fullmatch(r"\d{5}", code):
        return None
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B" if code[2] in "23456" else None
    if code.startswith("97"):
        return code[:3]
    if code.startswith("98"):  # Monaco and the Pacific collectivities have no département
        return None
    return code[:2]


def competent_authority(country: str, postal_code: str, departements: dict[str, str],
                        authorities: set[str]) -> str:
    """The code of the authority that validates accounts of an organisation at this place:
    the DD(CS)PP of the département in France, else the country's central competent authority,
    else the system administration. `departements` maps a département to its authority code;
    `authorities` holds every known authority code."""
    if country == "FR":
        code = departements.get(departement(postal_code) or "")
        if code:
            return code
    central = CENTRAL_AUTHORITY.format(country=country)
    return central if central in authorities else SYSTEM_ADMINISTRATION
