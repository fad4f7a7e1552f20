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


class QueryPlaceOut(BaseModel):
    slug: str = Field(examples=["sakhour"])
    text: str = Field(description="The words of the query that named the place", examples=["Sakhour"])
    name_ar: str = Field(examples=["الصاخور"])
    name_latin: str = Field(examples=["Sakhour"])


class QueryOut(BaseModel):
    text: str
    terms: list[QueryTermOut]
    phrases: list[str]
    places: list[QueryPlaceOut] = Field(default_factory=list,
                                        description="Gazetteer places the query names (Arabic or Latin)")
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


class PlaceSourceOut(BaseModel):
    key: str = Field(examples=["aljazeera-2016-12-07"])
    title: str
    url: str | None = None
    supports: str | None = Field(default=None, description="What exactly the source supports")


class PlaceSummary(BaseModel):
    slug: str = Field(examples=["qadi-askar"])
    name_ar: str = Field(examples=["قاضي عسكر"])
    name_latin: str = Field(examples=["Qadi Askar"])
    names_latin: list[str]
    kind: str = Field(description="city | neighbourhood | district | landmark | town | village | governorate")
    parent: str | None = Field(default=None, examples=["aleppo"])
    side_2016: str | None = Field(default=None, description="Who held it on 15 Nov 2016 (only when a cited "
                                  "source says so): opposition | government | divided | sdf | isil")
    report_count: int = Field(description="Reports that name the place")
    mention_count: int = Field(description="Mentions of the place in all those reports")
    url: str
    api_url: str


class PlaceGroup(BaseModel):
    kind: str
    side_2016: str | None = None
    label: str
    places: list[PlaceSummary]


class PlaceListResponse(BaseModel):
    total: int = Field(description="Number of places in the gazetteer")
    groups: list[PlaceGroup] = Field(description="By kind; Aleppo's quarters also by side in late 2016")


class PlaceBucketOut(BaseModel):
    start: dt.date
    end: dt.date
    reports: int
    mentions: int


class PlaceDetail(PlaceSummary):
    variants_ar: list[str]
    ambiguous: bool = Field(description="The name is also an everyday word or a person's name: tagged "
                                        "only in a place context")
    lat: float | None = None
    lon: float | None = None
    sources: list[PlaceSourceOut]
    ancestors: list[PlaceSummary] = Field(description="Parent, its parent, …")
    children: list[PlaceSummary] = Field(description="Places that lie in this one")
    reports: list[ReportSummary] = Field(description="Reports naming the place, newest first")
    page: int
    per_page: int
    timeline: list[PlaceBucketOut] = Field(description="Reports and mentions per period (publication date)")
    timeline_unit: str
    undated_reports: int
    links: Links
