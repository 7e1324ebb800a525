#!/usr/bin/env python3
"""Start the production topology from real processes on loopback and smoke-test it through nginx.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://.../2 CACHE_URL=redis://.../3 \\
        .venv/bin/python deploy/local_topology.py

It runs deploy/'s own files: the environment of deploy/giaingan.env.example (only the host name, addresses,
folders and secret key swapped for this machine), nginx with deploy/nginx/giaingan.conf in front (a self-signed
certificate made by openssl for the run), gunicorn with deploy/gunicorn.conf.py, one Celery worker on the three
named queues, and the PostgreSQL and Redis it is given. Then, as a browser and a dashboard would, over HTTPS:
the http->https redirect, health, the login page and a login, an API read with a key, static files served by nginx,
an oversized upload refused by nginx, login limits that a forged address cannot dodge; and the backup and restore
scripts: back up, lose data, stop, restore, start, and the data and uploads are back.

Everything runs in a scratch folder, and every process it starts is stopped when it ends. Exit 0 when every
check passed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
HOST = "localhost"
# Variables of the calling shell that would change what the settings decide (a local run, debug, test settings).
DROPPED_PREFIXES = ("DJANGO_", "GIAINGAN_", "CELERY_", "PYTEST", "LOGIN_", "HEALTH_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise SystemExit(f"deploy/nginx/giaingan.conf changed: expected one '{old}'")
    return text.replace(old, new)


class Topology:
    def __init__(self, work: Path, database_url: str, broker_url: str, cache_url: str):
        self.work = work
        self.https_port, self.http_port, self.app_port = free_port(), free_port(), free_port()
        self.base = f"https://{HOST}:{self.https_port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.var = work / "var"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES)}
        self.env.update(read_env_file(DEPLOY / "giaingan.env.example"))
        self.env.update(
            {
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": HOST,
                "DJANGO_CSRF_TRUSTED_ORIGINS": self.base,
                "SITE_URL": self.base,
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": broker_url,
                "CACHE_URL": cache_url,
                "GIAINGAN_VAR_DIR": str(self.var),
                "MEDIA_ROOT": str(self.var / "media"),
                "BACKUP_DIR": str(work / "backups"),
                "GUNICORN_BIND": f"127.0.0.1:{self.app_port}",
                "GUNICORN_WORKERS": "2",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "PYTHON": sys.executable,
                "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            }
        )

    # Processes -------------------------------------------------------------------------------------------------

    def run(self, *command: str, input: str | None = None, env: dict | None = None) -> str:
        result = subprocess.run(
            command, cwd=ROOT, env={**self.env, **(env or {})}, input=input, capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def manage(self, *args: str) -> str:
        return self.run(sys.executable, "manage.py", *args)

    def start(self, name: str, command: list[str]) -> None:
        log = self.work / f"{name}.log"
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def start_app(self) -> None:
        self.start("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"])
        self.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--queues=imports,compute,email",
                "--hostname=topology@%h",
                "--concurrency=1",
                "--loglevel=INFO",
            ],
        )

    def stop_app(self) -> None:
        self.stop("worker")
        self.stop("gunicorn")

    # Set-up ----------------------------------------------------------------------------------------------------

    def certificate(self) -> None:
        tls = self.work / "tls"
        tls.mkdir()
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem"),
                "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            ],
            check=True, capture_output=True,
        )  # fmt: skip

    def nginx_config(self) -> Path:
        site = (DEPLOY / "nginx" / "giaingan.conf").read_text()
        for old, new in [
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("/etc/ssl/giaingan/fullchain.pem", str(self.work / "tls" / "fullchain.pem")),
            ("/etc/ssl/giaingan/privkey.pem", str(self.work / "tls" / "privkey.pem")),
            ("alias /var/lib/giaingan/static/;", f"alias {self.var / 'static'}/;"),
            ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{self.app_port} "),
        ]:
            site = replace_once(site, old, new)
        site = site.replace("server_name giaingan.example.gov.vn;", f"server_name {HOST};")
        prefix = self.work / "nginx"
        prefix.mkdir()
        (prefix / "site.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(
            f"""{user}
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""
        )
        subprocess.run(["nginx", "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True)
        return conf

    def set_up(self) -> None:
        print("Preparing: migrate, collectstatic, sample data, an administrator and an API key", flush=True)
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        # The sample's computes run in this process, so no task is left for the worker to change data later.
        self.run(sys.executable, "manage.py", "load_sample", env={"CELERY_TASK_ALWAYS_EAGER": "1"})
        self.admin_password = secrets.token_urlsafe(12)
        self.run(
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import sys; from django.contrib.auth import get_user_model; "
            "user, _ = get_user_model().objects.get_or_create(username='quantri'); "
            "user.is_staff = user.is_superuser = True; user.set_password(sys.stdin.read()); user.save()",
            input=self.admin_password,
        )
        self.api_key = self.manage("create_api_key", "Bảng điều khiển thử", "--scope", "read").splitlines()[1].strip()
        self.certificate()
        conf = self.nginx_config()
        self.start("nginx", ["nginx", "-p", str(conf.parent), "-c", str(conf)])
        self.start_app()


class Browser:
    """HTTPS requests that trust the run's certificate, keep cookies and never follow redirects."""

    def __init__(self, topology: Topology):
        self.topology = topology
        context = ssl.create_default_context(cafile=str(topology.work / "tls" / "fullchain.pem"))
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirect(),
        )

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None, base: str | None = None):
        url = (base or self.topology.base) + path
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def cookie(self, name: str):
        return next((cookie for cookie in self.cookies if cookie.name == name), None)


class Smoke:
    def __init__(self, topology: Topology):
        self.topology = topology
        self.browser = Browser(topology)
        self.passed: list[str] = []
        self.failed: list[str] = []

    def check(self, name: str, function) -> None:
        try:
            function()
        except Exception as error:  # every check is reported, the run goes on
            self.failed.append(name)
            print(f"FAIL  {name}: {error}", flush=True)
        else:
            self.passed.append(name)
            print(f"ok    {name}", flush=True)

    def wait_live(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.browser.request("/health/live")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer through nginx within {timeout} s")

    def wait_ready(self, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        body = {}
        while time.monotonic() < deadline:
            try:
                status, _, content = self.browser.request("/health/ready")
                body = json.loads(content or b"{}")
                if status == 200:
                    return body
            except (OSError, ValueError):
                pass
            time.sleep(1)
        raise AssertionError(f"/health/ready not 200 within {timeout} s: {body}")

    # Checks ----------------------------------------------------------------------------------------------------

    def http_redirects_to_https(self):
        status, headers, _ = self.browser.request("/admin/", base=f"http://{HOST}:{self.topology.http_port}")
        assert status == 301, status
        assert headers["Location"].startswith(f"https://{HOST}"), headers["Location"]

    def health(self):
        status, _, content = self.browser.request("/health/live")
        assert status == 200 and json.loads(content) == {"status": "ok"}, (status, content)
        checks = self.wait_ready()["checks"]
        assert set(checks) == {"database", "broker", "worker:imports", "worker:compute", "worker:email"}, checks

    def login_page(self):
        status, headers, content = self.browser.request("/admin/login/")
        assert status == 200, status
        assert "Đăng nhập" in content.decode(), "no Vietnamese login form"
        assert "max-age=31536000" in headers.get("Strict-Transport-Security", ""), dict(headers)
        assert "default-src 'self'" in headers.get("Content-Security-Policy", ""), dict(headers)
        csrf = self.browser.cookie("csrftoken")
        assert csrf is not None and csrf.secure, "the CSRF cookie is not Secure"

    def login(self):
        self.browser.request("/admin/login/")
        form = urllib.parse.urlencode(
            {
                "username": "quantri",
                "password": self.topology.admin_password,
                "csrfmiddlewaretoken": self.browser.cookie("csrftoken").value,
                "next": "/admin/",
            }
        ).encode()
        status, headers, _ = self.browser.request(
            "/admin/login/", data=form, headers={"Referer": f"{self.topology.base}/admin/login/"}
        )
        assert status == 302 and headers["Location"] == "/admin/", (status, headers.get("Location"))
        session = self.browser.cookie("sessionid")
        assert session is not None and session.secure and session.has_nonstandard_attr("HttpOnly"), session
        status, _, content = self.browser.request("/admin/")
        assert status == 200 and "Công việc thường dùng" in content.decode(), status

    def api_read(self):
        key = {"Authorization": f"Api-Key {self.topology.api_key}"}
        status, headers, content = Browser(self.topology).request("/api/v1/districts/", headers=key)
        assert status == 200, (status, content[:300])
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(content)["results"], "no district in the sample"
        status, _, _ = Browser(self.topology).request("/api/v1/districts/")
        assert status == 401, f"without a key: {status}"

    def static_files(self):
        for path, kind in [
            ("/static/admin/css/base.css", "text/css"),
            ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "javascript"),
        ]:
            status, headers, content = self.browser.request(path)
            assert status == 200 and content, (path, status)
            assert kind in headers["Content-Type"], (path, headers["Content-Type"])
            # nginx's `expires 7d`, not the application's headers: nginx served the file.
            assert "max-age=604800" in headers.get("Cache-Control", ""), (path, headers.get("Cache-Control"))
        assert self.browser.request("/media/anything.xlsx")[0] == 404

    def oversized_upload(self):
        body = b"0" * (22 * 1024 * 1024)
        headers = {"Authorization": f"Api-Key {self.topology.api_key}", "Content-Type": "application/octet-stream"}
        status, _, content = Browser(self.topology).request("/api/v1/imports/", data=body, headers=headers)
        assert status == 413 and b"nginx" in content, status

    def login_limit_through_the_proxy(self):
        browser = Browser(self.topology)
        browser.request("/admin/login/")
        username = f"khach-{secrets.token_hex(3)}"
        statuses = []
        for number in range(6):
            form = urllib.parse.urlencode(
                {
                    "username": username,
                    "password": "sai-mat-khau",
                    "csrfmiddlewaretoken": browser.cookie("csrftoken").value,
                }
            ).encode()
            # A client cannot pass itself off as another address: nginx overwrites X-Real-IP.
            headers = {"Referer": f"{self.topology.base}/admin/login/", "X-Real-IP": f"192.0.2.{number}"}
            status, _, content = browser.request("/admin/login/", data=form, headers=headers)
            statuses.append(status)
        assert statuses == [200] * 4 + [429, 429], statuses
        assert "tạm thời bị khoá" in content.decode()

    def backup_and_restore(self):
        topology = self.topology
        marker = topology.var / "media" / "imports" / "marker.txt"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("tệp đã tải lên")
        before = self.row_counts()
        dump = Path(topology.run("bash", "deploy/backup.sh").strip().splitlines()[-1])
        assert dump.is_file() and dump.with_name(dump.name.replace(".dump", ".media.tar.gz")).is_file(), dump

        # Lose data: every API key and an uploaded file.
        self.psql("DELETE FROM disbursement_apikey")
        marker.unlink()
        assert self.row_counts() != before
        assert Browser(topology).request("/api/v1/districts/", headers=self.key_header())[0] == 401

        topology.stop_app()
        topology.run("bash", "deploy/restore.sh", str(dump), "--yes")
        topology.start_app()

        assert self.row_counts() == before, "row counts differ after the restore"
        assert marker.read_text() == "tệp đã tải lên"
        self.wait_ready()
        assert Browser(topology).request("/api/v1/districts/", headers=self.key_header())[0] == 200

    def restore_refuses_while_the_service_runs(self):
        dump = sorted((self.topology.work / "backups").glob("*.dump"))[-1]
        result = subprocess.run(
            ["bash", "deploy/restore.sh", str(dump), "--yes"],
            cwd=ROOT,
            env=self.topology.env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and "stop the web" in result.stderr, result.stderr

    # Helpers ---------------------------------------------------------------------------------------------------

    def key_header(self) -> dict:
        return {"Authorization": f"Api-Key {self.topology.api_key}"}

    def psql(self, sql: str) -> str:
        script = 'source deploy/pg_env.sh && psql --no-psqlrc -qAt -v ON_ERROR_STOP=1 -c "$SQL"'
        return subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env={**self.topology.env, "SQL": sql},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def row_counts(self) -> dict[str, int]:
        tables = self.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        rows = self.psql(union).splitlines()
        return {name: int(count) for name, count in (row.split("|") for row in rows)}

    def run_all(self) -> bool:
        self.check("http redirects to https", self.http_redirects_to_https)
        self.check("health: live, and ready with database, broker and a worker on each queue", self.health)
        self.check("login page over TLS with HSTS, CSP and a Secure CSRF cookie", self.login_page)
        self.check("an administrator logs in; the session cookie is Secure and HttpOnly", self.login)
        self.check("API read with a key (and 401 without)", self.api_read)
        self.check("static files served by nginx; uploads never served", self.static_files)
        self.check("an upload over 21 MiB is refused by nginx (413)", self.oversized_upload)
        self.check("login limit through the proxy, a forged X-Real-IP no help", self.login_limit_through_the_proxy)
        self.check("backup, lose data, restore: data and uploads are back", self.backup_and_restore)
        self.check("restore refuses while the service is connected", self.restore_refuses_while_the_service_runs)
        return not self.failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--broker-url", default=os.environ.get("CELERY_BROKER_URL", ""))
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs) after the run")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("needs a PostgreSQL DATABASE_URL (the backup and restore scripts are PostgreSQL's)")
    if not (args.broker_url.startswith("redis://") and args.cache_url.startswith("redis://")):
        parser.error("needs Redis as CELERY_BROKER_URL and CACHE_URL")
    for tool in ("nginx", "openssl", "pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"):
            parser.error(f"needs {tool} on PATH")

    work = Path(tempfile.mkdtemp(prefix="giaingan-topology-"))
    work.chmod(0o755)
    topology = Topology(work, args.database_url, args.broker_url, args.cache_url)
    topology.env["PATH"] += ":/usr/sbin:/sbin"
    ok = False
    try:
        topology.set_up()
        print(f"Topology up: nginx https://{HOST}:{topology.https_port} -> gunicorn :{topology.app_port}", flush=True)
        smoke = Smoke(topology)
        smoke.wait_live()
        ok = smoke.run_all()
        print(f"Smoke test through nginx: {len(smoke.passed)} checks passed, {len(smoke.failed)} failed", flush=True)
    finally:
        topology.stop_all()
        if not ok:
            for name, log in topology.logs.items():
                print(f"--- {name} log (end) ---\n{log.read_text(errors='replace')[-3000:]}", flush=True)
            error_log = work / "nginx" / "error.log"
            if error_log.exists():
                print(f"--- nginx error.log ---\n{error_log.read_text()[-2000:]}", flush=True)
        if args.keep or not ok:
            print(f"Logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
