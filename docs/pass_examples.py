#!/usr/bin/env python3
"""Writes docs/pass-examples.md: each named pass on a real model of the corpus, as excerpts
of `onnxkit dump` before and after `onnxkit rewrite`, and the rewrite's own report.

    python3 docs/pass_examples.py build/onnxkit ../shared/corpus/models > docs/pass-examples.md
    python3 docs/pass_examples.py build/onnxkit ../shared/corpus/models --check docs/pass-examples.md

The ctest `pass_examples_doc` runs the second form (exit 1 when the file is out of date), so
the excerpts always show what the passes do today.
"""
import os
import subprocess
import sys
import tempfile

# (pass, flags, model, lines to show before, lines to show after, what to say): an excerpt
# starts at the first dump line containing the marker and runs for the given line count.
EXAMPLES = [
    ("inline-functions", ["--inline"], "funcs_nested.onnx", ("nodes (", 12), ("nodes (", 12),
     "PyTorch's `export_modules_as_functions` writes each module as a local function; the "
     "calls become the bodies' nodes, named after the call, and the functions go."),
    ("dynamic-scales", ["--dynamic-scales"], "srcnn_x3.onnx", ("inputs (", 14),
     ("inputs (", 13),
     "The SRCNN export's frozen `[1,1,3,3]` becomes the input `scales`; the output's "
     "spatial dims become symbolic."),
    ("s2d-to-conv", ["--s2d-to-conv"], "focus_yolov5.onnx", ("#4 Slice", 12), ("nodes (", 10),
     "YOLOv5's Focus layer (four strided slice pairs and a Concat) becomes one stride-2 Conv "
     "with one-hot weights `[12,3,2,2]`."),
    ("d2s-to-convtranspose", ["--d2s-to-convtranspose"], "super_resolution_opset11.onnx",
     ("DepthToSpace", 6), ("ConvTranspose", 6),
     "The tutorial's PixelShuffle (`DepthToSpace`, CRD) becomes a stride-3 ConvTranspose."),
]


def run(args):
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return out.stdout, out.stderr


def excerpt(dump, marker, count):
    lines = dump.splitlines()
    start = next(i for i, line in enumerate(lines) if marker in line)
    return "\n".join(lines[start:start + count])


def main():
    onnxkit, models = sys.argv[1:3]
    if len(sys.argv) == 5 and sys.argv[3] == "--check":
        import contextlib
        import io
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            write(onnxkit, models)
        if open(sys.argv[4]).read() != text.getvalue():
            print(f"{sys.argv[4]} is out of date; regenerate it with\n  python3 "
                  f"docs/pass_examples.py {onnxkit} {models} > {sys.argv[4]}")
            return 1
        return 0
    write(onnxkit, models)
    return 0


def write(onnxkit, models):
    print("# Passes on real models")
    print()
    print("<!-- Written by `python3 docs/pass_examples.py build/onnxkit ../shared/corpus/models`;"
          " do not edit by hand. -->")
    print()
    print("Excerpts of `onnxkit dump` before and after `onnxkit rewrite` with each pass users "
          "ask for by name, on models of the test corpus (PyTorch exports). "
          "[passes.md](passes.md) describes every pass and its options.")
    with tempfile.TemporaryDirectory() as work:
        for name, flags, model, before, after, text in EXAMPLES:
            path = os.path.join(models, model)
            out = os.path.join(work, model)
            _, report = run([onnxkit, "rewrite", path, "-o", out] + flags)
            # The time per pass differs from run to run: the node counts do not.
            report = report[:report.index("\n  pass ")] if "\n  pass " in report else report
            print()
            print(f"## {name}")
            print()
            print(f"{text} `onnxkit rewrite {model} -o out.onnx {' '.join(flags)}`:")
            print()
            print("```")
            print(report.rstrip())
            print("```")
            print()
            print("Before:")
            print()
            print("```")
            print(excerpt(run([onnxkit, "dump", path])[0], *before))
            print("```")
            print()
            print("After:")
            print()
            print("```")
            print(excerpt(run([onnxkit, "dump", out])[0], *after))
            print("```")


if __name__ == "__main__":
    sys.exit(main())
