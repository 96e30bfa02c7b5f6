"""Answering: the fitted extractive stage, its features, model, training and trace; generative answers and their checks."""
