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
    group_size: int = Field(default=1, description="With collapse=1: reports in this near-duplicate group "
                                                   "(this one included) that match the query")


class FacetValueOut(BaseModel):
    value: str
    label: str | None = None
    count: int


class BucketOut(BaseModel):
    start: dt.date
    end: dt.date
    count: int


class QueryTermOut(BaseModel):
    text: str = Field(description="The word as typed")
    normalised: str = Field(description="Its matching form (folded; a trailing * marks a prefix)")
    stems: list[str] = Field(description="Light stems searched in the stem fields")
    parts: list[str] = Field(default_factory=list, description="A glued word's parts (الأممالمتحدة → الامم، المتحده)")


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
    excluded: list[str] = Field(default_factory=list, description="Excluded words, phrases or groups (-…)")
    mode: str = Field(default="all", description="all (every word required) | long (minimum-should-match) | structured (operators)")
    minimum_should_match: int | None = Field(default=None, description="For a long query: how many of its words a report must contain")
    notes: list[str]
    suggestion: str | None = Field(default=None, description="Did-you-mean: the query corrected from the archive's own vocabulary")


class Links(BaseModel):
    """Relative URLs of this result set: its pages, its HTML page, its feed and its exports."""
    self: str = Field(examples=["/api/reports?q=%D8%AD%D9%84%D8%A8&page=2"])
    next: str | None = Field(default=None, description="The next page, or null on the last one")
    prev: str | None = Field(default=None, description="The previous page, or null on the first one")
    html: str = Field(description="The same results as an HTML page", examples=["/reports?q=%D8%AD%D9%84%D8%A8&page=2"])
    feed: str | None = Field(default=None, description="Atom feed of the newest 50 reports matching the same filters",
                      examples=["/feed.atom?q=%D8%AD%D9%84%D8%A8"])
    csv: str | None = Field(default=None, description="The whole result set as CSV (UTF-8 with BOM)", examples=["/reports.csv?q=%D8%AD%D9%84%D8%A8"])
    jsonl: str | None = Field(default=None, description="The whole result set as JSON Lines", examples=["/reports.jsonl?q=%D8%AD%D9%84%D8%A8"])


_SEARCH_EXAMPLE = {
    "total": 1, "page": 1, "per_page": 20, "sort": "relevance",
    "results": [{
        "id": "db932edb0a81",
        "title": "واصلت قوات النظام السوري الأثنين تقدمها داخل شرق حلب، وسيطرت على حي قاضي عسكر",
        "published": "2016-12-05", "date_basis": "estimated", "source": None,
        "snippet_html": "… وسيطرت على حي <mark>قاضي</mark> <mark>عسكر</mark>، تزامنا مع إعلان روسيا …",
        "score": 31.8, "places": ["qadi-askar"], "url": "/reports/db932edb0a81"}],
    "facets": {"neighbourhood": [{"value": "qadi-askar", "label": "قاضي عسكر", "count": 1}]},
    "histogram": [{"start": "2016-12-05", "end": "2016-12-05", "count": 1}],
    "histogram_unit": "day",
    "query": {"text": "قاضي عسكر", "terms": [{"text": "قاضي", "normalised": "قاضي", "stems": ["قاض"]},
                                             {"text": "عسكر", "normalised": "عسكر", "stems": ["عسكر"]}],
              "phrases": [], "notes": [], "suggestion": None},
    "links": {"self": "/api/reports?q=%D9%82%D8%A7%D8%B6%D9%8A+%D8%B9%D8%B3%D9%83%D8%B1", "next": None, "prev": None,
              "html": "/reports?q=%D9%82%D8%A7%D8%B6%D9%8A+%D8%B9%D8%B3%D9%83%D8%B1",
              "feed": "/feed.atom?q=%D9%82%D8%A7%D8%B6%D9%8A+%D8%B9%D8%B3%D9%83%D8%B1",
              "csv": "/reports.csv?q=%D9%82%D8%A7%D8%B6%D9%8A+%D8%B9%D8%B3%D9%83%D8%B1",
              "jsonl": "/reports.jsonl?q=%D9%82%D8%A7%D8%B6%D9%8A+%D8%B9%D8%B3%D9%83%D8%B1"},
}


class SearchResponse(BaseModel):
    """One page of a search or browse: the same reports, in the same order, as the HTML page."""
    model_config = ConfigDict(json_schema_extra={"examples": [_SEARCH_EXAMPLE]})

    total: int = Field(description="Reports matching the filters (all pages)")
    page: int
    per_page: int
    sort: str = Field(description="relevance | newest | oldest (the order actually used)")
    results: list[ReportSummary]
    facets: dict[str, list[FacetValueOut]] = Field(description="Counts over the whole result set, by facet")
    histogram: list[BucketOut] = Field(description="Reports per period over the whole result set (gaps filled)")
    histogram_unit: str = Field(description="day | week | month")
    query: QueryOut = Field(description="How the query was understood")
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
    """A whole report with its provenance (source, hashes, file, times), places and dates."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "db932edb0a81", "sha256": "db932edb0a817cb50d0713c370333ffa0a61c689bebaa00287d0558a009524a7",
        "original_sha256": "db932edb0a817cb50d0713c370333ffa0a61c689bebaa00287d0558a009524a7",
        "title": "واصلت قوات النظام السوري الأثنين تقدمها داخل شرق حلب، وسيطرت على حي قاضي عسكر",
        "body": "واصلت قوات النظام السوري الأثنين تقدمها داخل شرق حلب، وسيطرت على حي قاضي عسكر …",
        "published": "2016-12-05", "date_basis": "estimated", "language": "ar", "source": None,
        "source_url": None, "source_id": None, "filename": "004_2572b2cef950dffc.txt", "retrieved_at": None,
        "ingested_at": "2024-05-01T10:00:00", "dup_group": None,
        "places": [{"slug": "qadi-askar", "count": 2, "first_pos": 71}],
        "dates": [{"text": "الأثنين", "start": 27, "end": 34, "date_from": "2016-12-05", "date_to": "2016-12-05",
                   "precision": "day", "relative": True}],
        "url": "/reports/db932edb0a81"}]})

    id: str
    sha256: str
    original_sha256: str | None
    title: str
    body: str
    published: dt.date | None
    date_basis: str = Field(description="stated (the source gives the date) | estimated (inferred from the "
                                        "content) | unknown")
    language: str
    source: str | None
    source_url: str | None
    source_id: str | None
    filename: str | None
    retrieved_at: dt.datetime | None
    ingested_at: dt.datetime
    dup_group: str | None
    encoding: str | None = None
    media_type: str = "text/plain"
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


class Stats(BaseModel):
    """The archive at a glance."""
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reports": 5, "indexed": 5, "by_date_basis": {"estimated": 5, "stated": 0, "unknown": 0},
        "first_published": "2016-11-17", "last_published": "2016-12-08", "places_in_gazetteer": 120,
        "places_with_reports": 31, "last_change": "2024-05-01T10:00:00Z"}]})

    reports: int = Field(description="Reports in the database")
    indexed: int = Field(description="Reports in the search index (equal to `reports` when healthy)")
    by_date_basis: dict[str, int] = Field(description="Reports per date basis: stated | estimated | unknown")
    first_published: dt.date | None = Field(description="Earliest publication date (null when none is known)")
    last_published: dt.date | None
    places_in_gazetteer: int
    places_with_reports: int = Field(description="Gazetteer places named by at least one report")
    last_change: dt.datetime = Field(description="When the archive last changed (the Last-Modified header)")
