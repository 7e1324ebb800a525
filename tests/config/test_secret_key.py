"""With DEBUG off the service never runs on a key it did not choose on purpose."""

import stat

PRINT_KEY = "from django.conf import settings\nprint(settings.SECRET_KEY)"


def test_refuses_to_start_without_a_secret_key(run_django):
    result = run_django({}, args=["check"])

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Chưa đặt DJANGO_SECRET_KEY" in result.stderr
    assert "GIAINGAN_LOCAL=1" in result.stderr


def test_refuses_the_placeholder_of_the_example_environment(run_django):
    result = run_django({"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string"}, args=["check"])

    assert result.returncode != 0
    assert "vẫn là giá trị mẫu" in result.stderr


def test_uses_the_key_it_is_given(run_django):
    result = run_django({"DJANGO_SECRET_KEY": "k" * 10 + "a-real-key-from-the-environment"}, code=PRINT_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kkkkkkkkkka-real-key-from-the-environment"


def test_a_local_run_makes_its_own_key_once_outside_the_repository(run_django, tmp_path):
    first = run_django({"GIAINGAN_LOCAL": "1"}, code=PRINT_KEY)
    second = run_django({"GIAINGAN_LOCAL": "1"}, code=PRINT_KEY)

    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50
    assert second.stdout.strip() == key  # sessions survive a restart
    key_file = tmp_path / "var" / "local_secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_debug_mode_is_a_local_run_too(run_django):
    result = run_django({"DJANGO_DEBUG": "1"}, code=PRINT_KEY)

    assert result.returncode == 0, result.stderr
