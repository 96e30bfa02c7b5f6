"""Briefing: talking points, timelines and their exports."""
