"""Pydantic models of the JSON API — the same data the HTML pages show."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    code: str = Field(examples=["bad_parameter"])
    message: str = Field(examples=["«2016-13-40» ليس تاريخا صحيحا بالصيغة YYYY-MM-DD"])
    param: str | None = Field(default=None, examples=["from"])


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ReportSummary(BaseModel):
    id: str = Field(examples=["2c26b46b68ff"], description="Permalink ID: first 12 hex of the text's sha256")
    title: str = Field(examples=["سيطرت قوات النظام السوري على حي قاضي عسكر"])
    published: dt.date | None = Field(examples=["2016-12-05"])
    date_basis: str = Field(examples=["estimated"], description="stated | estimated | unknown")
    source: str | None = None
    snippet_html: str = Field(description="HTML-escaped passage; matching words wrapped in <mark>",
                              examples=["… على حي <mark>قاضي</mark> <mark>عسكر</mark> …"])
    score: float | None = None
    places: list[str] = Field(default_factory=list, description="Gazetteer slugs named in the report")
    url: str = Field(description="Permalink of the report page")


class FacetValueOut(BaseModel):
    value: str
    label: str | None = None
    count: int


class BucketOut(BaseModel):
    start: dt.date
    end: dt.date
    count: int


class QueryTermOut(BaseModel):
    text: str
    normalised: str
    stems: list[str]


class QueryOut(BaseModel):
    text: str
    terms: list[QueryTermOut]
    phrases: list[str]
    notes: list[str]
    suggestion: str | None = None


class Links(BaseModel):
    self: str
    next: str | None = None
    prev: str | None = None
    html: str


class SearchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"total": 1, "page": 1, "per_page": 20}]})

    total: int
    page: int
    per_page: int
    sort: str
    results: list[ReportSummary]
    facets: dict[str, list[FacetValueOut]]
    histogram: list[BucketOut]
    histogram_unit: str
    query: QueryOut
    links: Links


class PlaceMentionOut(BaseModel):
    slug: str
    count: int
    first_pos: int


class DateMentionOut(BaseModel):
    text: str
    start: int
    end: int
    date_from: dt.date
    date_to: dt.date
    precision: str
    relative: bool


class ReportDetail(BaseModel):
    id: str
    sha256: str
    original_sha256: str | None
    title: str
    body: str
    published: dt.date | None
    date_basis: str
    language: str
    source: str | None
    source_url: str | None
    source_id: str | None
    filename: str | None
    retrieved_at: dt.datetime | None
    ingested_at: dt.datetime
    dup_group: str | None
    places: list[PlaceMentionOut]
    dates: list[DateMentionOut]
    url: str


class Health(BaseModel):
    status: str
    database: int
    index: int
