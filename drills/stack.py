"""A throwaway production-shaped stack for the drills: a private PostgreSQL cluster,
the demo data, gunicorn with the production settings, and signed-in sessions.

Nothing here touches the machine's own PostgreSQL or the developer's database: the
cluster is created with `initdb` in a temporary folder on its own port, and removed at
the end. The web server runs `config/gunicorn_conf.py` with `APCASE_ENV=production`, as
docs/deployment.md describes, behind a pretend proxy: clients send
`X-Forwarded-Proto: https` from 127.0.0.1 (the proxy address gunicorn trusts), so the
production cookie and CSRF rules apply unchanged.

Sessions are minted directly (both factors passed, as the test suite's `sign_in` does):
the sign-in pages are exercised by their own tests, and a TOTP code can be used only
once per 30 seconds per account, which 200 simulated users could not share.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import subprocess  # nosec B404 - the drills start PostgreSQL and gunicorn on purpose
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# What docs/deployment.md recommends for the production database (solid-state storage).
RANDOM_PAGE_COST = 1.1


def _pg_bin(name: str) -> str:
    """The PostgreSQL server program `name` (initdb, pg_ctl), from PATH or Debian's place."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise SystemExit(f"{name} not found: the drills need the PostgreSQL server programs")


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    """One drill's database and web server. Use `running_stack()`."""

    workers: int = 3
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="apcase-drill-")))
    pg_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    csrf_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    # --- PostgreSQL ---------------------------------------------------------------

    @property
    def pgdata(self) -> Path:
        return self.folder / "pgdata"

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/apcase_drill"

    def pg_ctl(self, *args: str) -> None:
        command = [
            _pg_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            *args,
        ]
        subprocess.run(_as_postgres(command), check=True, capture_output=True)  # nosec B603

    def create_cluster(self) -> None:
        self.folder.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres")
        command = [_pg_bin("initdb"), "-D", str(self.pgdata), "-U", "postgres"]
        command += ["--auth=trust", "--no-sync", "-E", "UTF8"]
        subprocess.run(_as_postgres(command), check=True, capture_output=True)  # nosec B603
        self.start_postgres()
        command = ["createdb", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres"]
        subprocess.run([*command, "apcase_drill"], check=True)  # nosec B603 B607

    def start_postgres(self) -> None:
        options = f"-p {self.pg_port} -k {self.folder} -c listen_addresses=127.0.0.1"
        # The planner's cost of a random page read as docs/deployment.md recommends for
        # a database on solid-state storage (PostgreSQL's default, 4, is for disks).
        options += f" -c random_page_cost={RANDOM_PAGE_COST}"
        self.pg_ctl("-o", options, "start")

    def stop_postgres(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "stop")

    # --- the application ------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "APCASE_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "APCASE_STATIC_ROOT": str(self.folder / "static"),
            "APCASE_MEDIA_ROOT": str(self.folder / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "APCASE_BIND": f"127.0.0.1:{self.web_port}",
            "WEB_CONCURRENCY": str(self.workers),
            "APCASE_LOG_LEVEL": "warning",
        }

    def manage(self, *args: str, development: bool = False) -> str:
        env = self.env()
        if development:  # the demo loads only under the development settings
            env.update(APCASE_ENV="development", DJANGO_SETTINGS_MODULE="config.settings.local")
        done = subprocess.run(  # nosec B603
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self) -> None:
        self.manage("migrate", "--no-input")
        self.manage("seed_demo", development=True)
        self.manage("collectstatic", "--no-input")

    def mint_sessions(self, emails: list[str], per_account: int = 1) -> dict[str, list[str]]:
        """Session keys, signed in with both factors, `per_account` for each address."""
        script = (
            "import json, sys, django; django.setup()\n"
            "from django.contrib.sessions.backends.db import SessionStore\n"
            "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
            "from django_otp import DEVICE_ID_SESSION_KEY\n"
            "import time\n"
            "from apcase.accounts.models import User\n"
            "from apcase.accounts.signals import SESSION_STARTED_KEY\n"
            "wanted = json.loads(sys.argv[1]); n = int(sys.argv[2]); out = {}\n"
            "for email in wanted:\n"
            "    user = User.objects.get(email=email)\n"
            "    device = user.totpdevice_set.get(confirmed=True)\n"
            "    out[email] = []\n"
            "    for _ in range(n):\n"
            "        s = SessionStore()\n"
            "        s[SESSION_KEY] = str(user.pk)\n"
            "        s[BACKEND_SESSION_KEY] = 'apcase.accounts.backends.AccountBackend'\n"
            "        s[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
            "        s[DEVICE_ID_SESSION_KEY] = device.persistent_id\n"
            "        s[SESSION_STARTED_KEY] = time.time()\n"
            "        s.create(); out[email].append(s.session_key)\n"
            "print(json.dumps(out))\n"
        )
        done = subprocess.run(  # nosec B603
            [PYTHON, "-c", script, json.dumps(emails), str(per_account)],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def start_web(self) -> None:
        command = [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn_conf.py"]
        log = (self.folder / "gunicorn.log").open("ab")
        self.web = subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=log, stderr=log)  # nosec B603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.web.poll() is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=5)
            try:
                connection.request("GET", "/account/sign-in/", headers=self.proxy_headers())
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.3)
        log_text = (self.folder / "gunicorn.log").read_text(errors="replace")
        raise SystemExit(f"gunicorn did not start:\n{log_text[-3000:]}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def proxy_headers(self) -> dict[str, str]:
        """What the pretend TLS-terminating proxy adds to every request."""
        return {"X-Forwarded-Proto": "https"}

    def headers(self, session_key: str) -> dict[str, str]:
        """What the pretend proxy and the browser would send for this signed-in session."""
        return {
            **self.proxy_headers(),
            "Origin": f"https://127.0.0.1:{self.web_port}",
            "Referer": f"https://127.0.0.1:{self.web_port}/",
            "Cookie": (
                f"__Host-apcase-session={session_key}; __Host-apcase-csrf={self.csrf_secret}"
            ),
        }

    def stop(self) -> None:
        if self.web is not None:
            self.web.terminate()
            try:
                self.web.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.web.kill()
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop_postgres("fast")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def running_stack(workers: int = 3) -> Iterator[Stack]:
    stack = Stack(workers=workers)
    try:
        stack.create_cluster()
        stack.prepare()
        stack.start_web()
        yield stack
    finally:
        stack.stop()
