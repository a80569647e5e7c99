"""Settings read once from the environment (set per stage in .chalice/config.json)."""
import os
from dataclasses import dataclass
from datetime import timedelta


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

    def table(self, name: str) -> str:
        return f"{self.table_prefix}{name}"


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes")


# The stages where automated tests may read the anti-automation code (TRACES_CAPTCHA_TEST_HOOK:
# each challenge then keeps its code in clear in the tokens table). Any other stage refuses it.
TEST_HOOK_STAGES = ("local", "test")


def _checked(values: Settings) -> Settings:
    if values.captcha_test_hook and values.stage not in TEST_HOOK_STAGES:
        raise ValueError(f"TRACES_CAPTCHA_TEST_HOOK is refused in stage {values.stage!r}: "
                         f"only {' and '.join(TEST_HOOK_STAGES)} may turn it on")
    return values


def load() -> Settings:
    env = os.environ.get
    return _checked(Settings(
        stage=env("TRACES_STAGE", "test"),
        table_prefix=env("TRACES_TABLE_PREFIX", "traces-test-"),
        region=env("AWS_DEFAULT_REGION", "eu-west-1"),
        site_url=env("TRACES_SITE_URL", "http://localhost:8080").rstrip("/"),
        mail_sender=env("TRACES_MAIL_SENDER", "no-reply@traces.example.eu"),
        captcha_enabled=_flag("TRACES_CAPTCHA", "true"),
        captcha_test_hook=_flag("TRACES_CAPTCHA_TEST_HOOK", "false"),
        secure_cookies=_flag("TRACES_SECURE_COOKIES", "true"),
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
    ))


settings = load()
