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
