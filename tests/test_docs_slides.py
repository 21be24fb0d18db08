# SPDX-License-Identifier: MIT
"""The kit's documents: the API reference builds with Doxygen, warnings
as errors; the slide decks render, their C compiles, and every page opens
offline in headless Chromium."""

import pytest

from kit import make


@pytest.mark.duration(25)
def test_docs_build_without_warnings():
    ran = make("docs", timeout=600)
    assert ran.status == 0, str(ran)


@pytest.mark.duration(35)
def test_slides_render_compile_and_read_offline():
    ran = make("test-slides", timeout=900)
    assert ran.status == 0, str(ran)
