"""Settings from the environment of the request or job being run (set per stage in
.chalice/config.json), not of the moment a module was first imported: `chalice.test.Client` and
the local API apply a stage's variables around each request, and a job may run under another
stage than the one that imported the code.

    from ..config import settings
    settings.captcha_enabled      # read from os.environ as it is now

Reading stays cheap: the Settings built from a given set of values is kept, so an attribute
costs one look-up per variable below.

A variable that cannot be used (a number that is none, a switch that is neither on nor off...)
stops the start with every such variable named: app.py reads the settings when it is imported
(a Lambda's cold start), and dev.run before it starts anything. A test changes a setting with
`dataclasses.replace(config.current(), ...)`, a Settings of its own."""
import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

# Every variable the settings depend on (a new setting adds its variable here).
VARIABLES = ("TRACES_STAGE", "TRACES_TABLE_PREFIX", "AWS_DEFAULT_REGION", "TRACES_SITE_URL",
             "TRACES_MAIL_SENDER", "TRACES_CAPTCHA", "TRACES_SECURE_COOKIES",
             "TRACES_CONFIRMATION_MINUTES", "TRACES_TEMPORARY_PASSWORD_HOURS",
             "TRACES_SESSION_IDLE_MINUTES", "TRACES_SESSION_MAX_HOURS", "TRACES_INACTIVITY_DAYS",
             "TRACES_MAX_BODY_BYTES", "TRACES_MAIL_PER_HOUR", "TRACES_PASSWORD_HASH_PROFILE",
             "TRACES_CAPTCHA_TEST_HOOK", "TRACES_ORIGIN_SECRET", "TRACES_MAIL_CONFIGURATION_SET",
             "TRACES_SECOND_FACTOR_REQUIRED", "TRACES_FACTOR_KEY", "TRACES_API_KEY_PER_MINUTE",
             "TRACES_WEBHOOK_QUEUE_URL", "TRACES_WEBHOOK_LOOPBACK", "TRACES_SEAL_TSA_URL")
# The stages where automated tests may read the anti-automation code (TRACES_CAPTCHA_TEST_HOOK:
# each challenge then keeps its code in clear in the tokens table). Any other stage refuses it.
TEST_HOOK_STAGES = ("local", "test")
# The argon2id profiles of services/credentials.py.
HASH_PROFILES = ("cheapest", "rfc9106_low_memory", "rfc9106_low_memory_p1")
ON, OFF = ("1", "true", "yes"), ("0", "false", "no", "")


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    region: str
    site_url: str
    mail_sender: str
    captcha_enabled: bool
    captcha_test_hook: bool
    secure_cookies: bool
    confirmation_ttl: timedelta
    temporary_password_ttl: timedelta
    session_idle: timedelta
    session_max: timedelta
    inactivity_limit_days: int
    max_body_bytes: int
    mail_per_hour: int
    password_hash_profile: str
    origin_secret: str
    mail_configuration_set: str
    # SPEC 1.9: the role kinds whose holders must have a second factor (`all`: everyone).
    second_factor_required: frozenset
    # The KMS key (id, ARN or alias) that encrypts the authenticator apps' secrets.
    factor_key: str
    api_key_per_minute: int
    webhook_queue_url: str
    webhook_loopback: bool
    seal_tsa_url: str

    def table(self, name: str) -> str:
        return f"{self.table_prefix}{name}"

    @property
    def seal_key(self) -> str:
        """The KMS key of the COI's seal (documents/seal.py), by its alias."""
        return f"alias/{self.table_prefix}seal"

    @property
    def seal_chain_parameter(self) -> str:
        """The SSM parameter holding the seal's certificate chain (PEM, seal certificate first)."""
        return f"/{self.table_prefix}seal-chain"


def load(environ=None) -> Settings:
    """The settings of `environ` (default: the process environment now). Unset names default to
    the `test` stage's (so that `dev.admin init` run in-process prepares what
    `Client(app, stage_name="test")` uses), unset switches to the safe side."""
    read = _Reader(os.environ if environ is None else environ)
    env, flag, number, one_of, wrong = read.env, read.flag, read.number, read.one_of, read.wrong
    found = Settings(
        stage=env("TRACES_STAGE", "test"),
        table_prefix=env("TRACES_TABLE_PREFIX", "traces-test-"),
        region=env("AWS_DEFAULT_REGION", "eu-west-1"),
        site_url=env("TRACES_SITE_URL", "https://traces.test").rstrip("/"),
        mail_sender=env("TRACES_MAIL_SENDER", "no-reply@traces.test"),
        captcha_enabled=flag("TRACES_CAPTCHA", "true"),
        captcha_test_hook=flag("TRACES_CAPTCHA_TEST_HOOK", "false"),
        secure_cookies=flag("TRACES_SECURE_COOKIES", "true"),
        confirmation_ttl=timedelta(minutes=number("TRACES_CONFIRMATION_MINUTES", "90")),
        temporary_password_ttl=timedelta(hours=number("TRACES_TEMPORARY_PASSWORD_HOURS", "24")),
        session_idle=timedelta(minutes=number("TRACES_SESSION_IDLE_MINUTES", "30")),
        session_max=timedelta(hours=number("TRACES_SESSION_MAX_HOURS", "12")),
        inactivity_limit_days=number("TRACES_INACTIVITY_DAYS", "90"),
        max_body_bytes=number("TRACES_MAX_BODY_BYTES", "16384"),
        mail_per_hour=number("TRACES_MAIL_PER_HOUR", "5"),
        password_hash_profile=one_of("TRACES_PASSWORD_HASH_PROFILE", "rfc9106_low_memory_p1", HASH_PROFILES),
        # On AWS, the secret header CloudFront adds to API requests: empty means no check.
        origin_secret=env("TRACES_ORIGIN_SECRET", ""),
        # On AWS, SES's configuration set whose bounces and complaints come back (mail_feedback).
        mail_configuration_set=env("TRACES_MAIL_CONFIGURATION_SET", ""),
        second_factor_required=_role_kinds(env("TRACES_SECOND_FACTOR_REQUIRED", "authority,control_body")),
        factor_key=env("TRACES_FACTOR_KEY", f"alias/{env('TRACES_TABLE_PREFIX', 'traces-test-')}second-factor"),
        # Requests each API key may make per minute (SPEC 5.1).
        api_key_per_minute=number("TRACES_API_KEY_PER_MINUTE", "120"),
        # On AWS, the webhook queue of the stage (deploy/template.py); empty: the queue of the
        # table prefix, made on first use (local and test).
        webhook_queue_url=env("TRACES_WEBHOOK_QUEUE_URL", ""),
        # Webhooks to http://127.0.0.1 (a receiver on this machine): local and test stages only.
        webhook_loopback=flag("TRACES_WEBHOOK_LOOPBACK", "false"),
        # A timestamp authority (RFC 3161) for the COI's seal: PAdES B-T; empty: B-B.
        seal_tsa_url=env("TRACES_SEAL_TSA_URL", ""),
    )
    if not found.site_url.startswith(("https://", "http://")):
        wrong["TRACES_SITE_URL"] = f"{found.site_url!r} is not an http(s) address"
    if found.seal_tsa_url and not found.seal_tsa_url.startswith(("https://", "http://")):
        wrong["TRACES_SEAL_TSA_URL"] = f"{found.seal_tsa_url!r} is not an http(s) address"
    if found.webhook_loopback and found.stage not in TEST_HOOK_STAGES:
        wrong["TRACES_WEBHOOK_LOOPBACK"] = (f"refused in stage {found.stage!r}: only "
                                            f"{' and '.join(TEST_HOOK_STAGES)} may turn it on")
    if found.captcha_test_hook and found.stage not in TEST_HOOK_STAGES:
        wrong["TRACES_CAPTCHA_TEST_HOOK"] = (f"refused in stage {found.stage!r}: only "
                                             f"{' and '.join(TEST_HOOK_STAGES)} may turn it on")
    if wrong:
        raise ValueError("settings that cannot be used: " + "; ".join(f"{k}: {v}" for k, v in wrong.items()))
    return found


class _Reader:
    """Reads variables, each with its default, and keeps what is wrong with each."""

    def __init__(self, values):
        self.values, self.wrong = values, {}

    def env(self, name: str, default: str) -> str:
        value = self.values.get(name)
        return default if value is None else value

    def flag(self, name: str, default: str) -> bool:
        value = self.env(name, default).strip().lower()
        if value not in ON + OFF:
            self.wrong[name] = f"{value!r} is neither on ({', '.join(ON)}) nor off ({', '.join(OFF[:-1])})"
        return value in ON

    def number(self, name: str, default: str) -> int:
        value = self.env(name, default)
        try:
            parsed = int(value)
        except ValueError:
            parsed = 0
        if parsed < 1:
            self.wrong[name] = f"{value!r} is not a whole number above 0"
        return parsed

    def one_of(self, name: str, default: str, choices: tuple) -> str:
        value = self.env(name, default)
        if value not in choices:
            self.wrong[name] = f"{value!r} is not one of {', '.join(choices)}"
        return value


def _role_kinds(value: str) -> frozenset:
    """`authority,control_body` -> those kinds; `all` and `none` as they say."""
    kinds = frozenset(kind.strip() for kind in value.split(",") if kind.strip())
    return frozenset() if kinds <= {"none"} else kinds


@lru_cache(maxsize=32)
def _for(values: tuple) -> Settings:
    return load(dict(zip(VARIABLES, values)))


def current() -> Settings:
    """The settings of the environment as it is now."""
    environ = os.environ       # looked up each time: chalice.test.Client swaps the object
    return _for(tuple(environ.get(name) for name in VARIABLES))


class _Current:
    """`settings`: every attribute is the current environment's Settings'."""

    __slots__ = ()

    def __getattr__(self, name: str):
        return getattr(current(), name)

    def __repr__(self) -> str:
        return repr(current())


settings = _Current()
