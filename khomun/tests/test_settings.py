"""Settings come from the environment, fail loudly on bad values, and pass the deploy check."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-production-secret-" + "9f8e7d6c5b4a3928171605" * 2,
    "ALLOWED_HOSTS": "khomun.cdd.go.th",
    "DEBUG": "false",
}


def run_khomun(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SECURE_COOKIES",
            "SECURE_HSTS_SECONDS",
            "STATIC_MANIFEST",
            "WHITENOISE_USE_FINDERS",
            "DATABASE_URL",
            "REDIS_URL",
        )
    }
    return subprocess.run(
        [sys.executable, "-m", "khomun", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_khomun(
        "check", "--deploy", "--fail-level", "WARNING", KHOMUN_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_stops_start_up(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_khomun("check", KHOMUN_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("AXES_FAILURE_LIMIT", "five", "AXES_FAILURE_LIMIT must be a whole number"),
    ],
)
def test_bad_values_fail_loudly(tmp_path, name, value, message):
    result = run_khomun("check", KHOMUN_VAR_DIR=str(tmp_path), **{**PRODUCTION, name: value})
    assert result.returncode != 0 and message in result.stderr


def test_the_time_zone_is_bangkok_and_thai_comes_first(settings):
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert settings.LANGUAGE_CODE == "th"
    assert settings.PASSWORD_HASHERS  # tests swap in a fast hasher; production is argon2
    from khomun import settings as module

    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert module.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.parametrize(("setting", "binding"), [("", "True 5"), ("false", "None None")])
def test_postgresql_reuses_plans_unless_switched_off(setting, binding):
    """Server-side binding with prepared statements on PostgreSQL (DB_PREPARED_STATEMENTS
    switches it off, for a pooler that cannot keep them); SQLite has no such options."""
    show = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    env = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u@127.0.0.1:5432/k"}
    if setting:
        env["DB_PREPARED_STATEMENTS"] = setting
    done = run_khomun("shell", "--no-imports", "-c", show, **env)
    assert done.stdout.split("\n")[0] == binding, done.stderr
    done = run_khomun(
        "shell", "--no-imports", "-c", show, SECRET_KEY="x" * 50, DATABASE_URL="sqlite:///:memory:"
    )
    assert done.stdout.split("\n")[0] == "None None", done.stderr
