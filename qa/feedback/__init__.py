"""Feedback on answers: stored beside the index (`store`), exported as labelled questions (`export`)."""

from qa.feedback.export import ExportReport, FeedbackExporter
from qa.feedback.store import FeedbackCounts, FeedbackItem, FeedbackStore

__all__ = ["ExportReport", "FeedbackCounts", "FeedbackExporter", "FeedbackItem", "FeedbackStore"]
