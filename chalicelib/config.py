"""Settings from the environment of the request or job being run (set per stage in
.chalice/config.json), not of the moment a module was first imported: `chalice.test.Client` and
the local API apply a stage's variables around each request, and a job may run under another
stage than the one that imported the code.

    from ..config import settings
    settings.captcha_enabled      # read from os.environ as it is now

Reading stays cheap: the Settings built from a given set of values is kept, so an attribute
costs one look-up per variable below."""
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
             "TRACES_CAPTCHA_TEST_HOOK", "TRACES_ORIGIN_SECRET", "TRACES_API_KEY_PER_MINUTE")
# The stages where automated tests may read the anti-automation code (TRACES_CAPTCHA_TEST_HOOK:
# each challenge then keeps its code in clear in the tokens table). Any other stage refuses it.
TEST_HOOK_STAGES = ("local", "test")


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
    api_key_per_minute: int = 120

    def table(self, name: str) -> str:
        return f"{self.table_prefix}{name}"


def load(environ=None) -> Settings:
    """The settings of `environ` (default: the process environment now). Unset names default to
    the `test` stage's (so that `dev.admin init` run in-process prepares what
    `Client(app, stage_name="test")` uses), unset switches to the safe side."""
    values = os.environ if environ is None else environ

    def env(name: str, default: str) -> str:
        value = values.get(name)
        return default if value is None else value

    def flag(name: str, default: str) -> bool:
        return env(name, default).lower() in ("1", "true", "yes")

    return _checked(Settings(
        stage=env("TRACES_STAGE", "test"),
        table_prefix=env("TRACES_TABLE_PREFIX", "traces-test-"),
        region=env("AWS_DEFAULT_REGION", "eu-west-1"),
        site_url=env("TRACES_SITE_URL", "https://traces.test").rstrip("/"),
        mail_sender=env("TRACES_MAIL_SENDER", "no-reply@traces.test"),
        captcha_enabled=flag("TRACES_CAPTCHA", "true"),
        captcha_test_hook=flag("TRACES_CAPTCHA_TEST_HOOK", "false"),
        secure_cookies=flag("TRACES_SECURE_COOKIES", "true"),
        confirmation_ttl=timedelta(minutes=int(env("TRACES_CONFIRMATION_MINUTES", "90"))),
        temporary_password_ttl=timedelta(hours=int(env("TRACES_TEMPORARY_PASSWORD_HOURS", "24"))),
        session_idle=timedelta(minutes=int(env("TRACES_SESSION_IDLE_MINUTES", "30"))),
        session_max=timedelta(hours=int(env("TRACES_SESSION_MAX_HOURS", "12"))),
        inactivity_limit_days=int(env("TRACES_INACTIVITY_DAYS", "90")),
        max_body_bytes=int(env("TRACES_MAX_BODY_BYTES", "16384")),
        mail_per_hour=int(env("TRACES_MAIL_PER_HOUR", "5")),
        password_hash_profile=env("TRACES_PASSWORD_HASH_PROFILE", "rfc9106_low_memory_p1"),
        # On AWS, the secret header CloudFront adds to API requests: empty means no check.
        origin_secret=env("TRACES_ORIGIN_SECRET", ""),
        # Requests each API key may make per minute (SPEC 5.1).
        api_key_per_minute=int(env("TRACES_API_KEY_PER_MINUTE", "120")),
    ))


def _checked(values: Settings) -> Settings:
    if values.captcha_test_hook and values.stage not in TEST_HOOK_STAGES:
        raise ValueError(f"TRACES_CAPTCHA_TEST_HOOK is refused in stage {values.stage!r}: "
                         f"only {' and '.join(TEST_HOOK_STAGES)} may turn it on")
    return values


@lru_cache(maxsize=32)
def _for(values: tuple) -> Settings:
    return load(dict(zip(VARIABLES, values)))


def current() -> Settings:
    """The settings of the environment as it is now."""
    environ = os.environ       # looked up each time: chalice.test.Client swaps the object
    return _for(tuple(environ.get(name) for name in VARIABLES))


class _Current:
    """`settings`: every attribute is the current environment's. `dataclasses.replace(settings,
    ...)` gives a fixed Settings, as it did when `settings` was one."""

    __slots__ = ()
    __dataclass_fields__ = Settings.__dataclass_fields__

    def __new__(cls, **fields):
        return Settings(**fields) if fields else super().__new__(cls)

    def __getattr__(self, name: str):
        return getattr(current(), name)

    def __repr__(self) -> str:
        return repr(current())


settings = _Current()
