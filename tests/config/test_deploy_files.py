"""deploy/'s files agree with the settings they serve: upload size, timeouts, folders, queues, scripts."""

import re

from tests.config.conftest import EXAMPLE_ENV, ROOT, read_env_file

DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "giaingan.conf").read_text()
MIB = 1024 * 1024


def nginx_value(directive: str) -> str:
    return re.search(rf"^\s*{directive}\s+([^;]+);", NGINX, re.MULTILINE).group(1)


def test_nginx_lets_the_largest_accepted_workbook_through(settings):
    limit = int(nginx_value("client_max_body_size").removesuffix("m")) * MIB

    assert limit > settings.IMPORT_MAX_FILE_BYTES  # the file plus the form around it
    assert limit <= settings.IMPORT_MAX_FILE_BYTES + 2 * MIB  # a larger one is refused by nginx, not read


def test_nginx_waits_longer_than_gunicorn():
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    gunicorn_timeout = int(re.search(r"^timeout = (\d+)", gunicorn, re.MULTILINE).group(1))

    assert int(nginx_value("proxy_read_timeout").removesuffix("s")) > gunicorn_timeout


def test_nginx_serves_the_static_folder_the_example_environment_collects_into():
    var_dir = read_env_file(EXAMPLE_ENV)["GIAINGAN_VAR_DIR"]

    assert nginx_value("alias") == f"{var_dir}/static/"


def test_the_uploads_folder_is_never_served():
    assert re.search(r"location /media/ \{\s*return 404;", NGINX)


def test_the_worker_units_serve_the_named_queues(settings):
    unit = (DEPLOY / "systemd" / "giaingan-worker@.service").read_text()
    readme = (ROOT / "README.md").read_text()

    assert "--queues=%i" in unit
    for queue in settings.CELERY_TASK_QUEUES:
        assert f"giaingan-worker@{queue.name}" in readme
    assert settings.HEALTH_WORKER_QUEUES == [queue.name for queue in settings.CELERY_TASK_QUEUES]


def test_every_file_a_unit_runs_is_in_the_repository():
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for path in re.findall(r"(?:/opt/giaingan/)?(deploy/[\w./-]+)", unit.read_text()):
            assert (ROOT / path.rstrip(".")).exists(), (unit.name, path)
