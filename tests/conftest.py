# SPDX-License-Identifier: MIT
"""pytest's set-up for the kit's own tests (`make test`): the long tests go
first, so that two workers (pytest-xdist) finish together; the tests that
must not overlap share an xdist group."""

import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "duration(seconds): about how long the test takes on the "
        "2-core machine, for scheduling the longest first")


def pytest_collection_modifyitems(config, items):
    def seconds(item):
        m = item.get_closest_marker("duration")
        return m.args[0] if m else 1
    items.sort(key=lambda item: -seconds(item))
