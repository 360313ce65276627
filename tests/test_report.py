"""The review report in a real browser (headless Chromium via Playwright), its PDF, the index.

``cementnb batch --pdf`` reviews every sample enterprise (conftest.sample_batch); each run's
report is rendered to HTML (nbconvert, package template) and PDF (Chromium); the checks read
the rendered DOM, not the HTML source. Screenshots are saved beside the reports.
"""

import subprocess

import pytest

from cementnb.report import SECTION_TITLES, find_chromium
from cementnb.samples import EXPECTED_CONCLUSION, REVIEW_DEFECTS

from conftest import EVIL_NAME as EVIL

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def reports(sample_batch):
    """The runs of ``cementnb batch --pdf`` (see conftest.sample_batch) and their index page."""
    rows = sample_batch["rows"]
    for enterprise, row in rows.items():
        assert row["status"] == "ok", (enterprise, row["message"])
    return sample_batch["reports"], {e: r["out_dir"] for e, r in rows.items()}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    assert chromium, "Chromium is required for the report tests (Debian package chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, path, width=794):
    page = browser.new_page(viewport={"width": width, "height": 1123})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, dialogs


def overflowing(page):
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('body *'))
          .filter(e => e.getBoundingClientRect().right > w + 1)
          .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
    }""")


@pytest.mark.parametrize("enterprise", list(EXPECTED_CONCLUSION))
def test_report_in_the_browser(reports, browser, enterprise):
    root, runs = reports
    page, dialogs = open_page(browser, runs[enterprise] / "report.html")
    assert page.inner_text("#conclusion").strip() == EXPECTED_CONCLUSION[enterprise]
    assert page.inner_text("#count-4").strip() == str(len(REVIEW_DEFECTS[enterprise]))
    headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent.trim())")
    assert headings == SECTION_TITLES
    assert page.eval_on_selector_all("script", "els => els.length") == 0
    assert page.eval_on_selector_all("img", "els => els.every(i => i.src.startsWith('data:image/png'))")
    assert not page.query_selector(".jp-InputArea") and not page.query_selector(".jp-InputPrompt")
    text = page.inner_text("body")
    assert "<IPython" not in text and "DataFrame" not in text and "Traceback" not in text
    assert overflowing(page) == []
    assert dialogs == []
    page.screenshot(path=str(runs[enterprise] / "report.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("enterprise", list(EXPECTED_CONCLUSION))
def test_report_pdf(reports, enterprise):
    _, runs = reports
    pdf = runs[enterprise] / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 8 <= pages <= 40
    assert "A4" in info or "595.92 x 842.88" in info or "595 x 842" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert EXPECTED_CONCLUSION[enterprise] in text.replace("\n", "")
    assert "第 1 页" in text and "一、审查结论" in text


def test_enterprise_text_is_shown_never_run(reports, browser):
    _, runs = reports
    for html_file in runs["sample-x"].glob("*.html"):  # every HTML record of the run, not only the report
        assert EVIL not in html_file.read_text(encoding="utf-8"), html_file.name
    page, dialogs = open_page(browser, runs["sample-x"] / "report.html")
    assert EVIL in page.inner_text("body")
    assert dialogs == [] and page.eval_on_selector_all("script", "els => els.length") == 0
    page.close()


def test_index_page(reports, browser):
    root, runs = reports
    page, dialogs = open_page(browser, root / "index.html", width=1200)
    rows = page.eval_on_selector_all("#overview tbody tr", "rs => rs.map(r => r.cells[2].textContent)")
    assert sorted(rows) == sorted(list(EXPECTED_CONCLUSION.values()) + ["符合规范要求"])
    assert EVIL in page.inner_text("#overview")  # escaped in the index too
    page.click("#overview th:nth-child(4)")  # sort by non-conformity count
    counts = page.eval_on_selector_all("#overview tbody tr", "rs => rs.map(r => Number(r.cells[3].dataset.v))")
    assert counts == sorted(counts)
    page.click("#overview th:nth-child(4)")
    counts = page.eval_on_selector_all("#overview tbody tr", "rs => rs.map(r => Number(r.cells[3].dataset.v))")
    assert counts == sorted(counts, reverse=True)
    links = page.eval_on_selector_all("#overview a", "as => as.map(a => a.getAttribute('href'))")
    assert all((root / link).is_file() for link in links) and len(links) == 8
    assert page.eval_on_selector_all("img", "els => els.length") == 1
    assert dialogs == [] and overflowing(page) == []
    page.screenshot(path=str(root / "index.png"), full_page=True)
    page.close()
