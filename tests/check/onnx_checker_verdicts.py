"""Writes the verdict of the Python onnx package's checker on every model below a folder.

    onnx_checker_verdicts.py FOLDER OUT.tsv

One line per *.onnx file: its path relative to FOLDER, "accepted" or "rejected", and the
checker's message. tests/check/backend_corpus_test.cc compares onnxkit's verdicts with
these; the project's .venv holds the onnx release of the C++ library (scripts/requirements.txt).
"""

import pathlib
import sys

import onnx


def verdict(path: pathlib.Path) -> tuple[str, str]:
    try:
        onnx.checker.check_model(str(path))
    except Exception as error:  # the checker raises several types; each is a rejection
        return "rejected", " ".join(str(error).split())
    return "accepted", ""


def main() -> None:
    folder, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    lines = [f"# onnx {onnx.__version__}"]
    for path in sorted(folder.rglob("*.onnx")):
        result, message = verdict(path)
        lines.append(f"{path.relative_to(folder)}\t{result}\t{message}")
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
