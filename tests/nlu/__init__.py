"""Tests for the deterministic NLU helpers."""
