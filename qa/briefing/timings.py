"""How long a briefing took: encoding its topic, choosing its sentences, and in all."""

from __future__ import annotations

import time


def topic_timings(started: float, embedded: float) -> dict[str, float]:
    """Milliseconds spent encoding a topic, choosing its sentences, and in all (perf_counter marks)."""
    finished = time.perf_counter()
    return {"embed": round((embedded - started) * 1000, 2), "select": round((finished - embedded) * 1000, 2),
            "total": round((finished - started) * 1000, 2)}
