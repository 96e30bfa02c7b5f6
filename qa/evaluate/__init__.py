"""Evaluation: question sets and the scores of an Assistant on them."""
