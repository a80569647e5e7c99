"""The words of the directory (SPEC 2.1) that the API's schemas list: kinds of organisation,
identifier types, authority roles. Apart from the directory's rules (domain/organisations.py,
which uses them) so that naming them costs the API's cold start nothing."""

OPERATOR, CONTROL_BODY, AUTHORITY = "operator", "control_body", "authority"
KINDS = (OPERATOR, CONTROL_BODY, AUTHORITY)
IDENTIFIER_TYPES = ("eori", "vat", "company_registration", "approval_number", "traces", "other")
AUTHORITY_ROLES = ("commission", "organic_authority", "CCA", "BCP", "DDPP", "customs", "other")
