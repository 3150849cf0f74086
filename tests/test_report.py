"""keikaku report: a self-contained page, read in headless Chromium (Debian's chromium and
chromedriver, which `make test` installs: scripts/test-deps.sh): Japanese text renders with a real font, and the tree
expands on a click."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RAW

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
