"""Command-line options shared by the test suite."""


def pytest_addoption(parser):
    # Differential tests against QEMU (tests/differential).
    group = parser.getgroup("differential", "A32/T32 differential tests against QEMU")
    group.addoption("--diff-seed", default=None,
                    help="seed of the random instruction streams (default 1, or "
                         "PYXEN15_DIFF_SEED); a failure report names the seed to reuse")
    group.addoption("--diff-scale", type=float, default=None,
                    help="multiply the number of random test cases (default 1, or "
                         "PYXEN15_DIFF_SCALE)")
