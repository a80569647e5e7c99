"""The registration form (SPEC 1.1): every field's rule, checked together so that the person sees
all the problems at once."""
from dataclasses import dataclass

from . import jurisdiction, normalise, passwords
from .errors import Invalid, N_
from .normalise import FieldError

LANGUAGES = ("fr", "en")
FORMATS = ("html", "text")
NEW_ORGANISATION_FIELDS = ("name", "address", "postal_code", "city", "country")


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    address: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    secret_question_id: int
    secret_answer: str
    first_name: str
    last_name: str
    language: str
    notification_format: str
    phone: str
    fax: str
    additional_info: str
    organisation_id: str | None
    new_organisation: NewOrganisation | None


class FieldCollector:
    """Runs field checks and gathers every failure, so one response names all bad fields."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def check(self, field: str, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except FieldError as error:
            self.errors.setdefault(field, str(error))
            return None

    def fail(self, field: str, message: str):
        self.errors.setdefault(field, message)

    def raise_if_any(self):
        if self.errors:
            raise Invalid(self.errors)


def choice(value, allowed, default=None):
    if value in (None, "") and default is not None:
        return default
    if value not in allowed:
        raise FieldError(N_("This value is not one of the choices."))
    return value


def secret_question(value, question_ids) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in question_ids:
        raise FieldError(N_("Choose one of the secret questions."))
    return value


def secret_answer(value) -> str:
    answer = normalise.text(value, required=True, max_length=100, min_length=2)
    if len(normalise.secret_answer(answer)) < 2:
        raise FieldError(N_("This value is too short."))
    return answer


def new_password(form: FieldCollector, data: dict, field: str, confirmation: str, email: str) -> str | None:
    """A new password and its confirmation, checked against the policy."""
    password = data.get(field)
    if not isinstance(password, str) or not password:
        form.fail(field, N_("This field is required."))
        if not data.get(confirmation):
            form.fail(confirmation, N_("This field is required."))
        return None
    problems = passwords.violations(password, email)
    if problems:
        form.fail(field, problems[0])
    if data.get(confirmation) != password:
        form.fail(confirmation, N_("The two passwords are different."))
    return passwords.normalise(password)


def parse(data: dict, question_ids: set[int], countries: set[str]) -> Registration:
    form = FieldCollector()
    email = form.check("email", normalise.email, data.get("email"))
    confirmation = data.get("email_confirmation")
    if email and (not isinstance(confirmation, str) or
                  form.check("email_confirmation", normalise.email, confirmation) != email):
        form.fail("email_confirmation", N_("The two e-mail addresses are different."))
    password = new_password(form, data, "password", "password_confirmation", email or "")
    question = form.check("secret_question_id", secret_question, data.get("secret_question_id"), question_ids)
    answer = form.check("secret_answer", secret_answer, data.get("secret_answer"))
    names = {field: form.check(field, normalise.text, data.get(field), required=True, max_length=100)
             for field in ("first_name", "last_name")}
    language = form.check("language", choice, data.get("language"), LANGUAGES, "fr")
    fmt = form.check("notification_format", choice, data.get("notification_format"), FORMATS, "html")
    phone = form.check("phone", normalise.phone, data.get("phone"))
    fax = form.check("fax", normalise.phone, data.get("fax"))
    info = form.check("additional_info", normalise.multiline, data.get("additional_info"), max_length=1000)
    organisation_id, new_organisation = organisation(form, data.get("organisation"), countries)
    form.raise_if_any()
    return Registration(email=email, password=password, secret_question_id=question,
                        secret_answer=answer, first_name=names["first_name"],
                        last_name=names["last_name"], language=language,
                        notification_format=fmt, phone=phone, fax=fax, additional_info=info,
                        organisation_id=organisation_id, new_organisation=new_organisation)


def organisation(form: FieldCollector, value, countries: set[str]):
    """Either {"id"} of an organisation picked from the directory, or a new one."""
    if not isinstance(value, dict) or not value:
        form.fail("organisation", N_("Pick an organisation or describe a new one."))
        return None, None
    if "id" in value:
        if set(value) != {"id"} or not isinstance(value["id"], str) or not value["id"].strip():
            form.fail("organisation", N_("Pick an organisation or describe a new one."))
            return None, None
        return value["id"].strip(), None
    unknown = set(value) - set(NEW_ORGANISATION_FIELDS)
    for field in sorted(unknown):
        form.fail(f"organisation.{field}", N_("This field is not expected."))
    fields = {field: form.check(f"organisation.{field}", normalise.text, value.get(field),
                                required=True, max_length=200)
              for field in ("name", "address", "city")}
    fields["postal_code"] = form.check("organisation.postal_code", normalise.postal_code,
                                       value.get("postal_code"))
    country = value.get("country")
    country = country.strip().upper() if isinstance(country, str) else None
    if country not in countries:
        form.fail("organisation.country", N_("Choose a country from the list."))
    elif country == "FR" and fields["postal_code"] and not jurisdiction.departement(fields["postal_code"]):
        form.fail("organisation.postal_code", N_("A French postal code has five digits."))
    if form.errors:
        return None, None
    return None, NewOrganisation(country=country, **fields)
