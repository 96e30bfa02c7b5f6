"""Ingest in a child process (`qa ingest --json`) at low CPU priority, with progress and a cancel.

The web app uses it so that an upload never stops the chat: questions keep being answered
from the current generation, on the CPU first, while the child embeds; the assistant switches
to the new generation when the child has made it live. The child's progress bars are read
from its stderr ("embedding chunks: 45%") and passed on; `cancel()` stops the child, whose
generation never goes live (the uploads folder then drops the files, see `Uploads`).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from qa.config import Settings
from qa.errors import QAError
from qa.index.location import StoreLocation
from qa.ingest.pipeline import IngestReport

# A tqdm bar as the child writes it: "embedding chunks:  45%|####5     | 90/200 [...]".
_BAR = re.compile(r"([a-z][a-z ]+):\s+(\d{1,3})%\|")
_POLL_SECONDS = 0.2


class BackgroundIngest:
    """Ingests `paths` for `assistant` in a child process, then reloads; `__call__` is the entry point
    (in this process for a Milvus Lite store, which one process holds: no progress, no cancel).

    Example:
        ingest = BackgroundIngest(settings, progress=lambda share, stage: print(f"{stage} {share:.0%}"))
        report = ingest(assistant, [Path("corpus/uploads/statement.html")])  # ingest.cancel() from elsewhere
    """

    def __init__(self, settings: Settings, niceness: int = 10,
                 progress: Callable[[float, str], None] | None = None):
        self.settings = settings
        self.niceness = niceness
        self.progress = progress  # called with (share done, stage) as the child reports it
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stops the ingest under way, if any: its generation never goes live."""
        self._cancelled.set()

    def __call__(self, assistant, paths: list[Path]) -> IngestReport:
        if StoreLocation.of(self.settings).kind == "milvus-lite":  # Milvus Lite serves one process: this one
            return assistant.ingest(paths, progress=False)
        self._cancelled.clear()
        returncode, stdout, stderr = self._run(self.command(paths))
        if returncode not in (0, 3):  # 3: some files skipped, the rest went in
            lines = [line for line in re.split(r"[\r\n]", stderr) if line.strip() and not _BAR.match(line)]
            raise QAError(lines[-1].removeprefix("qa: error: ") if lines else
                          f"adding the files failed (exit status {returncode})")
        report = IngestReport.from_dict(json.loads(stdout.strip().splitlines()[-1]))
        assistant.reload()
        return report

    def command(self, paths: list[Path]) -> list[str]:
        """The child's command line: `qa ingest PATHS --json` with this server's store and limits."""
        location = StoreLocation.of(self.settings)
        where = ["--index", location.target] if location.is_folder else ["--store", self.settings.store]
        return [sys.executable, "-m", "qa", "ingest", *map(str, paths), *where, "--json",
                "--max-chars", str(self.settings.max_chars), "--max-records", str(self.settings.max_records)]

    def _run(self, command: list[str]) -> tuple[int, str, str]:
        """Runs the child, passing on its progress; stops it on `cancel()` (QAError)."""
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   preexec_fn=self._lower_priority,
                                   env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        out, err, latest = [], [], {}
        readers = [threading.Thread(target=_collect, args=(process.stdout, out, None), daemon=True),
                   threading.Thread(target=_collect, args=(process.stderr, err, latest), daemon=True)]
        for reader in readers:
            reader.start()
        reported = None
        while process.poll() is None:
            if self._cancelled.wait(_POLL_SECONDS):
                process.kill()
                process.wait()
                raise QAError("the upload was cancelled; its files were not added")
            if self.progress is not None and latest.get("bar") not in (None, reported):
                reported = latest["bar"]
                self.progress(int(reported[1]) / 100, reported[0])
        for reader in readers:
            reader.join()
        return process.returncode, "".join(out), "".join(err)

    def _lower_priority(self) -> None:
        os.nice(self.niceness)


def _collect(stream, into: list[str], latest: dict | None) -> None:
    """Reads a child's stream to its end as it comes (read1: what is there, not a full buffer);
    with `latest`, keeps the last progress bar seen in it."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail = ""  # a bar cut between two reads is found whole in the next
    for data in iter(lambda: stream.read1(4096), b""):
        block = decoder.decode(data)
        into.append(block)
        if latest is not None:
            bars = _BAR.findall(tail + block)
            tail = (tail + block)[-200:]
            if bars:
                latest["bar"] = bars[-1]
