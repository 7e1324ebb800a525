"""`manage.py check --deploy` is clean with the production example environment, and HTTPS is set from it."""

import json

from tests.config.conftest import EXAMPLE_ENV, read_env_file

SECURITY = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS",
]}))
"""


def production_env(tmp_path) -> dict[str, str]:
    env = read_env_file(EXAMPLE_ENV)
    # What a deployment fills in: its own key, and folders of this machine.
    env.update(
        {
            "DJANGO_SECRET_KEY": "x9" * 20 + "-a-long-random-key-made-for-this-test-only",
            "GIAINGAN_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "var" / "media"),
        }
    )
    return env


def test_check_deploy_is_clean_with_the_production_example(run_django, tmp_path):
    result = run_django(production_env(tmp_path), args=["check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_deployment_without_https_settings(run_django, tmp_path):
    env = {k: v for k, v in production_env(tmp_path).items() if not k.startswith("DJANGO_SECURE_")}

    result = run_django(env, args=["check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


def test_https_settings_come_from_the_environment(run_django, tmp_path):
    result = run_django(production_env(tmp_path), code=SECURITY)

    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["ALLOWED_HOSTS"] == ["giaingan.example.gov.vn"]


def test_a_local_run_stays_on_plain_http(run_django):
    result = run_django({"GIAINGAN_LOCAL": "1"}, code=SECURITY)

    settings = json.loads(result.stdout)
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_PROXY_SSL_HEADER"] is None


def test_check_deploy_notices_a_visibility_timeout_shorter_than_a_task(run_django, tmp_path):
    env = {**production_env(tmp_path), "CELERY_TASK_TIME_LIMIT": "600", "CELERY_BROKER_VISIBILITY_TIMEOUT": "300"}

    result = run_django(env, args=["check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode != 0
    assert "giaingan.W101" in result.stdout + result.stderr
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT (300 s)" in result.stdout + result.stderr
