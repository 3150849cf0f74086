"""keikaku report: a self-contained page, read in headless Chromium (Debian's chromium and
chromedriver, which `make test` installs: scripts/test-deps.sh): Japanese text renders with a real font, the tree
expands on a click, the legend names the entity labels in their colours, and each unit's sections and sub-units come
in the order of the text."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RAW

import keikaku
from keikaku.extract.entities import COARSE_LABELS
from keikaku.views.report import LABELS

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    for args in (["run", str(RAW), "--out", str(out), "--nlp", "fast", "-q"], ["report", str(out), "-q"]):
        result = subprocess.run([sys.executable, "-m", "keikaku", *args], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    return out / "report.html"


def test_report_is_self_contained_and_complete(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)  # nothing fetched from a network
    assert "<link" not in page and "<script src" not in page
    for doc_id in ("nishitokyo_2nd_kihonkeikaku_mi", "kodaira_kihonkoso", "kiyose_4th_chokikeikaku_summary"):
        assert f'id="{doc_id}"' in page
    assert 'data-id="み2/み2-1/み2-1-1"' in page  # every unit is in the tree
    assert '<mark data-label="EVENT" title="EVENT">東日本大震災</mark>' in page
    assert 'class="chip"' in page and "warning W207: " in page  # keyword chips; 002's inferred page


def _legend(page: str) -> dict[str, str]:
    """The legend's labels and their names."""
    [legend] = re.findall(r'<p class="legend">(.*?)</p>', page, flags=re.S)
    return dict(re.findall(r'<mark class="key" data-label="(\w+)">\1 ([^<]+)</mark>', legend))


def test_every_entity_label_has_a_name_and_a_colour() -> None:
    assert sorted(LABELS) == sorted(COARSE_LABELS)
    assert len({colour for _, colour in LABELS.values()}) == len(LABELS)


def test_the_legend_names_the_labels_marked_once_at_the_top(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    marked = set(re.findall(r'<mark data-label="(\w+)" title=', page))
    assert {"EVENT", "DATE", "PLAN"} <= marked
    assert _legend(page) == {label: LABELS[label][0] for label in marked}  # exactly the labels present
    assert page.count('class="legend"') == 1 and page.index('class="legend"') < page.index("<h2")
    documents = [keikaku.read_document(p) for p in report.parent.glob("*.json") if p.name != "manifest.json"]
    assert marked <= {e.label for d in documents for n in [d.root, *d.nodes()] for e in n.entities}


class _Blocks(HTMLParser):
    """Each unit's sections (by name) and sub-units (by id) in the order of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.units: list[str | None] = []  # the open <details>: a unit's id, or None (folded cells)
        self.blocks: dict[str, list[tuple[str, str]]] = {}
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details":
            uid = dict(attrs).get("data-id")
            if uid and self.units and self.units[-1]:
                self.blocks.setdefault(self.units[-1], []).append(("unit", uid))
            self.units.append(uid)
        elif tag == "h4" and self.units and self.units[-1]:
            self.heading = []

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.units.pop()
        elif tag == "h4" and self.heading is not None:
            self.blocks.setdefault(str(self.units[-1]), []).append(("section", "".join(self.heading)))
            self.heading = None


def test_sections_and_sub_units_come_in_the_order_of_the_text(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    checked = labels = 0
    for path in sorted(report.parent.glob("*.json")):
        if path.name == "manifest.json":
            continue
        doc = keikaku.read_document(path)
        start = page.index(f'<h2 id="{doc.doc_id}"')
        end = page.find("<h2 ", start + 1)
        parser = _Blocks()
        parser.feed(page[start:end if end > 0 else len(page)])
        for node in doc.nodes():
            listed: list[tuple[int, str, str]] = [(s.lines[0], "section", s.name) for s in node.sections]
            listed += [(c.lines[0], "unit", c.id) for c in node.children if not c.from_contents]
            if not node.sections or not any(kind == "unit" for _, kind, _ in listed):
                continue
            shown = [b for b in parser.blocks[node.id] if b in {(kind, name) for _, kind, name in listed}]
            assert shown == [(kind, name) for _, kind, name in sorted(listed)], node.id
            checked += 1
            for s in node.sections:
                if s.units:  # a label that introduces units comes right before the first
                    assert shown[shown.index(("section", s.name)) + 1] == ("unit", s.units[0])
                    labels += 1
    assert checked >= 10 and labels >= 5  # the seeds hold 18 such units and 7 labels that introduce units


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        if os.environ.get("KEIKAKU_BROWSER") == "missing":  # make test said why it could not install them
            pytest.skip("chromium and chromium-driver are missing and could not be installed (see make test's note)")
        pytest.fail("Debian's chromium and chromium-driver are needed: `make test` installs them"
                    " (apt-get install chromium chromium-driver fonts-noto-cjk)")
    # selenium comes with the test extra, so it is imported plainly (a broken install fails); only the
    # browser, a system package, may be missing (skipped above when make test could not install it).
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_tree_expands_on_a_click(report: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    node = browser.find_element(By.CSS_SELECTOR, 'details[data-id="み2/み2-1"]')
    child = browser.find_element(By.CSS_SELECTOR, 'details[data-id="み2/み2-1/み2-1-1"]')
    assert node.get_attribute("open") is None and not child.is_displayed()
    node.find_element(By.TAG_NAME, "summary").click()
    assert node.get_attribute("open") is not None and child.is_displayed()
    assert "人権尊重意識の醸成を進めます" in child.text


def test_japanese_text_renders_with_a_real_font(report: Path, browser, tmp_path: Path) -> None:
    """Two different Japanese strings must look different, and unlike the box a missing glyph
    draws (characters of the private use area have no glyph in any font)."""
    from PIL import Image, ImageChops
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    browser.execute_script("""
        for (const [id, text] of [["a", "基本目標協働"], ["b", "地域活動推進"], ["tofu", "\\ue000\\ue001\\ue002\\ue003\\ue004\\ue005"]]) {
            const span = document.createElement("span");
            span.id = id; span.textContent = text; span.style.fontSize = "40px";
            document.body.prepend(span, document.createElement("br"));
        }""")

    def shot(element_id: str) -> Image.Image:
        png = browser.find_element(By.ID, element_id).screenshot_as_png
        return Image.open(io.BytesIO(png)).convert("L")

    a, b, tofu = shot("a"), shot("b"), shot("tofu")
    assert a.getextrema()[0] < 100 and b.getextrema()[0] < 100  # dark strokes: something was drawn
    assert ImageChops.difference(a, b.resize(a.size)).getbbox() is not None  # different glyphs
    assert ImageChops.difference(a, tofu.resize(a.size)).getbbox() is not None  # not the missing-glyph box
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_the_legend_shows_the_colours_of_the_marks(report: Path, browser) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    keys = browser.find_elements(By.CSS_SELECTOR, ".legend mark")
    assert keys and keys[0].is_displayed()
    colours = set()
    for key in keys:
        label = key.get_attribute("data-label")
        mark = browser.find_element(By.CSS_SELECTOR, f'mark[data-label="{label}"][title]')
        colour = key.value_of_css_property("background-color")
        assert colour == mark.value_of_css_property("background-color") and colour != "rgba(0, 0, 0, 0)", label
        colours.add(colour)
    assert len(colours) == len(keys)  # a colour for each label
