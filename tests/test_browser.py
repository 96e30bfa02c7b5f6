"""The web app in a real browser: Debian's Chromium driven by Playwright, the real model, a small index.

A member of staff asks a question, reads the answer and its source card, asks a follow-up,
uploads a release and asks what only it says; marks an answer wrong with the right one, and
after a restart `qa feedback export` gives that question with its key. The time from pressing Enter to the answer
on screen is measured for each question and the median printed. Set QA_SCREENSHOT_DIR to
keep the screenshots (of this small corpus; the README's, of corpus/, is made by docs/make_screenshot.py).
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import app
from qa import Settings

from .conftest import copy_sample_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keep it from reaching for a network it lacks.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SEED_TITLE = "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"
ANSWER_TIMEOUT_MS = 30_000
UPLOAD_PAGE = """<!doctype html><html><head><title>Cambodia and Japan sign water agreement | Ministry</title>
<script>window.injected = "NAVIGATION-SCRIPT";</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Cambodia and Japan sign water agreement</h1><p>1 March 2023</p>
<p>On 1 March 2023, the Kingdom of Cambodia and Japan signed an agreement on clean water supply for Siem Reap
province. Japan will provide a grant of 2.5 billion yen for the new water treatment plant.</p>
<p>The tender names the plant's control software &lt;script&gt;pump()&lt;/script&gt;, which is open source.</p>
</article><footer>Copyright 2023 Ministry</footer></body></html>"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser_settings(tmp_path_factory):
    """The seed and three ASEAN releases; the first launch builds their index."""
    folder = tmp_path_factory.mktemp("browser")
    copy_sample_corpus(folder / "corpus")
    return Settings(index_dir=folder / "index", corpus_dir=folder / "corpus")


@contextmanager
def served(settings: Settings, embedder):
    """The app as `python app.py` starts it (building the index on a first launch); yields its URL."""
    assistant, note = app.open_assistant(settings, embedder=embedder)
    demo = app.build_app(assistant, settings, note)
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, **app.launch_options(settings, "127.0.0.1", port))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def app_url(browser_settings, real_embedder):
    with served(browser_settings, real_embedder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: apt-get install chromium chromium-driver (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def opened(browser, url: str):
    """A page of the app, ready for a question; no script from a release or a question may run in it."""
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=ANSWER_TIMEOUT_MS)
    yield page
    assert dialogs == [], "a script from a release or a question ran in the page"
    page.close()


@pytest.fixture
def page(browser, app_url):
    with opened(browser, app_url) as page:
        yield page


class Chat:
    """Types questions into the app and times each answer."""

    def __init__(self, page):
        self.page = page
        self.seconds: list[float] = []

    def ask(self, question: str) -> str:
        """Submits with Enter and waits for the answer bubble; returns its text."""
        answers = self.page.locator("#chat [data-testid=bot]")
        count = answers.count()
        self.page.fill("#question textarea", question)
        started = time.perf_counter()
        self.page.press("#question textarea", "Enter")
        answers.nth(count).wait_for(timeout=ANSWER_TIMEOUT_MS)
        self.seconds.append(time.perf_counter() - started)
        return answers.nth(count).inner_text()

    def upload(self, path: Path) -> str:
        self.page.click("#upload-panel >> text=Add releases")
        self.page.set_input_files("#upload input[type=file]", str(path))
        self.page.wait_for_selector("#upload-result li", timeout=ANSWER_TIMEOUT_MS * 2)
        return self.page.inner_text("#upload-result")


@pytest.mark.parametrize("width, height", [(1366, 768), (1400, 1000)])
def test_ask_button_and_first_source_card_are_on_screen_without_scrolling(browser, app_url, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(app_url)
        page.wait_for_selector("#question textarea", timeout=ANSWER_TIMEOUT_MS)
        Chat(page).ask("Who co-chaired the meeting?")
        page.locator("#sources .source-card").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.screenshot(path=str(Path(os.environ.get("QA_SCREENSHOT_DIR") or tmp_path) / f"screen-{width}x{height}.png"))
        assert page.evaluate("window.scrollY") == 0
        for selector in ("#ask", "#sources .source-card"):
            box = page.locator(selector).first.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= height, f"{selector} at {box} on a {width}x{height} screen"
    finally:
        page.close()


def test_a_date_the_filter_cannot_read_gets_a_message(page):
    page.fill("#date-from input.time", "next Tuesday")  # the picker itself would keep it to itself
    answer = Chat(page).ask("Who co-chaired the meeting?")
    assert "the From date must be YYYY-MM-DD" in answer and "'next Tuesday' is not a date" in answer
    assert "No passages" in page.inner_text("#sources") or page.locator("#sources .source-card").count() == 0


def test_timeline_hides_the_talking_points_controls(page):
    page.get_by_role("tab", name="Talking points").click()
    assert page.locator("#briefing-k").is_visible() and page.locator("#briefing-order").is_visible()
    page.get_by_label("Timeline").check()
    page.locator("#briefing-k").wait_for(state="hidden", timeout=ANSWER_TIMEOUT_MS)
    assert not page.locator("#briefing-order").is_visible()
    page.get_by_label("Talking points", exact=True).check()
    page.locator("#briefing-k").wait_for(state="visible", timeout=ANSWER_TIMEOUT_MS)


def test_staff_ask_check_the_source_follow_up_and_upload(page, tmp_path, capsys):
    chat = Chat(page)
    assert "releases" in page.inner_text("#status")

    answer = chat.ask("Who co-chaired the meeting?")
    assert "Retno Marsudi" in answer and "Sergey Lavrov" in answer and "[1]" in answer
    card = page.locator("#sources .source-card").first
    assert SEED_TITLE in card.locator(".source-title").inner_text()
    assert "co-chaired" in card.locator(".source-passage mark").inner_text()

    chat.ask("When was it held?")  # the answer quotes the seed release (its date sentence ranks third: docs/evaluation.md)
    assert SEED_TITLE in page.locator("#sources .source-card").first.locator(".source-title").inner_text()
    assert "Searched for: When was the Special ASEAN-Russia Foreign Ministers' Meeting held?" in \
        page.inner_text("#sources .searched")
    screenshot = Path(os.environ.get("QA_SCREENSHOT_DIR") or tmp_path) / "browser-chat.png"
    page.screenshot(path=str(screenshot), full_page=True)

    release = tmp_path / "water-agreement.html"
    release.write_text(UPLOAD_PAGE, encoding="utf-8")
    assert "water-agreement.html: added: 'Cambodia and Japan sign water agreement'" in chat.upload(release)
    answer = chat.ask("How much will Japan provide for the water treatment plant?")
    assert "2.5 billion yen" in answer
    sources = page.locator("#sources")
    assert "Cambodia and Japan sign water agreement" in sources.locator(".source-title").first.inner_text()
    assert "<script>pump()</script>" in sources.inner_text() and sources.locator("script").count() == 0
    assert "NAVIGATION-SCRIPT" not in sources.inner_text()

    answer = chat.ask('<img src=x onerror="alert(1)"> What did the ministry say about Mars?')
    assert "The releases don't say" in answer
    assert page.locator("#chat img[src=x]").count() == 0
    assert '<img src=x onerror="alert(1)">' in page.locator("#chat [data-testid=user]").last.inner_text()

    chat.ask("Where was the agreement signed?")
    median = statistics.median(chat.seconds)
    with capsys.disabled():
        print(f"\nsubmit-to-answer in the browser: median {median:.2f} s of "
              f"{', '.join(f'{seconds:.2f}' for seconds in chat.seconds)} s; screenshot {screenshot}")
    assert median < 5


def test_briefer_prepares_talking_points_and_downloads_them(page, tmp_path):
    import docx

    page.get_by_role("tab", name="Talking points").click()
    page.fill("#topic textarea", "ASEAN-Russia cooperation")
    page.click("#prepare")
    page.wait_for_function(
        "() => (document.querySelector('#briefing-text textarea') || {}).value?.includes('[1]')",
        timeout=ANSWER_TIMEOUT_MS)
    text = page.input_value("#briefing-text textarea")
    assert "ASEAN-Russia" in text and "Outcomes of the Special ASEAN-Russia Foreign Ministers" in text
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert 1 <= len(bullets) <= 6 and all("[" in line for line in bullets)

    link = page.locator('#briefing-files a[download$=".docx"]').first
    link.wait_for(timeout=ANSWER_TIMEOUT_MS)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    document_text = "\n".join(paragraph.text for paragraph in docx.Document(saved).paragraphs)
    assert "Outcomes of the Special ASEAN-Russia Foreign Ministers" in document_text


def test_why_this_answer_shows_a_plain_summary_and_folds_the_trace_of_the_last_answer(page):
    Chat(page).ask("Who co-chaired the meeting?")
    summary, trace = page.locator("#why .why-summary"), page.locator("#why pre")
    assert not summary.is_visible()  # closed until asked for
    page.click("#why-answer >> text=Why this answer?")
    summary.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Outcomes of the Special ASEAN-Russia" in summary.inner_text() and not trace.is_visible()
    page.click("#why >> text=Details for operators")
    trace.wait_for(timeout=ANSWER_TIMEOUT_MS)
    text = trace.inner_text()
    assert "retrieval (fused rank" in text and "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt" in text
    assert text.strip().splitlines()[-1].startswith("verdict: ")


def test_staff_mark_an_answer_wrong_and_after_a_restart_it_is_a_question(browser, browser_settings, real_embedder,
                                                                         tmp_path):
    from gradio_client import Client

    from qa.evaluate.questions import load_questions

    searched = "When was the Special ASEAN-Russia Foreign Ministers' Meeting held?"
    with served(browser_settings, real_embedder) as url, opened(browser, url) as page:
        chat = Chat(page)
        assert not page.locator("#feedback-wrong").is_visible()  # nothing to judge before an answer
        chat.ask("Who co-chaired the meeting?")
        chat.ask("When was it held?")
        page.locator("#feedback-wrong").wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.fill("#feedback-comment textarea", "the date is in the first sentence")
        page.fill("#feedback-correction textarea", "6 July 2021")
        page.click("#feedback-wrong")
        page.wait_for_selector("#feedback-result >> text=The answer is: 6 July 2021", timeout=ANSWER_TIMEOUT_MS)
        assert "Kept as wrong" in page.inner_text("#feedback-result")
        page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
        chat.ask("Who co-chaired the meeting?")  # a new answer: the panel starts empty again
        page.wait_for_function("() => !document.querySelector('#feedback-result').innerText.includes('Kept')",
                               timeout=ANSWER_TIMEOUT_MS)
        assert page.input_value("#feedback-correction textarea") == ""
    with served(browser_settings, real_embedder) as url:  # a restart: a new server over the same index
        counts = Client(url, verbose=False).predict(api_name="/status")["feedback"]
        assert counts["wrong"] >= 1 and counts["corrected"] >= 1
    out = tmp_path / "feedback.jsonl"
    exported = subprocess.run([sys.executable, "-m", "qa", "feedback", "export", "--out", str(out),
                               "--index", str(browser_settings.index_dir)], capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    [question] = [question for question in load_questions(out) if question.question == searched]
    assert question.answers == ("6 July 2021",) and question.kind == "when"
    assert question.gold_doc_ids[0] == "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
