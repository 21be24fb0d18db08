# SPDX-License-Identifier: MIT
"""pytest's set-up for the kit's own tests (`make test`). The tests that
time (marked `timing`: a speedup or busywait test, which holds the machine
alone) go first, all of them, so that no test waits for the machine later
while the other workers idle; then the rest, the long ones first, so that
the workers (pytest-xdist, one more than the cores) finish together. Tests
that must not overlap share an xdist group."""

import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "duration(seconds): about how long the test takes on the "
        "2-core machine, for scheduling the longest first")
    config.addinivalue_line(
        "markers", "timing: the test measures time, with the machine alone")


def pytest_collection_modifyitems(config, items):
    def order(item):
        m = item.get_closest_marker("duration")
        return (item.get_closest_marker("timing") is None, -(m.args[0] if m else 1))
    items.sort(key=order)
