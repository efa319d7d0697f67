"""A small, bounded HTTP load generator for the benchmarks: loopback only, fixed time and count."""

import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class Target:
    key: str
    label: str
    path: str
    headers: dict = field(default_factory=dict)
    expected_status: int = 200
    # Bytes the answer must contain to show it is the benchmark organisation's own page (a
    # JSON list names no organisation, so it names one of the organisation's records instead);
    # empty: the organisation's name or slug.
    marker: bytes = b""
    # Who the in-process measurement signs in as (None: the benchmark's municipal user); the
    # page headers carry that user's session cookie for the load.
    user: object = None


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else math.nan

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def fetch(port: int, target: Target, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync workers close each connection anyway)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", target.path, headers={"Host": HOST, **target.headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run_load(port: int, target: Target, *, threads: int, seconds: float, max_requests: int) -> LoadResult:
    """`threads` clients send requests back to back until `seconds` pass or `max_requests` are sent."""
    latencies: list[float] = []
    errors = [0]
    issued = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            started = time.perf_counter()
            try:
                status, _ = fetch(port, target)
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == target.expected_status:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return LoadResult(requests=len(latencies), errors=errors[0], seconds=time.monotonic() - started,
                      latencies_ms=latencies)
