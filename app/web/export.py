"""Whole-result-set exports: `/reports.csv` and `/reports.jsonl`, with the filters of `/reports`.

Streamed in batches: the search service walks the result's document numbers in order
(`SearchService.iter_result_ids`) and each batch of reports is read from the database, written and
released, so memory stays flat for 100k reports. `page`/`per_page` are ignored; `sort` applies.

CSV (RFC 4180, UTF-8 with a BOM so spreadsheets open Arabic correctly, CRLF rows), one row per report:

    id, title, published (YYYY-MM-DD or empty), date_basis (stated|estimated|unknown), source,
    source_url, places (gazetteer slugs separated by ";"), url (absolute permalink), text (cleaned body)

Spreadsheets run cells that begin with = + - @ (or a tab / carriage return) as formulas, so such cells
get a leading apostrophe ('). Use the JSON Lines export when the exact text matters: each line is the
`/api/reports/{id}` record (ReportDetail) with an absolute `url`.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from app.models import Report
from app.search.params import SearchParams
from app.search.service import SearchService

from .parameters import openapi_extra, search_parameters
from .schemas import ErrorResponse
from .security import HEAD_MARK
from .views import report_detail

router = APIRouter()
BATCH = 200
CSV_COLUMNS = ("id", "title", "published", "date_basis", "source", "source_url", "places", "url", "text")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: a leading apostrophe makes spreadsheets treat the cell as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def report_batches(service: SearchService, params: SearchParams, batch: int = BATCH) -> Iterator[list[Report]]:
    """The whole result set as batches of Report rows (places and dates loaded), in result order."""
    for ids in service.iter_result_ids(params, batch):
        with service.archive.session() as s:
            rows = {r.id: r for r in s.scalars(
                select(Report).where(Report.id.in_(ids))
                .options(defer(Report.original), selectinload(Report.places), selectinload(Report.dates)))}
        yield [rows[i] for i in ids if i in rows]  # a report deleted meanwhile is skipped, never a ghost


def csv_row(r: Report, base: str) -> list[str]:
    cells = [r.id, r.title, r.published.isoformat() if r.published else "", r.date_basis, r.source or "",
             r.source_url or "", ";".join(m.place_slug for m in r.places), f"{base}/reports/{r.id}", r.body]
    return [spreadsheet_safe(c) for c in cells]


def csv_chunks(service: SearchService, params: SearchParams, base: str, batch: int = BATCH) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)  # excel dialect: RFC 4180 quoting, CRLF
    buf.write(BOM)
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue().encode("utf-8")
    for reports in report_batches(service, params, batch):
        buf.seek(0)
        buf.truncate()
        writer.writerows(csv_row(r, base) for r in reports)
        yield buf.getvalue().encode("utf-8")


def jsonl_chunks(service: SearchService, params: SearchParams, base: str, batch: int = BATCH) -> Iterator[bytes]:
    for reports in report_batches(service, params, batch):
        lines = []
        for r in reports:
            record = report_detail(r)
            record.url = f"{base}/reports/{r.id}"
            lines.append(record.model_dump_json())
        if lines:
            yield ("\n".join(lines) + "\n").encode("utf-8")


def _stream(request: Request, chunks, media_type: str, filename: str) -> StreamingResponse:
    body = iter(()) if request.scope.get(HEAD_MARK) else chunks
    return StreamingResponse(body, media_type=media_type,
                             headers={"content-disposition": f'attachment; filename="{filename}"'})


_RESPONSES = {304: {"description": "Not modified"},
              400: {"model": ErrorResponse, "description": "A malformed parameter"}}


@router.get("/reports.csv", tags=["exports"], summary="The whole result set as CSV (UTF-8 with BOM)",
            description="تصدير كل النتائج المطابقة لمعايير /reports إلى CSV بترميز UTF-8 مع BOM ليفتحه "
                        "برنامج الجداول بالعربية سليمة. الأعمدة: " + ", ".join(CSV_COLUMNS) + ".",
            response_class=StreamingResponse,
            responses={200: {"description": "CSV, one row per report",
                             "content": {"text/csv": {"schema": {"type": "string"}}}}, **_RESPONSES},
            openapi_extra=openapi_extra(search_parameters()))
def reports_csv(request: Request) -> StreamingResponse:
    params = SearchParams.parse(request.query_params)
    base = str(request.base_url).rstrip("/")
    return _stream(request, csv_chunks(request.app.state.service, params, base),
                   "text/csv; charset=utf-8; header=present", "sijill-reports.csv")


@router.get("/reports.jsonl", tags=["exports"], summary="The whole result set as JSON Lines",
            description="تصدير كل النتائج المطابقة لمعايير /reports بصيغة JSON Lines: سطر لكل تقرير بشكل "
                        "/api/reports/{id} نفسه.",
            response_class=StreamingResponse,
            responses={200: {"description": "One ReportDetail JSON object per line",
                             "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}, **_RESPONSES},
            openapi_extra=openapi_extra(search_parameters()))
def reports_jsonl(request: Request) -> StreamingResponse:
    params = SearchParams.parse(request.query_params)
    base = str(request.base_url).rstrip("/")
    return _stream(request, jsonl_chunks(request.app.state.service, params, base),
                   "application/x-ndjson; charset=utf-8", "sijill-reports.jsonl")
