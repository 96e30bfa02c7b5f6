"""Takes the README's screenshot (docs/screenshot-chat.png) of the app as `make run` serves it.

Usage: .venv/bin/python docs/make_screenshot.py [--corpus corpus] [--out docs/screenshot-chat.png]
                                                 [--index DIR] [--fresh] [--size 1400x1000]

Starts `app.py` the way `make run` does, with the environment's settings, but with `QA_INDEX` set to
a folder of its own (by default `<temp>/releaseqa-screenshot/<fingerprint of the corpus>/index`), so
the repository's `index/` is left alone: the first run builds the index there from the corpus, as
`make run`'s first launch does; later runs over the same corpus files reuse it (`--fresh` rebuilds).
Then headless Chromium (Debian's `/usr/bin/chromium`, driven by Playwright) asks "Who co-chaired the
meeting?" and the follow-up "When was it held?", waits for each answer and its source cards, and
saves the whole page as a window of that size shows it (the chat takes the window's height; the
feedback, "Why this answer?" and upload panels below it are in the picture too). The app is stopped on the way out, whatever happens. The app's own output goes to
`app.log` beside the index.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keep it from reaching for a network it lacks.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTIONS = ["Who co-chaired the meeting?", "When was it held?"]
ANSWER_SECONDS = 120  # a question on 2 busy cores; the first one also loads what the app loads lazily


def main() -> None:
    args = parse_args()
    driver = browser_driver()
    index_dir = args.index or default_index(args.corpus)
    if args.fresh and index_dir.exists():
        shutil.rmtree(index_dir)
        print(f"removed the index in {index_dir} (--fresh)")
    reused = (index_dir / "CURRENT").exists()
    print(f"index: {'reusing' if reused else 'building (as make run does on its first launch)'} {index_dir} "
          f"from {args.corpus}")
    started = time.perf_counter()
    with served_app(index_dir, args.corpus, args.start_timeout) as url:
        print(f"app.py serving at {url} after {time.perf_counter() - started:.0f} s (its log: {app_log(index_dir)})")
        take_screenshot(driver, url, args.out, args.size)
    print(f"app.py stopped; saved {args.out} (the page in a {args.size[0]}x{args.size[1]} window) "
          f"in {time.perf_counter() - started:.0f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the folder the app indexes")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-chat.png")
    parser.add_argument("--index", type=Path, help="the index folder (default: a cache folder named by the corpus)")
    parser.add_argument("--fresh", action="store_true", help="delete the cached index first, so it is built anew")
    parser.add_argument("--size", type=window_size, default=(1400, 1000), help="the browser window, WIDTHxHEIGHT")
    parser.add_argument("--start-timeout", type=float, default=3600,
                        help="seconds to wait for the app to listen (a first build embeds the whole corpus)")
    args = parser.parse_args()
    args.corpus, args.out = args.corpus.resolve(), args.out.resolve()
    if not args.corpus.is_dir():
        parser.error(f"--corpus must be a folder; {args.corpus} is not one")
    if args.fresh and args.index:
        parser.error("--fresh deletes only the cached index; to rebuild the --index folder, empty it yourself")
    return args


def window_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"the size must be WIDTHxHEIGHT, such as 1400x1000; not {text!r}")
    return int(width), int(height)


def browser_driver():
    """Playwright's sync API, after checking that the browser it drives is installed (one line if not)."""
    if not CHROMIUM.exists():
        raise SystemExit(f"make_screenshot: {CHROMIUM} is missing: apt-get install chromium "
                         "(Playwright's own browser download does not work here)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("make_screenshot: Playwright is missing: .venv/bin/pip install -e '.[test]'") from None
    return sync_playwright


def default_index(corpus: Path) -> Path:
    """A cache folder named by the corpus's files (paths and contents): a changed corpus gets a new index."""
    digest = hashlib.sha256()
    for path in sorted(item for item in corpus.rglob("*") if item.is_file()):
        digest.update(str(path.relative_to(corpus)).encode() + b"\0" + path.read_bytes())
    return Path(tempfile.gettempdir()) / "releaseqa-screenshot" / digest.hexdigest()[:16] / "index"


def app_log(index_dir: Path) -> Path:
    return index_dir.parent / "app.log"


@contextmanager
def served_app(index_dir: Path, corpus: Path, timeout: float):
    """`app.py` in a child process on a free port with this index and corpus; yields its URL, stops it on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(corpus),
                   "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
                   "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}
    with open(app_log(index_dir), "w", encoding="utf-8") as log:
        # A session of its own, so that stopping it stops whatever it started.
        server = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=environment,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(server, url, app_log(index_dir), timeout)
        yield url
    finally:
        stop(server)


def wait_until_serving(server: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    """Returns once `url` answers; one line naming the cause if the app exits or takes longer than `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise SystemExit(f"make_screenshot: app.py exited with status {server.returncode}: " + " / ".join(tail))
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"make_screenshot: app.py did not serve {url} within {timeout:.0f} s (its log: {log})")


def stop(server: subprocess.Popen) -> None:
    """Stops the app and what it started (its session): politely, then after 30 s for good."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def take_screenshot(sync_playwright, url: str, out: Path, size: tuple[int, int]) -> None:
    """Asks QUESTIONS in the chat, printing each answer as shown, and saves the window to `out`."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.goto(url)
            page.wait_for_selector("#question textarea", timeout=ANSWER_SECONDS * 1000)
            for number, question in enumerate(QUESTIONS):
                asked = time.perf_counter()
                answer = ask(page, number, question)
                print(f"asked {question!r} ({time.perf_counter() - asked:.1f} s); the chat shows: "
                      + " | ".join(line for line in answer.splitlines() if line.strip()))
            print("source cards: " + " | ".join(page.locator("#sources .source-title").all_inner_texts()))
            page.mouse.move(0, 0)  # no hover highlight in the picture
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
        finally:
            browser.close()


def ask(page, number: int, question: str) -> str:
    """Types `question`, presses Enter and waits for answer `number` (0 first) and its source cards."""
    before = page.inner_html("#sources")
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    answer = page.locator("#chat [data-testid=bot]").nth(number)
    answer.wait_for(timeout=ANSWER_SECONDS * 1000)
    page.wait_for_function("""(before) => {
        const sources = document.querySelector('#sources');
        return sources.innerHTML !== before && sources.querySelector('.source-card') !== null;
    }""", arg=before, timeout=ANSWER_SECONDS * 1000)
    page.wait_for_timeout(500)  # the chat scrolls to the new answer
    return answer.inner_text()


if __name__ == "__main__":
    main()
