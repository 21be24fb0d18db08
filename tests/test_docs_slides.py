# SPDX-License-Identifier: MIT
"""The kit's documents: the API reference builds with Doxygen, warnings
as errors; the slide decks render, their C compiles, and every page opens
offline in headless Chromium."""

import re
import struct
import zlib

import pytest

from kit import BUILD, ROOT, make


@pytest.mark.duration(25)
def test_docs_build_without_warnings():
    ran = make("docs", timeout=600)
    assert ran.status == 0, str(ran)


@pytest.mark.duration(35)
def test_slides_render_compile_and_read_offline():
    ran = make("test-slides", timeout=900)
    assert ran.status == 0, str(ran)


def tiny_png():
    """A valid PNG of one white pixel."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


@pytest.mark.duration(15)
def test_slides_measure_the_missing_figures_first(tmp_path):
    """On a fresh clone `make slides` measures every figure not drawn yet,
    names them, and renders decks without a placeholder; the next `make
    slides` measures nothing. What measures is a stand-in for `make plots`
    here, which draws a blank PNG for each figure it is given."""
    figures = dict(re.findall(r"^\s*(\w+)\) echo (\S+\.png) ;;$",
                              (ROOT / "slides" / "plots" / "plots.sh").read_text(), re.M))
    assert len(figures) >= 9, figures
    build = tmp_path / "build"
    (tmp_path / "blank.png").write_bytes(tiny_png())
    stub = tmp_path / "plots"
    stub.write_text("#!/bin/sh\n# FIGURES=\"a b\", as make slides gives it\n"
                    f"echo \"$1\" >>{tmp_path}/asked\n"
                    f"mkdir -p {build}/plots\n"
                    "for f in ${1#FIGURES=}; do case $f in\n" +
                    "".join(f"  {f}) cp {tmp_path}/blank.png {build}/plots/{png} ;;\n"
                            for f, png in figures.items()) +
                    "esac; done\n")
    stub.chmod(0o755)
    args = ["slides", f"BUILD={build}", f"SLIDES_TOOL={BUILD}/slides-tool", f"SLIDES_PLOTS={stub}"]
    ran = make(*args, timeout=600)
    assert ran.status == 0, str(ran)
    asked = (tmp_path / "asked").read_text().splitlines()
    assert asked == ["FIGURES=" + " ".join(figures)], asked
    assert "measuring the figures not drawn yet: " + " ".join(figures) in ran.output, str(ran)
    pages = list((build / "slides").glob("*.html"))
    assert pages, str(ran)
    shown = [p.name for p in pages if "not measured yet" in p.read_text()]
    assert not shown, f"placeholders left in {shown}\n{ran}"
    again = make(*args, timeout=600)
    assert again.status == 0 and "measuring the figures" not in again.output, str(again)
    assert len((tmp_path / "asked").read_text().splitlines()) == 1, "measured twice"
