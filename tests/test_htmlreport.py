"""The HTML report: its content (parsed with html5lib) and its rendering in headless Chromium."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import pytest

import cilo
from cilo.vocabulary import functions
from tests.conftest import EXAMPLES, FIXTURES, run_cli

FINNISH = EXAMPLES / "finnish-ci-model.yaml"
ENGLISH = EXAMPLES / "english-ics.yaml"
STAR = FIXTURES / "network" / "star.yaml"
MARKUP = FIXTURES / "report" / "markup-in-labels.yaml"


def parse(html: str) -> Element:
    """The page as a browser's parser reads it (SVG elements without their namespace, for brevity)."""
    page = html5lib.parse(html, namespaceHTMLElements=False)
    for element in page.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    return page


def matrix(page: Element) -> dict[str, dict[str, Element]]:
    """Initiative label -> function label -> its cell."""
    heads = [th.text or "" for th in page.findall(".//table[@id='coverage']/thead/tr/th")][1:]
    rows = {}
    for tr in page.findall(".//table[@id='coverage']/tbody/tr"):
        th = tr.find("th")
        assert th is not None
        rows[th.text or ""] = dict(zip(heads, tr.findall("td"), strict=True))
    return rows


def actors_of(path: Path) -> set[str]:
    g = cilo.network(path).graph
    return {n for n, kind in g.nodes(data="kind") if kind == "actor"}


def test_finnish_matrix_has_every_initiative_and_function_and_the_two_missing_sponsors() -> None:
    page = parse(cilo.html_report(FINNISH))
    cells = matrix(page)
    programme = cells.pop("The Finnish CI model (national programme)")
    assert len(cells) == 7
    assert all(len(row) == len(functions()) == 9 for row in cells.values())
    missing = {
        (i, f) for i, row in cells.items() for f, td in row.items() if td.get("data-state") == "missing"
    }
    assert missing == {
        ("Family services CI, Siunsote", "Sponsor"),
        ("Family services CI, Soite", "Sponsor"),
    }
    # every part covers the rest, with the programme's national roles counted as its own
    assert all(
        td.get("data-state") == "covered" for row in cells.values() for f, td in row.items() if f != "Sponsor"
    )
    # the programme holds only ITLA's national roles and is not asked for the others
    assert {f for f, td in programme.items() if td.get("data-state") == "covered"} == {
        "Boundary spanner", "Catalyst", "Champion", "Facilitator", "Information and knowledge broker",
        "Initiator", "Meta-governor",
    }  # fmt: skip
    assert not any(td.get("data-state") == "missing" for td in programme.values())


def test_parts_follow_their_programme_indented_and_say_so_to_screen_readers() -> None:
    page = parse(cilo.html_report(FINNISH))
    heads = page.findall(".//table[@id='coverage']/tbody/tr/th")
    assert heads[0].text == "The Finnish CI model (national programme)" and heads[0].get("class") is None
    assert [th.text for th in heads[1:]] == sorted(th.text for th in heads[1:])
    for th in heads[1:]:
        assert th.get("class") == "part" and "padding-left: 1.5em" in th.get("style", "")
        hidden = th.find("span[@class='sr-only']")
        assert hidden is not None and hidden.text == " (part of The Finnish CI model (national programme))"


def test_cells_name_holders_and_roles_for_hover_and_screen_readers() -> None:
    cells = matrix(parse(cilo.html_report(FINNISH)))
    evaluator = cells["Family services CI, Oulu"]["Meta-governor"]
    hidden = evaluator.find("span[@class='sr-only']")
    assert hidden is not None
    assert evaluator.get("title") == hidden.text
    itla = "ITLA, Itsenäisyyden juhlavuoden lastensäätiö (national backbone)"
    programme = "in The Finnish CI model (national programme)"
    assert f"{itla} (Evaluator {programme}, Implementation supporter {programme})" in evaluator.get(
        "title", ""
    )
    assert "ITLA" in evaluator.get("title", "")
    sponsor = cells["Family services CI, Soite"]["Sponsor"]
    assert sponsor.get("title") == "Sponsor: missing"


def test_gaps_name_the_roles_that_would_supply_them() -> None:
    page = parse(cilo.html_report(STAR))
    gaps = {
        (li.get("data-function"), " ".join("".join(li.itertext()).split()))
        for li in page.iter("li")
        if li.get("class") == "gap"
    }
    texts = dict(gaps)
    # Table 3: Initiator is represented by the futures thinker (national) and the cross-sectoral player.
    assert "supplied by the backbone roles" in texts["Initiator"]
    assert "Futures thinker" in texts["Initiator"]
    assert "no backbone role supplies it" in texts["Sponsor"]


def test_network_has_one_node_per_actor_and_one_edge_per_assignment() -> None:
    for path in (FINNISH, ENGLISH, STAR):
        page = parse(cilo.html_report(path))
        svg = page.find(".//svg[@id='network']")
        assert svg is not None
        drawn = {g.get("data-id") for g in svg.iter("g") if g.get("class") == "actor"}
        assert drawn == actors_of(path)
        g = cilo.network(path).graph
        assignments = sum(1 for *_, kind in g.edges(data="kind") if kind == "assignment")
        assert sum(1 for p in svg.iter("path") if "edge" in p.get("class", "")) == assignments


def test_actors_are_drawn_in_the_row_of_their_level() -> None:
    page = parse(cilo.html_report(FINNISH))
    rows = {g.get("data-id"): g.get("data-row") for g in page.iter("g") if g.get("class") == "actor"}
    assert rows["https://example.org/finnish-ci/itla"] == "National"
    assert {r for r in rows.values()} <= {"National", "Regional", "Local"}


def test_the_page_is_self_contained() -> None:
    html = cilo.html_report(FINNISH)
    page = parse(html)
    assert page.find(".//script") is None
    for element in page.iter():
        for attribute in ("src", "href"):
            assert not element.get(attribute, "").startswith(("http:", "https:", "//", "file:"))
    assert page.find(".//link") is None
    assert page.find(".//style") is not None


def test_labels_that_look_like_markup_stay_text() -> None:
    html = cilo.html_report(MARKUP)
    page = parse(html)
    assert page.find(".//script") is None
    assert page.find(".//img") is None
    assert "<script>alert" not in html
    assert "Initiative <script>alert('x')</script> & <b>bold</b>" in matrix(page)


def test_messages_and_profile_are_shown() -> None:
    page = parse(cilo.html_report(MARKUP, profile="eight-functions"))
    profile = page.find(".//*[@id='profile']")
    assert profile is not None and profile.text == "eight-functions"
    messages = page.findall(".//ul[@id='messages']/li")
    assert {li.get("class") for li in messages} == {"violation", "warning"}
    report = cilo.validate(MARKUP, profile="eight-functions")
    assert len(messages) == len(report.results)
    # The worker's LocalSupport role does not represent the proposed ninth function: missing under
    # the nine-function profile, open (no holder, not required) under the eight-function one.
    (eight,) = matrix(page).values()
    (nine,) = matrix(parse(cilo.html_report(MARKUP))).values()
    assert nine["Information and knowledge broker"].get("data-state") == "missing"
    assert eight["Information and knowledge broker"].get("data-state") == "open"
    assert eight["Sponsor"].get("data-state") == nine["Sponsor"].get("data-state") == "missing"


def test_cli_report_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = run_cli("report", FINNISH, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "written" in done.stdout
    assert out.read_text(encoding="utf-8") == cilo.html_report(FINNISH)


def test_cli_report_bad_input_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nlabel: [unclosed\n", encoding="utf-8")
    done = run_cli("report", bad, "-o", tmp_path / "r.html")
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr and "line" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


# --- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium driven by ChromeDriver (Debian's chromium and chromium-driver packages,
    which `make test` installs through tests/setup-system.sh)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail(
            "the browser tests need Chromium and ChromeDriver, and they were not found on PATH: "
            "run `bash tests/setup-system.sh` (as root it installs Debian's chromium and "
            "chromium-driver packages) or install them by hand"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--user-data-dir={profile}",
        "--window-size=1300,2000",
    ):
        options.add_argument(argument)
    os.environ.setdefault("SE_AVOID_STATS", "true")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_report_renders_in_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    cilo.write_report(FINNISH, out)
    browser.get(out.as_uri())
    assert browser.title == "cilo coverage report"

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000  # a drawn page, not a blank one

    rows = browser.find_elements(By.CSS_SELECTOR, "#coverage tbody tr")
    assert len(rows) == 8  # the programme and its seven parts
    assert all(len(r.find_elements(By.CSS_SELECTOR, "td")) == 9 for r in rows)
    missing = browser.find_elements(By.CSS_SELECTOR, "#coverage td.missing")
    marked = {
        (
            m.find_element(By.XPATH, "./parent::tr").get_attribute("data-initiative"),
            m.get_attribute("data-function"),
        )
        for m in missing
    }
    fi = "https://example.org/finnish-ci/"
    assert marked == {(fi + "siunsote", "Sponsor"), (fi + "soite", "Sponsor")}
    # a part is drawn indented under its programme
    heads = browser.find_elements(By.CSS_SELECTOR, "#coverage tbody th")
    assert heads[1].location["x"] == heads[0].location["x"]  # the cells line up; the text moves in
    assert heads[1].value_of_css_property("padding-left") != heads[0].value_of_css_property("padding-left")
    # Missing cells are coloured differently from covered ones, as rendered, not only as classes.
    covered = browser.find_element(By.CSS_SELECTOR, "#coverage td.covered")
    assert missing[0].value_of_css_property("background-color") != covered.value_of_css_property(
        "background-color"
    )
    # The screen-reader text is in the accessibility tree but takes no room on screen.
    hidden = missing[0].find_element(By.CSS_SELECTOR, ".sr-only")
    assert hidden.get_attribute("textContent") == "Sponsor: missing"
    assert hidden.size["width"] <= 1

    actors = browser.find_elements(By.CSS_SELECTOR, "svg#network g.actor")
    assert {a.get_attribute("data-id") for a in actors} == actors_of(FINNISH)
    assert all(a.is_displayed() and a.size["width"] > 0 for a in actors)
    svg = browser.find_element(By.CSS_SELECTOR, "svg#network")
    assert svg.size["width"] > 500 and svg.size["height"] > 300


@pytest.mark.parametrize(
    "path", [FINNISH, ENGLISH, FIXTURES / "network" / "two-functions.yaml"], ids=lambda p: p.stem
)
def test_each_cell_counts_the_holders_coverage_matrix_counts(path: Path) -> None:
    """One actor holding a function through two roles, or directly twice, is one holder (issue 19)."""
    cells = matrix(parse(cilo.html_report(path)))
    labels = {str(i): name for i, name in cilo.validate(path).initiatives.items()}
    expected = {
        (labels[str(r["initiative"])], str(r["functionLabel"])): int(r["holders"] or 0)
        for r in cilo.query("coverage-matrix", path)
    }
    for initiative, row in cells.items():
        for function, td in row.items():
            shown = td.find("span[@aria-hidden='true']")
            assert shown is not None
            count = int(shown.text) if (shown.text or "").isdigit() else 0
            assert count == expected.get((initiative, function), 0), (initiative, function)


def test_timeline_strips_show_covered_and_uncovered_periods_with_text_alternatives() -> None:
    page = parse(cilo.html_report(FIXTURES / "dated" / "sponsors.yaml"))
    section = page.find(".//section[@id='timeline']")
    assert section is not None
    [figure] = section.findall(".//figure")
    assert figure.get("data-initiative") == "https://example.org/dated/valley"
    svg = figure.find(".//svg")
    assert (
        svg is not None and svg.get("role") == "img" and "Valley family services" in svg.get("aria-label", "")
    )
    bars = svg.findall(".//rect")
    titles = [_title(b) for b in bars]
    assert len(bars) == 12 and [b.get("class") for b in bars].count("missing") == 2
    sponsor = [(b, t) for b, t in zip(bars, titles, strict=True) if t.startswith("Sponsor")]
    assert [t for _, t in sponsor] == [
        "Sponsor: not covered, from the start to 2021-12-31",
        "Sponsor: covered by First sector director, from 2022-01-01 to 2024-12-31",
        "Sponsor: not covered, from 2025-01-01 to 2025-02-28",
        "Sponsor: covered by Second sector director, from 2025-03-01 onwards",
    ]
    xs = [(float(b.get("x", "0")), float(b.get("width", "0"))) for b, _ in sponsor]
    assert all(abs(x + w - nx) < 0.2 for (x, w), (nx, _) in itertools.pairwise(xs))  # end to end
    assert [li.text for li in figure.findall(".//details//li")] == titles  # the same, in words
    assert [t.text for t in svg.findall(".//text") if t.get("class") == "tick"] == [
        "2022",
        "2023",
        "2024",
        "2025",
    ]


def test_timeline_section_shows_parts_only_and_says_when_nothing_is_dated() -> None:
    finnish = parse(cilo.html_report(FINNISH)).findall(".//section[@id='timeline']//figure")
    assert len(finnish) == 7  # the programme's parts; the programme is not asked
    english = parse(cilo.html_report(ENGLISH)).find(".//section[@id='timeline']")
    assert english is not None and english.find(".//figure") is None
    assert "No assignment records a period" in "".join(english.itertext())


def _title(element: Element) -> str:
    title = element.find("title")
    return "" if title is None else title.text or ""


def test_a_part_two_levels_down_names_where_each_inherited_role_is_held() -> None:
    cells = matrix(parse(cilo.html_report(FIXTURES / "programmes" / "three-levels.yaml")))
    town = cells["First town"]
    # each role named once, with the programme that holds it (not "in Regional initiative" again)
    assert town["Champion"].get("title") == (
        "Champion: National backbone (Bridge builder in National programme); "
        "Regional development worker (Cross-sectoral player in Regional initiative)"
    )
    assert town["Sponsor"].get("title") == "Sponsor: Sector director (directly)"
    assert cells["Second town"]["Sponsor"].get("data-state") == "missing"
