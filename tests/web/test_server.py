"""A real `sijill serve` (uvicorn) process on a free port, spoken to over HTTP."""
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, SEEDS, make_settings, settings_env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = settings_env(make_settings(tmp_path_factory.mktemp("served")))
    subprocess.run([sys.executable, "-m", "app", "ingest", str(SEEDS)], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode()[-2000:])
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_served_search(server, seed_ids):
    r = httpx.get(server + "/api/reports", params={"q": "كفرنبل"})
    assert r.status_code == 200
    assert [x["id"] for x in r.json()["results"]] == [seed_ids["003"]]


def test_served_pages_and_static(server, seed_ids):
    r = httpx.get(server + f"/reports/{seed_ids['003']}", params={"q": "كفرنبل"})
    assert r.status_code == 200 and "<mark" in r.text
    assert httpx.get(server + "/static/css/sijill.css").status_code == 200
    assert httpx.get(server + "/healthz").json()["database"] == 5


def test_workers_run_with_two_malloc_arenas(tmp_path):
    """`serve --workers 2` execs a uvicorn supervisor whose environment (inherited by its workers)
    caps glibc's malloc arenas — the setting that kept two workers under the 500 MB target."""
    env = settings_env(make_settings(tmp_path / "served"))
    env.pop("MALLOC_ARENA_MAX", None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "server exited"
            time.sleep(0.1)
        # same pid after exec: its environment is the supervisor's, and so the workers'
        environ = open(f"/proc/{proc.pid}/environ", "rb").read().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environ
        children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
        assert children and all(b"MALLOC_ARENA_MAX=2" in open(f"/proc/{c}/environ", "rb").read().split(b"\0")
                                for c in children)
    finally:
        proc.terminate()
        proc.wait(10)
