"""Issue 9 (Medium, unsafe defaults): with APCASE_ENV unset the WSGI entry point loaded
the development settings (debug on, a published key). A server must refuse to start
unless production is configured or development is chosen explicitly; gunicorn is the
production server, with a configuration tested here; the SMTP settings come from the
environment.

Each check runs in a fresh interpreter: settings are read once per process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from apcase.core.tests.conftest import PRODUCTION_DATABASE_GROUP, clean_environment, production

BASE_DIR = Path(__file__).resolve().parents[3]
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.with_name("gunicorn")
GUNICORN_CONF = BASE_DIR / "config" / "gunicorn_conf.py"


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [str(PYTHON), "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LOAD_WSGI = (
    "import json, config.wsgi; from django.conf import settings; "
    "print(json.dumps({'debug': settings.DEBUG, 'env': settings.APCASE_ENV}))"
)


def test_the_wsgi_entry_point_refuses_to_start_with_apcase_env_unset():
    result = run_python(LOAD_WSGI, clean_environment())
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "APCASE_ENV must be set" in result.stderr


def test_the_asgi_entry_point_refuses_to_start_with_apcase_env_unset():
    result = run_python("import config.asgi", clean_environment())
    assert result.returncode != 0
    assert "APCASE_ENV must be set" in result.stderr


def test_naming_the_development_settings_module_alone_does_not_choose_development():
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.local")
    result = run_python(LOAD_WSGI, env)
    assert result.returncode != 0
    assert "APCASE_ENV must be set" in result.stderr


def test_production_refuses_development_settings_under_its_name():
    env = production(DJANGO_SETTINGS_MODULE="config.settings.local")
    result = run_python(LOAD_WSGI, env)
    assert result.returncode != 0
    assert "is not the production settings" in result.stderr


def test_an_unknown_apcase_env_is_refused():
    result = run_python(LOAD_WSGI, clean_environment(APCASE_ENV="prod"))
    assert result.returncode != 0
    assert "it is 'prod'" in result.stderr


def test_production_loads_production_settings_with_debug_off():
    result = run_python(LOAD_WSGI, production())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "debug": False,
        "env": "production",
    }


def test_development_still_starts_when_chosen_explicitly():
    result = run_python(LOAD_WSGI, clean_environment(APCASE_ENV="development"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is True


def test_manage_py_chooses_development_for_runserver_when_unset():
    # `make run` runs `manage.py runserver`, which loads config.wsgi.
    code = (
        "import os, sys; sys.argv = ['manage.py', 'check']; "
        "import runpy; runpy.run_path('manage.py', run_name='__main__'); "
        "import config.wsgi; print(os.environ['APCASE_ENV'])"
    )
    result = run_python(code, clean_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "development"


def gunicorn_settings(env: dict[str, str]) -> dict[str, object]:
    """The configuration as gunicorn itself parses the file."""
    code = (
        "import json, sys; from gunicorn.app.wsgiapp import WSGIApplication; "
        f"sys.argv = ['gunicorn', '-c', {str(GUNICORN_CONF)!r}]; "
        "app = WSGIApplication(); c = app.cfg; "
        "print(json.dumps({'bind': c.bind, 'workers': c.workers, 'wsgi_app': c.wsgi_app, "
        "'timeout': c.timeout, 'preload': c.preload_app, 'worker_class': c.worker_class_str, "
        "'forwarded_allow_ips': c.forwarded_allow_ips, 'max_requests': c.max_requests, "
        "'control_socket_disable': c.control_socket_disable}))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_gunicorn_configuration_serves_config_wsgi_behind_a_proxy():
    config = gunicorn_settings(production())
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == (os.cpu_count() or 1) * 2 + 1
    assert config["worker_class"] == "sync"
    assert config["timeout"] == 30
    assert config["preload"] is True
    assert config["max_requests"] == 1000
    assert config["forwarded_allow_ips"] == ["127.0.0.1"]
    assert config["control_socket_disable"] is True


def test_the_gunicorn_configuration_takes_bind_and_workers_from_the_environment():
    config = gunicorn_settings(production(APCASE_BIND="0.0.0.0:9000", WEB_CONCURRENCY="3"))
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 3


def test_the_master_prepares_what_a_workers_first_requests_would_do_before_it_forks():
    # A page that draws a chart or a PDF imports its library on first use, and a
    # process's first request imports the URL configuration and compiles the templates
    # it renders; gunicorn's master does all of it before forking (when_ready, after
    # loading the application as preload_app asks), so no worker's first request waits
    # for it. It opens no database connection: each worker opens its own.
    code = (
        "import json, runpy, sys; "
        f"conf = runpy.run_path({str(GUNICORN_CONF)!r}); "
        "import config.wsgi; "
        "from django.db import connections; "
        "from django.template import engines; "
        "names = ['matplotlib.figure', 'weasyprint', 'pikepdf', 'fpdf', 'config.urls']; "
        "cache = engines['django'].engine.template_loaders[0].get_template_cache; "
        "before = [n in sys.modules for n in names]; "
        "conf['when_ready'](None); "
        "import matplotlib; "
        "print(json.dumps([before, [n in sys.modules for n in names], "
        "matplotlib.rcParams['svg.fonttype'], "
        "[name in cache for name in ('base.html', 'monitoring/register.html', "
        "'gds/layout/fieldset.html')], "
        "[c.connection is None for c in connections.all()]]))"
    )
    result = run_python(code, production())
    assert result.returncode == 0, result.stderr
    before, after, fonttype, compiled, unconnected = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert before == [False, False, False, False, False]
    assert after == [True, True, True, True, True]
    assert fonttype == "none"  # set up as the charts need it, not merely imported
    assert compiled == [True, True, True]
    assert unconnected == [True]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn, our config
        [str(GUNICORN), "-c", str(GUNICORN_CONF)],
        cwd=BASE_DIR,
        env={**env, "APCASE_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_gunicorn_refuses_to_start_with_apcase_env_unset():
    server = start_gunicorn(clean_environment(), free_port())
    try:
        _, stderr = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode != 0
    assert "APCASE_ENV must be set" in stderr


@PRODUCTION_DATABASE_GROUP
def test_gunicorn_serves_the_sign_in_page_with_production_settings(tmp_path, production_sqlite):
    # As docs/deployment.md says: migrate, collectstatic, then start gunicorn. The
    # database is a copy of one migrated once for the run, so `migrate` finds nothing to
    # apply; it is still run, as the deployment steps say.
    env = production(
        DATABASE_URL=f"sqlite:///{production_sqlite}",
        APCASE_STATIC_ROOT=str(tmp_path / "static"),
    )
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [str(PYTHON), "manage.py", *command, "-v0"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = start_gunicorn(env, port)
    request = urllib.request.Request(  # noqa: S310 - loopback, our own server
        f"http://127.0.0.1:{port}/account/sign-in/",
        headers={"Host": "apcase.example.org", "X-Forwarded-Proto": "https"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # A worker's first page on a loaded machine took more than 10 s once
                # (the test then failed reading, not starting): wait as long as the
                # start itself may take.
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    status, headers = response.status, response.headers
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert status == 200
    assert "no-store" in headers["Cache-Control"]
    assert "max-age=63072000" in headers["Strict-Transport-Security"]


def test_smtp_settings_are_read_from_the_environment():
    env = production(
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="apcase-mailer",
        EMAIL_HOST_PASSWORD="synthetic-password",
        EMAIL_USE_TLS="true",
    )
    code = (
        "import json, config.wsgi; from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS]))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        587,
        "apcase-mailer",
        "synthetic-password",
        True,
    ]
