"""render: the DOT text, Graphviz's SVG, PNG and PDF, the HTML page; to a file or returned."""

import shutil

import pytest

import onnxkit

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not on PATH (Debian: graphviz)")


def test_dot_text_names_every_node_without_graphviz(srcnn):
    dot = onnxkit.render(srcnn, "dot")
    assert isinstance(dot, str) and dot.startswith("digraph")
    for node in srcnn.graph.nodes:
        assert node.name in dot


@needs_dot
def test_svg_and_html_are_text_holding_the_nodes(srcnn):
    svg = onnxkit.render(srcnn)
    assert isinstance(svg, str) and "<svg" in svg
    assert "/conv1/Conv" in svg
    html = onnxkit.render(srcnn, "html")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    for node in srcnn.graph.nodes:
        assert node.name in html


@needs_dot
def test_png_and_pdf_are_bytes(srcnn):
    assert onnxkit.render(srcnn, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert onnxkit.render(srcnn, "pdf").startswith(b"%PDF-")


@needs_dot
def test_a_path_gets_the_format_of_its_extension(srcnn, tmp_path):
    assert onnxkit.render(srcnn, tmp_path / "g.svg") is None
    assert "<svg" in (tmp_path / "g.svg").read_text()
    onnxkit.render(srcnn, str(tmp_path / "g.picture"), format="dot")
    assert (tmp_path / "g.picture").read_text().startswith("digraph")
    with pytest.raises(ValueError, match="format"):
        onnxkit.render(srcnn, tmp_path / "g.txt")
    assert not (tmp_path / "g.txt").exists()


def test_filters_focus_the_picture(srcnn):
    def drawn(**options):
        # Each node's box has the node's name as its tooltip.
        dot = onnxkit.render(srcnn, "dot", **options)
        return {n.name for n in srcnn.graph.nodes if f'tooltip="{n.name}"' in dot}

    assert drawn() == {n.name for n in srcnn.graph.nodes}
    assert drawn(op_types=["Relu"], context=0) == {"/relu/Relu", "/relu_1/Relu"}
    assert drawn(node_names=["/relu/Relu"], context=1) == {"/conv1/Conv", "/relu/Relu",
                                                          "/conv2/Conv"}
    assert len(drawn(max_nodes=2)) == 2


def test_a_path_that_cannot_be_written_is_an_error(srcnn, tmp_path):
    with pytest.raises(onnxkit.Error, match="no-such-folder"):
        onnxkit.render(srcnn, tmp_path / "no-such-folder" / "g.dot")


def test_bad_formats_are_errors(srcnn):
    with pytest.raises(ValueError, match="two formats"):
        onnxkit.render(srcnn, "svg", format="png")
    with pytest.raises(ValueError):
        onnxkit.render(srcnn, "out.svg", format="gif")
    with pytest.raises(TypeError):
        onnxkit.render(srcnn, "dot", node_names="/relu/Relu")


def test_without_graphviz_pictures_are_errors_but_dot_text_is_not(srcnn, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no `dot`
    with pytest.raises(onnxkit.Error, match="dot"):
        onnxkit.render(srcnn, "svg")
    with pytest.raises(onnxkit.Error, match="dot"):
        onnxkit.render(srcnn, tmp_path / "g.html")
    assert not (tmp_path / "g.html").exists()
    assert onnxkit.render(srcnn, "dot").startswith("digraph")
