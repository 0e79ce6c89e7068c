"""Reading the environment for settings.py: typed values that fail loudly on a bad one, the
logging configuration and the OpenID Connect providers named by variables (see the README's
"Configuration"). Nothing here imports Django models: settings load before the apps."""

import os

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def logging_config(log_format: str, *, level: str) -> dict:
    """Logs on stdout: JSON lines (production) or readable text, every line with its request
    id and with password-reset tokens redacted (README, "Logs")."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "dianova_training.logs.RequestIdFilter"},
            # Password-reset links lose their token in every line (Django names paths in some).
            "secrets": {"()": "dianova_training.redaction.SecretsFilter"},
        },
        "formatters": {
            "json": {
                "()": "dianova_training.logs.JsonFormatter",
                "format": "%(levelname)s %(name)s %(message)s %(request_id)s",
            },
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["request_id", "secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


# OIDC_PROVIDERS=microsoft,google names them; each NAME then has OIDC_<NAME>_SERVER_URL (the
# issuer), OIDC_<NAME>_CLIENT_ID, OIDC_<NAME>_CLIENT_SECRET and optionally OIDC_<NAME>_LABEL
# (the button's name), OIDC_<NAME>_VERIFIED_EMAIL_CLAIM (default email_verified; xms_edov for
# Microsoft Entra ID) and OIDC_<NAME>_LOCALE_CLAIM (default locale; xms_pl for Entra ID).
def oidc_apps_from_env() -> list[dict]:
    apps = []
    for provider_id in envlist("OIDC_PROVIDERS"):
        prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"
        missing = [
            f"{prefix}{name}"
            for name in ("SERVER_URL", "CLIENT_ID", "CLIENT_SECRET")
            if not os.environ.get(f"{prefix}{name}")
        ]
        if missing:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS names {provider_id}: set {missing}")
        apps.append(
            {
                "provider_id": provider_id,
                "name": os.environ.get(f"{prefix}LABEL", provider_id.title()),
                "client_id": os.environ[f"{prefix}CLIENT_ID"],
                "secret": os.environ[f"{prefix}CLIENT_SECRET"],
                "settings": {
                    "server_url": os.environ[f"{prefix}SERVER_URL"].rstrip("/"),
                    "verified_email_claim": os.environ.get(
                        f"{prefix}VERIFIED_EMAIL_CLAIM", "email_verified"
                    ),
                    "locale_claim": os.environ.get(f"{prefix}LOCALE_CLAIM", "locale"),
                },
            }
        )
    return apps
