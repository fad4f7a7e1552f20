"""The `sijill` command (also `python -m app`)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.config import get_settings

cli = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Sijill (سجل): a searchable archive of Arabic reports on armed conflict.")
console = Console(stderr=True)
out = Console()


def _archive():
    from app.archive import Archive
    return Archive(get_settings())


@cli.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (recursive): .txt (+ manifest.csv), "
                                                     ".html, .json, .jsonl, .csv, optionally gzipped")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be added, skipped and refused; "
                                                            "write nothing")] = False,
) -> None:
    """Add reports to the archive (database and index together); duplicates are skipped.

    Every refused file or record gets one line naming it (and its line or record) with the reason;
    the good reports of the same run are still added. Exit status 1 when anything was refused.
    """
    from app.archive import ArchivePeek
    from app.ingest.collector import fewer_collections
    from app.ingest.pipeline import ingest as run_ingest

    settings = get_settings()
    archive = None if dry_run else _archive()
    lookup = ArchivePeek(settings) if dry_run else None
    with fewer_collections(), Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                                       TextColumn("{task.completed}"), TimeElapsedColumn(), console=console,
                                       transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("ingesting", total=None)
        summary = run_ingest(archive, paths, max_bytes=settings.max_report_bytes, dry_run=dry_run, lookup=lookup,
                             progress=lambda origin: progress.update(task, advance=1, description=origin[-60:]))
    for notice in summary.notices:
        console.print(f"[yellow]note[/yellow] {escape(str(notice))}", markup=True, highlight=False, soft_wrap=True)
    for refusal in summary.refused:
        console.print(f"[red]refused[/red] {escape(str(refusal))}", markup=True, highlight=False, soft_wrap=True)
    verb = "would add" if dry_run else "added"
    grouped = f" ({len(summary.grouped)} of them grouped with a near-duplicate)" if summary.grouped else ""
    out.print(f"{verb} {len(summary.added)}, skipped as duplicate {len(summary.duplicates)}, "
              f"refused {len(summary.refused)}{grouped}", highlight=False)
    raise typer.Exit(0 if summary.ok else 1)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default SIJILL_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default SIJILL_PORT or 8000)")] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
) -> None:
    """Serve the archive over HTTP (migrates the database first)."""
    import os

    import uvicorn

    from app.db import PREPARED_ENV, migrated
    from app.search.schema import index_in_place

    settings = get_settings()
    # Migrate and open the index before accepting requests — unless both are plainly in place
    # already, which is decided from a few files without loading the archive's code (~0.7 s of
    # imports in this process before the workers could even start).
    if not (migrated(settings) and index_in_place(settings.index_dir)):
        _archive()
    # The workers need not migrate again (nor load Alembic): see app.web.app.create_app.
    os.environ[PREPARED_ENV] = "1"
    if workers > 1:
        # The supervisor only starts and watches the workers: replaced by a bare uvicorn (same
        # pid, same environment), it does not keep this process's ~70 MB of imports resident
        # next to the workers' own.
        # glibc gives each thread of uvicorn's pool its own malloc arena (up to 8 per core), which
        # kept ~80 MB more per worker resident under load: two arenas measured 597 → 430 MB for
        # two workers at 100k reports, same throughput (docs/performance.md). The workers inherit it.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        os.execv(sys.executable, [sys.executable, "-m", "uvicorn", "app.web.main:app",
                                  "--host", host or settings.host, "--port", str(port or settings.port),
                                  "--workers", str(workers), "--log-level", "info", "--no-proxy-headers"])
    uvicorn.run("app.web.main:app", host=host or settings.host, port=port or settings.port, workers=workers,
                log_level="info", proxy_headers=False)


@cli.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    n = _archive().reindex()
    out.print(f"reindexed {n} reports")


@cli.command()
def check(repair: Annotated[bool, typer.Option("--repair", help="Index what is missing, drop stray entries")] = False) -> None:
    """Check that database and index hold the same reports with the same content hashes."""
    archive = _archive()
    result = archive.check()
    if not result.ok and repair:
        result = archive.repair(result)
    for rid in result.missing_from_index:
        out.print(f"missing from index: {rid}")
    for rid in result.missing_from_db:
        out.print(f"in index but not in database: {rid}")
    for rid in result.hash_mismatch:
        out.print(f"content hash differs: {rid}")
    out.print(f"database {result.db_count}, index {result.index_count}: {'consistent' if result.ok else 'INCONSISTENT'}")
    raise typer.Exit(0 if result.ok else 1)


@cli.command()
def search(query: Annotated[str, typer.Argument(help="Query, as typed in the search box")],
           limit: Annotated[int, typer.Option(help="How many results")] = 10) -> None:
    """Search the archive and print the top results."""
    from app.search.params import SearchParams
    from app.search.service import SearchService

    page = SearchService(_archive()).search(SearchParams(q=query, per_page=max(1, min(limit, 100))))
    table = Table(title=f"{page.total} results")
    table.add_column("id")
    table.add_column("published")
    table.add_column("title")
    for h in page.results:
        table.add_row(h.id, f"{h.published or '—'}{' ~' if h.date_basis == 'estimated' else ''}", h.title)
    out.print(table)
    for note in page.parsed.notes:
        out.print(note)
    if page.suggestion:
        out.print(f"هل تقصد: {page.suggestion}")


@cli.command()
def export(fmt: Annotated[str, typer.Option("--format", help="Output format (jsonl)")] = "jsonl") -> None:
    """Write every report with its metadata to stdout (JSON Lines), for backup or moving an archive.

    `sijill ingest` reads the output back into an empty archive with identical IDs and hashes.
    """
    from app.ingest.export import jsonl_lines

    if fmt != "jsonl":
        console.print(f"unsupported --format {fmt!r}: the only format is jsonl", highlight=False)
        raise typer.Exit(2)
    archive = _archive()
    stream = sys.stdout.buffer  # UTF-8 whatever the locale says
    n = 0
    for line in jsonl_lines(archive.iter_export()):
        stream.write(line.encode("utf-8"))
        n += 1
    stream.flush()
    console.print(f"exported {n} reports", highlight=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    sys.exit(main())
