"""Spotting a language model that loops, for both generator backends (`chat_server`, `local_model`)."""

from __future__ import annotations


class RepetitionGuard:
    """Spots a model that loops: the end of its text is one stretch repeated over and over.

    Example:
        RepetitionGuard().looping("ASEAN and Russia. " * 5)  # True
    """

    def __init__(self, max_period: int = 200, min_repeats: int = 3, min_chars: int = 60):
        self.max_period = max_period
        self.min_repeats = min_repeats
        self.min_chars = min_chars

    def looping(self, text: str) -> bool:
        for period in range(1, self.max_period + 1):
            length = max(self.min_repeats * period, self.min_chars)
            if len(text) < length:
                continue
            tail = text[-length:]
            if tail[period:] == tail[:-period]:
                return True
        return False
