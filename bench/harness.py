"""What every benchmark shares: paths, a real `sijill serve` subprocess, RSS, percentiles, tables, JSON.

Benchmarks talk to a real server on 127.0.0.1 only, and every loop is bounded in count or time.
"""
from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("SIJILL_BENCH_OUT", ROOT / "bench" / "out"))
PYTHON = sys.executable


def scale_name(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def corpus_dir(size: int) -> Path:
    return OUT / f"corpus-{scale_name(size)}"


def data_dir(size: int) -> Path:
    return OUT / f"data-{scale_name(size)}"


def env_for(data: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["SIJILL_DATA_DIR"] = str(data)
    env.pop("SIJILL_DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def machine() -> dict:
    """Enough to tell two runs' machines apart (and to say that this one is shared)."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "os": platform.platform(), "load_avg_at_start": os.getloadavg()}


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100); 0.0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def summary_ms(values: Sequence[float]) -> dict:
    """p50/p95/p99/mean/max of durations given in milliseconds."""
    return {"n": len(values), "p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2), "mean": round(statistics.fmean(values), 2) if values else 0.0,
            "max": round(max(values), 2) if values else 0.0}


def table(title: str, header: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A plain-text table (no terminal tricks: it goes into logs and the README as is)."""
    cells = [[str(h) for h in header]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths)),
             "  ".join("-" * w for w in widths)]
    for raw, r in zip(rows, cells[1:]):  # numbers right-aligned, text left-aligned
        lines.append("  ".join(c.rjust(w) if isinstance(v, (int, float)) else c.ljust(w)
                               for v, c, w in zip(raw, r, widths)).rstrip())
    return "\n".join(lines)


def _fmt(c) -> str:
    if isinstance(c, float):
        return f"{c:,.2f}" if abs(c) < 100 else f"{c:,.0f}"
    if isinstance(c, int):
        return f"{c:,}"
    return str(c)


def write_json(name: str, payload: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    payload = {"written_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return path


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def db_size(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob("archive.db*") if p.is_file())


# -- processes -----------------------------------------------------------------------------------
def tree_pids(pid: int) -> list[int]:
    """`pid` and all its descendants (uvicorn workers are children of the supervisor)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process tree in MB (sum over the supervisor and its workers)."""
    total = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    ready_seconds: float
    workers: int

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)


@contextmanager
def serve(data: Path, workers: int = 1, timeout: float = 60.0):
    """Start `sijill serve` on 127.0.0.1:<free port>; yield once /healthz answers; stop it afterwards.

    `ready_seconds` is spawn → first successful /healthz: the "server ready" figure.
    """
    port = free_port()
    log = (OUT / f"server-{port}.log").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, env=env_for(data), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        ready = None
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() - t0 < timeout:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode}; see {log.name}")
                try:
                    if client.get(base + "/healthz").status_code == 200:
                        ready = time.perf_counter() - t0
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.02)
        if ready is None:
            raise RuntimeError(f"server not ready after {timeout}s; see {log.name}")
        yield Server(proc, base, ready, workers)
    finally:
        if proc.poll() is None:
            proc.terminate()  # our own child, by pid; uvicorn shuts its workers down on SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def parse_server_timing(header: str | None) -> dict[str, float]:
    """`search;dur=3.1, render;dur=1.2` → {"search": 3.1, "render": 1.2}."""
    out: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, rest = part.strip().partition(";")
        for attr in rest.split(";"):
            k, _, v = attr.strip().partition("=")
            if k == "dur":
                try:
                    out[name.strip()] = float(v)
                except ValueError:
                    pass
    return out
