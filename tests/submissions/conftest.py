"""The notebooks here are grading inputs (some deliberately wrong or broken), not notebooks to test with nbval."""

collect_ignore_glob = ["*.ipynb", "*/*.ipynb", "**/*.ipynb"]
