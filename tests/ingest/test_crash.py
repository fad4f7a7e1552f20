"""Crash safety: an ingest killed with SIGKILL leaves an archive that `check` reports (and `--repair`
fixes), and running the same ingest again ends in exactly the state of an uninterrupted run.

The reports are generated here from the seeds' sentences with varied numbers and places (some of
them near-duplicates of each other, so the groups are checked too).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.archive import Archive
from app.ingest.pipeline import BATCH_SIZE
from app.models import Report
from tests.conftest import ROOT, SEEDS, make_settings, settings_env

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
SENTENCES = [s.strip() for t in SEED_TEXTS for s in re.split(r"(?<=[.!؟])\s+|\n", t) if len(s.strip()) > 60]
PLACES = ["حلب", "إدلب", "حماة", "حمص", "دير الزور", "الرقة", "درعا", "دمشق", "اللاذقية", "منبج", "الباب", "داريا"]
N_REPORTS = 2400


def generate(root: Path, n: int = N_REPORTS) -> int:
    """n reports: 4–7 seed sentences, places swapped, numbers changed; as JSON Lines and .txt files."""
    rng = random.Random(20161205)
    texts = []
    for i in range(n):
        if i and rng.random() < 0.05:  # a republished copy with a changed figure: a near-duplicate
            base = texts[rng.randrange(len(texts))]
            texts.append(re.sub(r"\d+", lambda m: str(int(m.group()) + 1), base, count=1) + " (وكالات)")
            continue
        chosen = rng.sample(SENTENCES, rng.randint(4, 7))
        place = rng.choice(PLACES)
        body = " ".join(chosen).replace("حلب", place)
        body = re.sub(r"\d+", lambda m: str(rng.randint(2, 900)), body)
        texts.append(f"{place} — {body}\n\nالتقرير {i + 1}.")
    root.mkdir(parents=True, exist_ok=True)
    jsonl_part = texts[: n * 3 // 4]
    half = len(jsonl_part) // 2
    for name, part in (("a.jsonl", jsonl_part[:half]), ("b.jsonl", jsonl_part[half:])):
        (root / name).write_text("\n".join(json.dumps({"id": f"gen-{name}-{k}", "text": t}, ensure_ascii=False)
                                           for k, t in enumerate(part)), encoding="utf-8")
    txt = root / "txt"
    txt.mkdir(exist_ok=True)
    for k, t in enumerate(texts[n * 3 // 4:]):
        (txt / f"r{k:05d}.txt").write_text(t, encoding="utf-8")
    return len(set(texts))


def sijill(settings, *args: str, **kw) -> subprocess.CompletedProcess:
    env = settings_env(settings) | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900, **kw)


def start(settings, *args: str) -> subprocess.Popen:
    env = settings_env(settings) | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def state(settings) -> tuple[dict, dict, dict]:
    """(DB id → (sha256, dup_group), index id → sha256, index id → dup_group)."""
    archive = Archive(settings)
    with archive.session() as s:
        db = {rid: (sha, group) for rid, sha, group in s.execute(select(Report.id, Report.sha256, Report.dup_group))}
    with archive.index.open().searcher() as searcher:
        reader = searcher.reader()
        # An ingest killed before its first commit leaves an empty index (no segment, no column).
        groups = reader.column_reader("dup_group") if reader.has_column("dup_group") else None
        index_groups = {reader.stored_fields(n)["id"]: groups[n] for n in reader.all_doc_ids()} if groups is not None else {}
    return db, archive.index.entries(), index_groups


def kill_at_random(settings, batch: Path, seconds: float, rng: random.Random, sig: int) -> float | None:
    """Start an ingest and send it `sig` at a random point of a run expected to take `seconds`.
    Returns the delay, or None when the run finished first."""
    delay = rng.uniform(0.1, 0.8) * seconds
    proc = start(settings, "ingest", str(batch))
    time.sleep(delay)
    if proc.poll() is not None:
        return None
    os.kill(proc.pid, sig)
    proc.wait(timeout=120)
    if proc.returncode == 0:  # it finished between the poll and the signal
        return None
    return delay


@pytest.mark.slow
def test_sigkill_at_random_points_then_check_repair_and_reingest_match_an_uninterrupted_run(tmp_path):
    batch = tmp_path / "batch"
    unique = generate(batch)
    assert unique >= 2000

    reference = make_settings(tmp_path / "reference")
    t0 = time.monotonic()
    r = sijill(reference, "ingest", str(batch))
    seconds = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    assert f"added {unique}, " in r.stdout
    expected = state(reference)
    assert len(expected[0]) == unique and any(g for _, g in expected[0].values())

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    # Killed from empty; then interrupted (Ctrl-C) and killed again while completing the job.
    for attempt, sig in enumerate((signal.SIGKILL, signal.SIGINT, signal.SIGKILL)):
        if attempt == 0:
            # The machine's load varies: if a run beats the reference's pace, start afresh.
            for tries in range(4):
                crashed = make_settings(tmp_path / f"crashed{tries}")
                budget = seconds * 0.8 ** tries
                delay = kill_at_random(crashed, batch, budget, rng, sig)
                if delay is not None:
                    break
            assert delay is not None, "the ingest always finished before it could be killed"
        else:
            done = len(state(crashed)[0])
            budget = 1.0 + seconds * (1 - done / unique)
            delay = kill_at_random(crashed, batch, budget, rng, sig)
            if delay is None:  # a resumed run with little left may finish first
                continue
        check = sijill(crashed, "check")
        note = f"seed {seed}, attempt {attempt}, {sig.name} after {delay:.1f}s of ~{budget:.1f}s"
        assert check.returncode in (0, 1), note + check.stderr
        if check.returncode == 1:
            assert "INCONSISTENT" in check.stdout and "content hash differs" not in check.stdout, note
            if sig == signal.SIGKILL:
                # the only possible difference: a batch the index committed and the database did not
                assert "in index but not in database" in check.stdout, note
                assert "missing from index" not in check.stdout, note
            assert sijill(crashed, "check", "--repair").returncode == 0, note
        after = sijill(crashed, "check")
        assert after.returncode == 0 and "consistent" in after.stdout, note
        db, index, _ = state(crashed)
        assert set(db) == set(index) and set(db) <= set(expected[0]), note

    r = sijill(crashed, "ingest", str(batch))
    assert r.returncode == 0, r.stderr
    assert state(crashed) == expected, f"seed {seed}"
    assert sijill(crashed, "check").returncode == 0


def _run_script(settings, body: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(body)
    env = settings_env(settings) | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


SMALL_BATCH = 100


@pytest.mark.slow
def test_killed_between_index_commit_and_database_commit(tmp_path):
    """The window the design leaves open on purpose: check lists the strays, re-ingest completes."""
    settings = make_settings(tmp_path)
    batch = tmp_path / "batch"
    unique = generate(batch, 300)
    r = _run_script(settings, f"""
        import os, signal
        from pathlib import Path
        from whoosh.writing import SegmentWriter
        from app.archive import Archive
        from app.config import get_settings
        from app.ingest import pipeline
        from app.ingest.pipeline import ingest

        pipeline.BATCH_SIZE = {SMALL_BATCH}  # several batches out of a small input
        archive = Archive(get_settings())
        real_commit, seen = SegmentWriter.commit, []

        def commit(self, *args, **kwargs):
            real_commit(self, *args, **kwargs)
            seen.append(1)
            if len(seen) == 2:  # the second batch is in the index; its database commit comes next
                os.kill(os.getpid(), signal.SIGKILL)

        SegmentWriter.commit = commit
        ingest(archive, [Path({str(batch)!r})], max_bytes=5_000_000)
    """)
    assert r.returncode == -signal.SIGKILL, r.stderr
    check = sijill(settings, "check")
    assert check.returncode == 1
    strays = [ln for ln in check.stdout.splitlines() if ln.startswith("in index but not in database")]
    assert len(strays) == min(SMALL_BATCH, unique - SMALL_BATCH)  # the second batch: in the index, not in the database
    assert sijill(settings, "check", "--repair").returncode == 0
    r = sijill(settings, "ingest", str(batch))
    assert r.returncode == 0 and "added " in r.stdout
    reference = make_settings(tmp_path / "ref")
    sijill(reference, "ingest", str(batch))
    assert state(settings) == state(reference)


@pytest.mark.slow
def test_a_writer_killed_while_holding_the_index_lock_does_not_block_the_next(tmp_path):
    """Whoosh locks with flock(2): the kernel drops the lock when the holder dies; the lock file
    stays behind, harmless, and the half-written segment never becomes visible."""
    settings = make_settings(tmp_path)
    r = _run_script(settings, """
        import os, signal
        from app.archive import Archive
        from app.config import get_settings

        archive = Archive(get_settings())
        writer = archive.index.writer()
        writer.add_document(id="deadbeef0000", sha256="0" * 64, title="x", body="نص لم يكتمل")
        writer.flush = None
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert any("LOCK" in p.name.upper() for p in settings.index_dir.iterdir())  # the stale lock file
    archive = Archive(settings)
    t0 = time.monotonic()
    writer = archive.index.open().writer(timeout=5.0)
    assert time.monotonic() - t0 < 2.0
    writer.cancel()
    assert archive.index.entries() == {}
    r = sijill(settings, "ingest", str(SEEDS))
    assert r.returncode == 0 and "added 5" in r.stdout
    assert sijill(settings, "check").returncode == 0
