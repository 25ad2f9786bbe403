"""Shared test set-up: draw figures off-screen (no display in CI)."""

import matplotlib

matplotlib.use("Agg")
