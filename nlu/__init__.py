"""Deterministic NLU helpers that run alongside the trained classifier."""
