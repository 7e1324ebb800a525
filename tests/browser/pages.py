"""The staff pages the browser walks, and what is checked on each in every view (light, dark, a phone).

Each page is a `Page`: a name (used for its screenshots), a function that makes its data and returns its
address, and the selector that shows it is drawn. Adding a page to the walk is adding it to PAGES.

The checks run in the page itself (JavaScript through Playwright):

- no element sticks out of the screen sideways, except inside a box that scrolls (a wide table);
- text in the band colours, flags and notes has a contrast of at least 4.5:1 with what is behind it
  (WCAG AA for normal text), in light and in dark mode;
- no text of a chart is cut by the chart's edge, and no value or label crosses the reference line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class View:
    name: str
    width: int
    color_scheme: str


VIEWS = [
    View("light", 1400, "light"),
    View("dark", 1400, "dark"),
    View("phone-light", 390, "light"),
    View("phone-dark", 390, "dark"),
]


@dataclass(frozen=True)
class Page:
    name: str
    setup: Callable[[], str]
    ready: str


def _rankings() -> str:
    from tests.builders import build_ranked_year

    data = build_ranked_year()
    return reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "city_assigned"])


def _rankings_empty_choice() -> str:
    from tests.builders import build_ranked_year

    data = build_ranked_year()
    url = reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "district_transfer"])
    return f"{url}?source=nstw"


def _unit_page() -> str:
    from tests.builders import build_ranked_year

    data = build_ranked_year()
    url = reverse(
        "admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", data["investors"][1].pk]
    )
    return f"{url}?year=2024"


def _import_preview() -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disbursement.importing.jobs import create_import_job
    from tests.builders import build_workbook, load_master_data, small_spec

    load_master_data()
    job = create_import_job(SimpleUploadedFile("giai-ngan.xlsx", build_workbook(small_spec())))
    return reverse("admin:disbursement_snapshot_import_job", args=[job.pk])


def _sample() -> None:
    from disbursement.sample.loader import load_sample

    load_sample()


def _flags() -> str:
    _sample()
    return reverse("admin:disbursement_flag_changelist")


def _flag_detail() -> str:
    from disbursement.models import Flag

    _sample()
    flag = Flag.objects.order_by("pk").first()
    return reverse("admin:disbursement_flag_change", args=[flag.pk])


def _draft() -> str:
    _sample()
    return reverse("admin:disbursement_report_draft")


def _home() -> str:
    from tests.builders import build_ranked_year

    build_ranked_year()
    return reverse("admin:index")


PAGES = [
    Page("home", _home, "#home"),
    Page("rankings", _rankings, "svg.chart-bar rect.bar"),
    Page("rankings-empty-choice", _rankings_empty_choice, "#empty-combination"),
    Page("unit-page", _unit_page, "#history"),
    Page("import-preview", _import_preview, "#job-status"),
    Page("flags", _flags, "#result_list"),
    Page("flag-detail", _flag_detail, "#content-main"),
    Page("draft", _draft, "form.report-draft-choose"),
]


OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el)) {
      out.push(name(el) + " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, offenders: out.slice(0, 10)};
}
"""

CONTRAST_SELECTORS = [
    ".legend-band",
    "td.ratio .band-text",
    ".flag",
    ".rank-up",
    ".rank-down",
    ".partial",
    ".carried",
    ".provenance",
    ".issue-error",
    ".issue-warning",
    ".empty-combination p",
    ".change-old",
    ".change-new",
]

CONTRAST = """
(selectors) => {
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const results = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.textContent.trim() || el.getClientRects().length === 0) continue;
      const bg = background(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      results.push({selector: selector, text: el.textContent.trim().slice(0, 40), ratio: ratio});
    }
  }
  return results;
}
"""

CHART_TEXT = """
() => {
  const cut = [], crossing = [];
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    const lines = Array.from(svg.querySelectorAll("line.reference")).map((l) => l.getBoundingClientRect());
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      const outside = r.left < box.left - 0.5 || r.right > box.right + 0.5;
      if (outside || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
        cut.push(text.textContent);
      }
      if (text.matches(".value, .label") && lines.some((line) => meets(r, line))) crossing.push(text.textContent);
    }
  }
  return {cut: cut, crossing: crossing};
}
"""

AA_NORMAL_TEXT = 4.5
