"""The bench reads a gunicorn master's memory and each worker's (issue 14 part 3): right
after the workers are forked, before any request, and after the run."""

import subprocess
import sys

from bench import run

SLEEPER = "import time; time.sleep(30)"


def test_the_master_and_its_workers_are_read_once_the_workers_exist():
    master = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"child = [sys.executable, '-c', {SLEEPER!r}]\n"
            "children = [subprocess.Popen(child) for _ in range(2)]\n"
            "time.sleep(30)\n",
        ]
    )
    try:
        at_start = run.wait_for_workers(master, 2, timeout=30)
        assert at_start["master"]["rss_mb"] > 0
        assert len(at_start["workers"]) == 2
        for sizes in [at_start["master"], *at_start["workers"]]:
            assert set(sizes) == {"rss_mb", "pss_mb", "uss_mb"}
            assert sizes["rss_mb"] >= sizes["pss_mb"] >= sizes["uss_mb"] >= 0
    finally:
        for pid in run._children(master.pid):
            subprocess.run(["kill", str(pid)], check=False)
        master.kill()
        master.wait()


def test_a_process_that_has_gone_has_no_memory():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert run.process_memory(gone.pid) is None
    assert run.wait_for_workers(gone, 1, timeout=5) is None
