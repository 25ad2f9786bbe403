"""`python -m coursepkg ...`: the teacher's command line (see coursepkg.cli)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
