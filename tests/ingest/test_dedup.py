"""Near-duplicate stories: edited copies of one report are grouped (in one run and across runs),
an unrelated report is not; the group shows on the report page and collapses in results."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from app.ingest import dedup
from app.models import DupBand, DupSignature, Report
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, contract_id, ingest_paths

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
BASE = SEED_TEXTS[1]


def edited_copy_a(text: str) -> str:
    """An outlet's republication: its own dateline, changed figures, a place renamed, last sentence cut."""
    t = "حلب (وكالات) — " + text
    t = t.replace("18 مدنيا", "21 مدنيا").replace("845", "850").replace("الجزيرة", "الجزيرة نت", 2)
    sentences = re.split(r"(?<=\.)\s+", t)
    return " ".join(sentences[:-1])


def edited_copy_b(text: str) -> str:
    """Another outlet: a first sentence of its own, some words dropped, a paragraph break added."""
    sentences = re.split(r"(?<=\.)\s+", text)
    sentences[0] = "قالت مصادر محلية إن القصف على شرق حلب تواصل اليوم بكثافة."
    t = " ".join(sentences)
    t = t.replace(" بكثافة على", " على").replace("العنيف ", "", 1)
    mid = len(t) // 2
    cut = t.index(" ", mid)
    return t[:cut] + "\n\n" + t[cut + 1:]


def rid(text: str) -> str:
    return contract_id(text.encode("utf-8"))


def write(path, texts: list[str]) -> None:
    path.write_text("\n".join(json.dumps({"text": t, "source": f"outlet {i}"}, ensure_ascii=False)
                              for i, t in enumerate(texts)), encoding="utf-8")


def groups(archive) -> dict[str, str | None]:
    with archive.session() as s:
        return dict(s.execute(select(Report.id, Report.dup_group)).all())


def test_the_copies_really_are_edited():
    a, b = edited_copy_a(BASE), edited_copy_b(BASE)
    assert len({BASE, a, b}) == 3
    sims = [dedup.similarity(dedup.signature(x), dedup.signature(y)) for x, y in ((BASE, a), (BASE, b), (a, b))]
    assert all(0.7 <= s < 1.0 for s in sims), sims
    unrelated = dedup.similarity(dedup.signature(BASE), dedup.signature(SEED_TEXTS[3]))
    assert unrelated < 0.2


def test_edited_copies_are_grouped_and_an_unrelated_report_is_not(archive, tmp_path):
    texts = [BASE, SEED_TEXTS[3], edited_copy_a(BASE), edited_copy_b(BASE)]
    write(tmp_path / "wire.jsonl", texts)
    summary = ingest_paths(archive, tmp_path / "wire.jsonl")
    base, unrelated, a, b = map(rid, texts)
    assert summary.added == [base, unrelated, a, b]
    assert summary.grouped == {a: base, b: base}
    assert groups(archive) == {base: base, a: base, b: base, unrelated: None}
    with archive.session() as s:
        assert len(list(s.scalars(select(DupSignature.report_id)))) == 4  # every report keeps its signature
        banded = set(s.scalars(select(DupBand.report_id)))
    assert banded == {base, unrelated}  # only groups' first reports are banded
    assert archive.check().ok


def test_grouping_works_across_ingest_runs(settings, tmp_path):
    from app.archive import Archive

    first = tmp_path / "first.jsonl"
    write(first, [BASE, SEED_TEXTS[3]])
    assert len(ingest_paths(Archive(settings), first).added) == 2
    base = rid(BASE)
    assert groups(Archive(settings))[base] is None  # alone, so far
    later = tmp_path / "later.jsonl"
    write(later, [edited_copy_b(BASE), SEED_TEXTS[0]])
    archive = Archive(settings)  # a new process would open the archive afresh
    summary = ingest_paths(archive, later)
    assert summary.grouped == {rid(edited_copy_b(BASE)): base}
    g = groups(archive)
    assert g[base] == base and g[rid(edited_copy_b(BASE))] == base
    assert g[rid(SEED_TEXTS[0])] is None and g[rid(SEED_TEXTS[3])] is None
    assert archive.check().ok


def test_exact_duplicates_are_skipped_not_grouped(archive, tmp_path):
    write(tmp_path / "a.jsonl", [BASE, BASE.replace("\n", "\r\n")])
    summary = ingest_paths(archive, tmp_path / "a.jsonl")
    assert summary.added == [rid(BASE)] and summary.duplicates == [rid(BASE)] and summary.grouped == {}


def test_the_group_shows_on_the_report_page_and_collapses_in_results(archive, tmp_path, client_for):
    texts = [BASE, SEED_TEXTS[3], edited_copy_a(BASE), edited_copy_b(BASE), SEED_TEXTS[0]]
    write(tmp_path / "wire.jsonl", texts)
    ingest_paths(archive, tmp_path / "wire.jsonl")
    base, unrelated, a, b, other = map(rid, texts)
    client = client_for(archive)

    page = client.get(f"/reports/{a}").text
    also = page[page.index('id="also"'):]
    also = also[:also.index("</section>")]
    assert f'href="/reports/{base}"' in also and f'href="/reports/{b}"' in also and a not in also
    assert unrelated not in also
    assert 'id="also"' not in client.get(f"/reports/{unrelated}").text

    # Every report mentions Aleppo: five results, or three with the copies collapsed.
    full = client.get("/api/reports", params={"q": "حلب"}).json()
    assert full["total"] == 5
    collapsed = client.get("/api/reports", params={"q": "حلب", "collapse": "1"}).json()
    assert collapsed["total"] == 3
    sizes = {r["id"]: r["group_size"] for r in collapsed["results"]}
    assert len(sizes) == 3 and unrelated in sizes and other in sizes
    (member,) = set(sizes) & {base, a, b}
    assert sizes[member] == 3 and sizes[unrelated] == 1 and sizes[other] == 1
    # browsing (no query, newest first) collapses too; paging walks the groups
    browse = SearchService(archive).search(SearchParams(collapse=True, per_page=2))
    assert browse.total == 3 and len(browse.results) == 2
    page2 = SearchService(archive).search(SearchParams(collapse=True, per_page=2, page=2))
    assert len(page2.results) == 1
    assert not {h.id for h in browse.results} & {h.id for h in page2.results}
    # the HTML results page offers the toggle and says how many copies a result stands for
    html = client.get("/reports", params={"q": "حلب", "collapse": "1"}).text
    assert "نسختان مشابهتان" in html and "اعرض كل النسخ" in html


def test_lsh_parameters_are_datasketchs_optimum():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    assert (lsh.b, lsh.r) == (dedup.BANDS, dedup.ROWS)


@pytest.mark.parametrize("text", ["قصير جدا", "كلمة " * 5])
def test_short_texts_get_no_signature(text):
    assert dedup.signature(text) is None


def test_signatures_are_datasketchs_minhash_bit_for_bit():
    """Signatures are stored and compared with the ones computed later: the vectorised MinHash
    must stay datasketch's affine32 MinHash over crc32 of the 3-grams, value for value."""
    import zlib

    import numpy as np
    from datasketch import MinHash

    perms = MinHash(num_perm=dedup.NUM_PERM, seed=dedup.SEED, scheme="affine32").permutations
    assert all(np.array_equal(x, y) for x, y in zip(perms, dedup.permutations()))
    # the seeds, an edited copy, and a long text whose 3-grams are hashed in several chunks
    long_text = " ".join(f"{w}{i}" for i, w in enumerate(BASE.split() * 40))
    texts = [*SEED_TEXTS, edited_copy_a(BASE), long_text]
    assert len(dedup.shingles(long_text)) > 2 * dedup._CHUNK
    for text in texts:
        m = MinHash(num_perm=dedup.NUM_PERM, permutations=perms, hashfunc=zlib.crc32, scheme="affine32")
        m.update_batch([g.encode("utf-8") for g in dedup.shingles(text)])
        assert dedup.signature(text).tolist() == np.asarray(m.hashvalues, dtype=np.uint32).tolist()
