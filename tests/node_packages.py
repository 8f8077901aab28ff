"""The tests that run npm packages on Node.js (the independent verifier and wallet, axe-core,
Prism): bin/test installs them, and the one way to run without them is to say so with
CSPO_SKIP_NODE_TESTS=1, which CI never honours."""

import os
import shutil
from pathlib import Path

import pytest

SKIP_NODE_TESTS = "CSPO_SKIP_NODE_TESTS"
TESTS = Path(__file__).resolve().parent


def require(what, *installed):
    """The path of `node` when Node.js and each of `installed` (paths under tests/ that
    npm ci makes) are there; else the test stops: skipped under CSPO_SKIP_NODE_TESTS=1
    outside CI, failed otherwise, naming what to install."""
    node = shutil.which("node")
    if node and all(path.exists() for path in installed):
        return node
    if os.environ.get(SKIP_NODE_TESTS) == "1" and not os.environ.get("CI"):
        pytest.skip(f"{SKIP_NODE_TESTS}=1 and {what} is not installed")
    folders = sorted({"tests/" + path.relative_to(TESTS).parts[0] for path in installed})
    pytest.fail(
        f"Node.js and the npm packages of {', '.join(folders)} are needed for {what}: run "
        f"bin/test (it installs them), or set {SKIP_NODE_TESTS}=1 to skip it knowingly",
        pytrace=False,
    )
