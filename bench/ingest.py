"""Ingest benchmark: `sijill ingest` on a fresh data directory, end to end (DB + index + tagging).

Prints reports/s, peak RSS (whole process tree, sampled), database and index size per report, and
index size against the raw text; then times `sijill check`. JSON → bench/out/ingest-<scale>.json.

    python bench/ingest.py --size 10000 [--keep]   # --keep: reuse an already ingested data dir
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod  # noqa: E402
from harness import (PYTHON, ROOT, corpus_dir, data_dir, db_size, dir_size, env_for, rss_mb,  # noqa: E402
                     scale_name, table, write_json)


def _cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of one process so far (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def run_measured(cmd: list[str], env: dict, log: Path, cpu: dict | None = None) -> tuple[float, float, int]:
    """Run `cmd`; return (seconds, peak tree RSS in MB, exit code).

    `cpu` (optional) receives the CPU seconds of the whole process tree ("total") and of the main
    process alone ("main"): on a machine shared with other work the wall time says little, while
    CPU time says what the ingest costs — and whether the main process (which stores, in order)
    or the cores as a whole bound it.
    """
    peak = 0.0
    main_cpu = 0.0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, main_cpu
            while not done.is_set():
                peak = max(peak, rss_mb(proc.pid))
                main_cpu = max(main_cpu, _cpu_seconds(proc.pid))
                done.wait(0.2)

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        code = proc.wait()
        elapsed = time.perf_counter() - t0
        done.set()
        t.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu["total"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpu["main"] = main_cpu
    return elapsed, peak, code


def index_segments(index: Path) -> int:
    """Segments in the current table of contents (compound or not)."""
    return len({p.name.split(".")[0] for p in index.glob("*_*.*") if p.suffix in (".seg", ".trm")})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--keep", action="store_true", help="keep an existing ingested data dir (only measure check)")
    ap.add_argument("--elapsed", type=float, default=None,
                    help="with --keep: the wall time (s) that ingest took in an earlier run, to report its rate")
    a = ap.parse_args(argv)

    scale = scale_name(a.size)
    cdir = corpus_dir(a.size)
    csum = corpus_mod.build(a.size, cdir)
    data = data_dir(a.size)
    env = env_for(data)
    result: dict = {"scale": scale, "corpus": csum}
    if not (a.keep and (data / "archive.db").exists()):
        shutil.rmtree(data, ignore_errors=True)
        log = data.parent / f"ingest-{scale}.log"
        cpu: dict = {}
        seconds, peak, code = run_measured([PYTHON, "-m", "app", "ingest", str(cdir)], env, log, cpu)
        summary = " ".join(log.read_text(errors="replace").split("\n")[-3:])
        # Exit 1 also means "some reports refused" (a real article can fail the plausibility check).
        if code not in (0, 1) or "added" not in summary:
            print(f"ingest failed ({code}); see {log}", file=sys.stderr)
            return 1
        # On idle cores the wall time is at least the main process's CPU time and the tree's CPU
        # time spread over the cores: the rate this machine would give were it not shared.
        cores = os.cpu_count() or 1
        bound = max(cpu["main"], cpu["total"] / cores)
        result["ingest"] = {"seconds": round(seconds, 1), "reports_per_s": round(csum["size"] / seconds, 1),
                            "peak_rss_mb": round(peak, 1), "summary": summary.strip(),
                            "cpu_seconds": round(cpu["total"], 1), "main_cpu_seconds": round(cpu["main"], 1),
                            "cpu_ms_per_report": round(1000 * cpu["total"] / csum["size"], 2),
                            "idle_machine_reports_per_s": round(csum["size"] / bound, 1) if bound else None,
                            "load_average": [round(x, 2) for x in os.getloadavg()]}
    else:
        prev = data.parent / f"ingest-{scale}.json"
        if prev.exists():
            result["ingest"] = json.loads(prev.read_text()).get("ingest", {})
        if a.elapsed:
            result["ingest"] = {**result.get("ingest", {}), "seconds": a.elapsed,
                                "reports_per_s": round(csum["size"] / a.elapsed, 1),
                                "note": "wall time of an earlier run of this ingest (--keep --elapsed)"}

    db_b, ix_b = db_size(data), dir_size(data / "index")
    n = csum["size"]
    result["sizes"] = {"raw_text_bytes": csum["raw_text_bytes"], "db_bytes": db_b, "index_bytes": ix_b,
                       "db_bytes_per_report": round(db_b / n), "index_bytes_per_report": round(ix_b / n),
                       "index_to_raw_text": round(ix_b / csum["raw_text_bytes"], 3),
                       "index_segments": index_segments(data / "index")}
    seconds, peak, code = run_measured([PYTHON, "-m", "app", "check"], env, data.parent / f"check-{scale}.log")
    result["check"] = {"seconds": round(seconds, 1), "peak_rss_mb": round(peak, 1), "consistent": code == 0}

    ing = result.get("ingest", {})
    rows = [
        ("corpus", f"{n:,} reports ({csum['real']:,} real, {csum['synthetic']:,} synthetic)"),
        ("raw text", f"{csum['raw_text_bytes'] / 1e6:,.1f} MB"),
        ("ingest time", f"{ing.get('seconds', '?')} s"),
        ("ingest rate", f"{ing.get('reports_per_s', '?')} reports/s   (target ≥ 400)"),
        ("ingest CPU", f"{ing.get('cpu_seconds', '?')} s in all ({ing.get('cpu_ms_per_report', '?')} ms/report), "
                       f"main process {ing.get('main_cpu_seconds', '?')} s"),
        ("idle-machine rate", f"{ing.get('idle_machine_reports_per_s', '?')} reports/s   "
                              f"(n / max(main CPU, all CPU / cores); load average {ing.get('load_average', '?')})"),
        ("ingest peak RSS", f"{ing.get('peak_rss_mb', '?')} MB"),
        ("database", f"{db_b / 1e6:,.1f} MB = {db_b / n / 1024:,.1f} KB/report"),
        ("index", f"{ix_b / 1e6:,.1f} MB = {ix_b / n / 1024:,.1f} KB/report, "
                  f"{ix_b / csum['raw_text_bytes']:.2f}× raw text (target ≤ 1×), {result['sizes']['index_segments']} segments"),
        ("check", f"{result['check']['seconds']} s, {'consistent' if code == 0 else 'INCONSISTENT'}"),
    ]
    print(table(f"Ingest — {scale}", ("measure", "value"), rows))
    path = write_json(f"ingest-{scale}.json", result)
    print(f"→ {path}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
