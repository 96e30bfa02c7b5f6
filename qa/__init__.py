"""releaseqa: cited answers from a ministry's press releases.

Example:
    from qa import Assistant
    answer = Assistant.open("index").ask("Who co-chaired the meeting?")
"""

from qa.assistant import Assistant, IndexStatus
from qa.config import Settings
from qa.errors import QAError
from qa.records import Answer, Chunk, Citation, Hit, Release
from qa.search.retriever import Filters

__all__ = ["Answer", "Assistant", "Chunk", "Citation", "Filters", "Hit", "IndexStatus", "QAError",
           "Release", "Settings"]
