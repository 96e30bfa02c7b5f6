"""Timings of a briefing: encoding the topic, choosing its sentences, and in all."""

import time

from qa.briefing.timings import topic_timings


def test_timings_split_the_time_at_the_embedded_mark_in_milliseconds():
    started = time.perf_counter() - 0.05
    timings = topic_timings(started, started + 0.02)
    assert timings["embed"] == 20.0
    assert timings["select"] >= 30.0
    assert abs(timings["total"] - timings["embed"] - timings["select"]) <= 0.02
