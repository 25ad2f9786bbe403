#!/usr/bin/env python
"""Execute notebooks on a fresh kernel and report what a reviewer needs to know.

    python tools/run_notebook.py notebooks/05_e_step.ipynb [--figures DIR]

Prints the run time, any error, anything written to stderr (warnings), and any
`<Figure ...>` text left by a plotting cell; with --figures, saves every PNG
output as DIR/<notebook>/cellNN_M.png so the figures can be looked at.
Exit status 1 if a notebook errored or printed to stderr.
"""

import argparse
import base64
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path, figures=None, timeout=300):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    problems = []
    try:
        client.execute()
    except CellExecutionError as exc:
        problems.append(f"error: {str(exc)[-1500:]}")
    elapsed = time.perf_counter() - start
    for index, cell in enumerate(nb.cells):
        for m, out in enumerate(cell.get("outputs", [])):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {index}: stderr: {out['text'][:500]}")
            if out.get("output_type") == "error":
                problems.append(f"cell {index}: {out['ename']}: {out['evalue'][:500]}")
            text = out.get("data", {}).get("text/plain", "")
            if out.get("output_type") == "execute_result" and text.startswith("<Figure"):
                problems.append(f"cell {index}: plotting cell ends with {text!r}; end it with plt.show()")
            png = out.get("data", {}).get("image/png")
            if figures and png:
                folder = Path(figures) / Path(path).stem
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"cell{index:02d}_{m}.png").write_bytes(base64.b64decode(png))
    return elapsed, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--figures", help="folder to save PNG outputs into")
    args = parser.parse_args()
    failed = False
    for path in args.notebooks:
        elapsed, problems = run(path, args.figures)
        print(f"{path}: {elapsed:.1f} s, {'OK' if not problems else f'{len(problems)} problem(s)'}")
        for p in problems:
            print("   ", p)
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
