"""releaseqa: cited answers from a ministry's press releases.

Example:
    from qa import Assistant
    answer = Assistant.open("index").ask("Who co-chaired the meeting?")
"""

from .assistant import Assistant, IndexStatus
from .config import Settings
from .errors import QAError
from .records import Answer, Chunk, Citation, Hit, Release
from .retriever import Filters

__all__ = ["Answer", "Assistant", "Chunk", "Citation", "Filters", "Hit", "IndexStatus", "QAError",
           "Release", "Settings"]
