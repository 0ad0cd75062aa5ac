"""Benchmark: the web service with N units uploaded at once through its API, beside the CLI on the same units.

Run from the repository root:  .venv/bin/python bench/web_service.py [--units 3 12]
It measures the code of the tree it lives in (PYTHONPATH), as bench/batch.py does, whose timing helpers it uses.

For each N (default 3, then 12):
1. N unit folders: the bundled sample units (samples/batch, 3 units of 18 files) in turn, a copy's folder named
   as a unit of its own ("UBND xã Tân Lập (2)"), each zipped as a clerk zips it (the folder at the top).
2. The real service: `kiemchung serve` on a free port, its SQLite database in a temporary data folder, the
   result cache off (`[batch] cache = false`: every upload is read, as a round's first upload is); one clerk
   per unit made beforehand with `kiemchung user add … --role clerk --unit … --token`.
3. The N archives are uploaded at once (a thread per unit, `POST /api/v1/units/{unit}/submissions`), then
   `GET /api/v1/submissions/{id}` polls each every 0.5 s until it is done. A unit's time to result runs from
   the start of its upload to the first answer that says done; its check time from the first answer that says
   reading (the service checks the submissions waiting together, in one run: those uploaded while a run is
   under way wait for the next). The runs are read from each submission's job file (`reports/<id>/job.json`).
   The server's memory is the RSS of the serve process and every process under it (the check's process and its
   workers), summed, sampled every 50 ms; its idle figure is read before the uploads.
4. The reference: `kiemchung check` on the same N folders in one run, with the same settings; and on the first
   unit alone, which is what a run of one costs.
5. Prints a Markdown report for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch import ROOT, Timing, compile_tree, timed, tree_rss

SAMPLES = ROOT / "samples" / "batch"
CONFIG = "[batch]\ncache = false\n"  # every upload read in full, the CLI's run too
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Unit:
    name: str
    folder: Path
    archive: bytes
    token: str = ""
    code: str = ""


@dataclass(frozen=True)
class Result:
    upload: float  # seconds the upload request took (the archive is opened and checked before the answer)
    to_result: float  # from the start of the upload to the first answer saying done
    check: float  # from the first answer saying reading to the first saying done


@dataclass(frozen=True)
class Measure:
    units: int
    files: int
    results: list[Result]
    wall: float  # from the first upload's start to the last unit's result
    idle_mib: float
    service: Timing  # the server's peaks over the run (seconds: wall)
    cli: Timing
    cli_one: Timing  # the first unit alone
    one_files: int
    request_queue: int  # the deepest waitress's queue of requests waiting for a thread got (its log's warnings)
    runs: list[int]  # how many submissions each of the service's runs checked, in order
    load: float  # the machine's 1-minute load average when the run started (a shared machine's other work)


def unit_folders(count: int, into: Path) -> list[Unit]:
    """`count` unit folders, the samples in turn (hard links), each with its archive."""
    samples = sorted(path for path in SAMPLES.iterdir() if path.is_dir())
    units = []
    for index in range(count):
        sample = samples[index % len(samples)]
        name = sample.name if index < len(samples) else f"{sample.name} ({index // len(samples) + 1})"
        shutil.copytree(sample, into / name, copy_function=os.link)
        units.append(Unit(name, into / name, zipped(into / name)))
    return units


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return buffer.getvalue()


def command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "kiemchung", *arguments]


def environment() -> dict[str, str]:
    # The code of this tree, whatever else is installed: a worktree gives a stable copy to measure.
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def add_clerks(units: list[Unit], data: Path) -> list[Unit]:
    """A clerk with a token for each unit (the unit is made), as `kiemchung user add` prints them."""
    made = []
    for index, unit in enumerate(units):
        add = command("user", "add", f"clerk{index}", "--role", "clerk", "--unit", unit.name, "--token",
                      "--data", str(data))
        run = subprocess.run(add, env=environment(), capture_output=True, text=True, check=True)
        token = re.search(r"\bkc_\S+", run.stdout)
        code = re.search(r"\(mã ([^)]+)\)", run.stdout)
        if token is None or code is None:
            raise SystemExit(f"kiemchung user add printed no token or unit code:\n{run.stdout}")
        made.append(Unit(unit.name, unit.folder, unit.archive, token.group(0), code.group(1)))
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(url: str, token: str, body: bytes | None = None, content_type: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}", **({"Content-Type": content_type} if content_type else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=600) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        raise SystemExit(f"{url}: {refused.code} {refused.read().decode(errors='replace')}") from refused


def upload(base: str, unit: Unit) -> int:
    """The archive posted as the API takes it (multipart, field `archive`); returns the submission's id."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="archive"; filename="ho-so.zip"\r\n'
            f"Content-Type: application/zip\r\n\r\n").encode() + unit.archive + f"\r\n--{boundary}--\r\n".encode()
    answer = request(f"{base}/api/v1/units/{unit.code}/submissions", unit.token, body,
                     f"multipart/form-data; boundary={boundary}")
    return int(answer["id"])


class Peaks(threading.Thread):
    """The RSS of a process and everything under it, summed and the largest, sampled until `stop()`."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.total, self.largest = pid, 0, 0
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            total, largest = tree_rss(self.pid)
            self.total, self.largest = max(self.total, total), max(self.largest, largest)
            self._stopping.wait(0.05)

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def serve_and_upload(
    units: list[Unit], work: Path, config: Path
) -> tuple[list[Result], float, float, Timing, list[int]]:
    """Start the service, upload every unit at once, wait for every result; stop the service."""
    data = work / "data"
    units = add_clerks(units, data)  # also makes the database, before the server starts
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(command("serve", "--data", str(data), "--port", str(port), "--year", "2023", "--config",
                                      str(config)), env=environment(), stdout=log, stderr=subprocess.STDOUT, cwd=work)
    try:
        _wait_until_up(base, server)
        time.sleep(3)  # the worker thread's first look at the queue, imports settled
        idle = tree_rss(server.pid)[0] / 1024
        peaks = Peaks(server.pid)
        peaks.start()
        started: dict[str, float] = {}
        uploaded: dict[str, tuple[int, float]] = {}

        def send(unit: Unit) -> None:
            started[unit.name] = time.perf_counter()
            pk = upload(base, unit)
            uploaded[unit.name] = (pk, time.perf_counter())

        first = time.perf_counter()
        senders = [threading.Thread(target=send, args=(unit,)) for unit in units]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        if len(uploaded) != len(units):
            raise SystemExit("an upload failed (see above)")
        reading: dict[str, float] = {}
        done: dict[str, float] = {}
        while len(done) < len(units):
            for unit in units:
                if unit.name in done:
                    continue
                answer = request(f"{base}/api/v1/submissions/{uploaded[unit.name][0]}", unit.token)
                now = time.perf_counter()
                if answer["status"] == "failed":
                    raise SystemExit(f"{unit.name}: the check failed: {answer['message']}")
                if answer["status"] in ("reading", "done"):
                    reading.setdefault(unit.name, now)
                if answer["status"] == "done":
                    done[unit.name] = now
            time.sleep(POLL_SECONDS)
        wall = max(done.values()) - first
        peaks.stop()
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    results = [Result(uploaded[u.name][1] - started[u.name], done[u.name] - started[u.name],
                      done[u.name] - reading[u.name]) for u in units]
    return results, wall, idle, Timing(wall, peaks.total / 1024, peaks.largest / 1024), runs_of(data)


def runs_of(data: Path) -> list[int]:
    """How many submissions each run checked, in order: the job file in each submission's folder lists its run."""
    runs = {tuple(entry["submission"] for entry in json.loads(job.read_text("utf-8"))["entries"])
            for job in (data / "reports").glob("*/job.json")}
    return [len(run) for run in sorted(runs)]


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kiemchung serve ended with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/login/", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("kiemchung serve did not answer within 120 s")


def measure(count: int, scratch: Path) -> Measure:
    load = os.getloadavg()[0]
    work = scratch / f"units-{count}"
    (work / "units").mkdir(parents=True)
    config = work / "kiemchung.toml"
    config.write_text(CONFIG, "utf-8")
    units = unit_folders(count, work / "units")
    counts = [sum(1 for path in unit.folder.rglob("*") if path.is_file()) for unit in units]
    results, wall, idle, service, runs = serve_and_upload(units, work, config)
    warnings = re.findall(r"Task queue depth is (\d+)", (work / "serve.log").read_text("utf-8", errors="replace"))
    cli = timed(command("check", str(work / "units"), "--layout", "batch", "--year", "2023", "--config", str(config),
                        "--out", str(work / "cli-out"), "--quiet"))
    one = timed(command("check", str(units[0].folder), "--layout", "unit", "--year", "2023", "--config", str(config),
                        "--out", str(work / "cli-one"), "--quiet"))
    return Measure(count, sum(counts), results, wall, idle, service, cli, one, counts[0],
                   max((int(depth) for depth in warnings), default=0), runs, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[3, 12], help="how many units, one run each")
    args = parser.parse_args()
    compile_tree()
    with tempfile.TemporaryDirectory(prefix="kiemchung-bench-web-") as scratch:
        measures = [measure(count, Path(scratch)) for count in args.units]
    report(measures)


def report(measures: list[Measure]) -> None:
    print(f"{os.cpu_count()} cores; sample units of samples/batch in turn; result cache off; OCR as configured\n")
    print("| units (files) | run | time to a unit's result: median | max | all results | peak memory, all "
          "processes | largest process |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for each in measures:
        times = [result.to_result for result in each.results]
        print(f"| {each.units} ({each.files}) | service: {each.units} uploads at once through the API | "
              f"{statistics.median(times):.1f} s | {max(times):.1f} s | {each.wall:.1f} s | "
              f"{each.service.peak_tree_mib:.0f} MiB | {each.service.peak_process_mib:.0f} MiB |")
        print(f"| {each.units} ({each.files}) | CLI: `kiemchung check` on the {each.units} folders | | | "
              f"{each.cli.seconds:.1f} s | {each.cli.peak_tree_mib:.0f} MiB | {each.cli.peak_process_mib:.0f} MiB |")
        print(f"| 1 ({each.one_files}) | CLI: `kiemchung check` on the first unit alone | | | "
              f"{each.cli_one.seconds:.1f} s | {each.cli_one.peak_tree_mib:.0f} MiB | "
              f"{each.cli_one.peak_process_mib:.0f} MiB |")
    print()
    for each in measures:
        uploads = [result.upload for result in each.results]
        checks = [result.check for result in each.results]
        runs = " + ".join(str(size) for size in each.runs)
        print(f"{each.units} units: service / CLI {each.wall / each.cli.seconds:.1f}x; the service's runs: {runs} "
              f"submissions; upload request median {statistics.median(uploads):.2f} s (max "
              f"{max(uploads):.2f}); from reading to a unit's result median {statistics.median(checks):.1f} s (max "
              f"{max(checks):.1f}), the rest of its time in the queue; server idle {each.idle_mib:.0f} MiB; requests "
              f"waiting for a waitress thread: at most {each.request_queue}; load average at the start "
              f"{each.load:.1f}")


if __name__ == "__main__":
    main()
