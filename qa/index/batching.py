"""Questions asked at the same time are encoded together: one forward pass for many threads.

Encoding a question is most of the work of `ask`, and a small model's forward pass for one
short text is mostly Python dispatch holding the GIL, so threads encoding side by side do not
run in parallel. `QueryBatcher` lets the first thread encode and the others that arrive
meanwhile wait; when it is done, one of the waiting threads encodes everything queued by
then in one call. A question asked alone is encoded at once, with no waiting.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np


class _Slot:
    def __init__(self, text: str):
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.ready = threading.Event()  # set when the vector (or the error) is there, or to hand over the lead
        self.lead = False


class QueryBatcher:
    """Encodes one text per call, batching the calls that overlap in time.

    Example:
        batcher = QueryBatcher(embedder.embed_queries)
        vector = batcher.encode("Who co-chaired the meeting?")   # from any number of threads
    """

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], max_batch: int = 32):
        self._encode = encode
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Slot] = []
        self._busy = False
        self.batch_sizes: deque[int] = deque(maxlen=1000)  # the latest encode calls' sizes, for tests and benchmarks

    def encode(self, text: str) -> np.ndarray:
        slot = _Slot(text)
        with self._lock:
            self._queue.append(slot)
            leading = not self._busy
            self._busy = True
        while not leading:
            slot.ready.wait()
            if not slot.lead:
                break
            slot.ready.clear()
            leading = True
        if leading:
            self._run_batch()
        if slot.error is not None:
            raise slot.error
        return slot.vector

    def _run_batch(self) -> None:
        """Encodes what is queued (up to max_batch), then hands the lead to a waiting thread."""
        with self._lock:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch:]
        try:
            vectors = self._encode([slot.text for slot in batch])
            for slot, vector in zip(batch, vectors):
                slot.vector = vector
        except BaseException as error:  # every waiting caller gets it, as a lone call would
            for slot in batch:
                slot.error = error
        self.batch_sizes.append(len(batch))
        for slot in batch:
            slot.ready.set()
        with self._lock:
            if not self._queue:
                self._busy = False
                return
            successor = self._queue[0]
            successor.lead = True
        successor.ready.set()
