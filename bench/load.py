"""Load benchmark: the portal's busiest pages and API calls against the framework's ceiling.

Starts gunicorn (sync workers, ``--workers`` default 2 * cores + 1, persistent database
connections, ``DEBUG`` off, ``bench/settings.py``) on the database of ``DATABASE_URL`` (the scale
data set of ``manage.py seed_scale``), with the Redis cache of ``REDIS_URL`` when it is set, and
drives each URL with ``wrk`` at ``--connections`` (16) for ``--duration`` seconds (15) after a
warm-up: first ``/bench/ceiling/``, the smallest Django view through the portal's middleware,
then home, the requests list with filters, full-text search, a request's page, the offers list,
the portal-wide search, the catalogue, the dashboards, an indicator and ``/api/v1/needs/``, with
filter values read from the data; the requests list also signed in as a focal point. For each:
requests per second, its ratio to the ceiling, p50 and p95 latency, non-2xx responses. Every
worker's resident memory is sampled twice a second (``/proc/<pid>/status``); the bar is 250 MB.
Last, the public registry's CSV export is streamed once, timed, with the worker's memory before,
at its peak and after.

``--modes uncached,cached`` runs the whole list twice: with the public page cache off
(``PUBLIC_PAGE_CACHE_SECONDS=0``) and on. Output: a Markdown table (and ``--json FILE``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chm_scale REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/load.py [--duration 15] [--modes uncached,cached] [--json out.json]

``wrk`` is the Debian package; without it a plain Python client (threads, one connection each)
drives the URLs, which loads the machine differently: the output says which was used.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chm_scale"
RSS_LIMIT_MB = 250
SAMPLE_SECONDS = 0.5
SETTINGS = "bench.settings"

# Counts non-2xx responses across wrk's threads and prints the figures as one JSON line.
WRK_SCRIPT = """
local threads = {}
local paths = {%(paths)s}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non2xx") end
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "non2xx": %%d, "socket_errors": %%d, ' ..
    '"timeouts": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class Scenario:
    name: str
    paths: list[str]
    signed_in: bool = False
    cacheable: bool = True  # anonymous page the public page cache may serve


@dataclass
class Result:
    name: str
    path: str
    mode: str
    requests_per_second: float
    ratio_to_ceiling: float | None
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    requests: int
    queries: int | None = None
    first_status: int | None = None
    first_bytes: int | None = None


@dataclass
class Report:
    started_at: str
    environment: dict
    results: list[Result] = field(default_factory=list)
    workers_max_rss_mb: dict[str, dict[str, float]] = field(default_factory=dict)
    export: dict | None = None


# --- Django in this process: choosing the URLs ----------------------------------------------------
def _django(database_url: str, redis_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.update(_server_environment(database_url, redis_url, page_cache=False))
    import django

    django.setup()


def _server_environment(database_url: str, redis_url: str, *, page_cache: bool) -> dict:
    environment = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(STATIC_ROOT),
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PUBLIC_PAGE_CACHE_SECONDS": "60" if page_cache else "0",
        "CONN_MAX_AGE": "600",
    }
    if redis_url:
        environment["REDIS_URL"] = redis_url
    else:
        environment.pop("REDIS_URL", None)
    return environment


_SECRET = secrets.token_urlsafe(40)
STATIC_ROOT = Path(tempfile.gettempdir()) / "chm_bench_static"


def choose_scenarios() -> tuple[list[Scenario], dict]:
    """The URLs, with filter values the data set holds (the busiest country, a target of its
    requests, words that occur in the titles)."""
    from django.db.models import Count

    from monitoring.indicators import all_indicators
    from needs.models import PUBLIC_STATUSES, Need

    public = Need.objects.filter(status__in=PUBLIC_STATUSES, visibility=Need.Visibility.PUBLIC)
    busiest = public.values("country__code").annotate(n=Count("pk")).order_by("-n").first()
    country = busiest["country__code"] if busiest else "KE"
    target = (
        Need.targets.through.objects.filter(need__country__code=country)
        .values("gbftarget__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    target = target["gbftarget__code"] if target else "GBF-T3"
    references = list(
        public.order_by("-published_at").values_list("reference", flat=True)[:200]
    ) or ["NEED-0000-00000"]
    indicator = next(
        (i.code for i in all_indicators() if i.code == "1.2"), all_indicators()[0].code
    )
    registry = f"/en/needs/registry/?country={country}&target={target}&status=published"
    scenarios = [
        Scenario("ceiling", ["/bench/ceiling/"], cacheable=False),
        Scenario("home", ["/en/"]),
        Scenario("requests list, filtered", [registry]),
        Scenario("requests search", ["/en/needs/registry/?q=mangrove+restoration"]),
        Scenario("request page (200 of them)", [f"/en/needs/{r}/" for r in references]),
        Scenario("offers list", ["/en/partners/offers/"]),
        Scenario("portal search", ["/en/search/?q=mangrove"]),
        Scenario("catalogue", ["/en/learning/courses/"]),
        Scenario("dashboards", ["/en/dashboards/"]),
        Scenario(f"indicator {indicator}", [f"/en/dashboards/indicators/{indicator}/"]),
        Scenario("API needs, filtered", [f"/api/v1/needs/?country={country}&target={target}"]),
        Scenario("requests list, signed in", [registry], signed_in=True, cacheable=False),
    ]
    return scenarios, {"country": country, "target": target, "needs": Need.objects.count()}


def focal_point_session() -> str:
    """A session of the named focal point of the scale data set (cookie value)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from chm_portal.accounts.models import User

    user = User.objects.get(email="focal.scale@scale.example")
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def queries_of(path: str, session_key: str | None) -> int:
    """How many SQL queries one request of ``path`` makes (Django's test client, same settings)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


# --- The server -----------------------------------------------------------------------------------
class Server:
    def __init__(self, *, port: int, workers: int, environment: dict) -> None:
        self.port, self.workers, self.environment = port, workers, environment
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            GUNICORN,
            "chm_portal.wsgi:application",
            "--config",
            str(ROOT / "bench" / "gunicorn.conf.py"),
            "--worker-class",
            "sync",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            # Long enough for the 100,000-row export to finish (it is measured, not cut off).
            "--timeout",
            "900",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, **self.environment}
        if "REDIS_URL" not in self.environment:
            env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answered = fetch(self.port, "/bench/ceiling/")[0] == 200
                if answered and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not answer within a minute")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """The largest resident memory of each worker, sampled every ``interval`` seconds."""

    def __init__(self, server: Server, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peaks: dict[int, float] = {}
        self.stopped = threading.Event()

    def sample(self) -> dict[int, float]:
        now = {}
        for pid in self.server.worker_pids():
            value = rss_mb(pid)
            if value is not None:
                now[pid] = value
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), value)
        return now

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


# --- Driving the URLs -----------------------------------------------------------------------------
def run_wrk(port, paths, *, seconds, connections, threads, cookie) -> dict:
    lua = WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        script.name,
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    command.append(f"http://127.0.0.1:{port}")
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("{"))
    figures = json.loads(line)
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "non2xx": figures["non2xx"],
        "socket_errors": figures["socket_errors"] + figures["timeouts"],
    }


def run_python_client(port, paths, *, seconds, connections, threads, cookie) -> dict:
    """The fallback when wrk is missing: ``connections`` threads with a keep-alive connection
    each (slower than wrk: it competes with the server for the CPU and the GIL)."""
    latencies: list[float] = []
    failures = [0, 0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        number = offset
        mine, bad, broken = [], 0, 0
        while time.monotonic() < deadline:
            path = paths[number % len(paths)]
            number += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    bad += 1
            except (OSError, http.client.HTTPException):
                broken += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            failures[0] += bad
            failures[1] += broken

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "non2xx": failures[0],
        "socket_errors": failures[1],
    }


def measure_export(server: Server, path: str) -> dict:
    """Stream ``path`` once; time it and watch every worker's memory (the one serving it grows
    if the export is not streamed)."""
    sampler = MemorySampler(server, interval=0.1)
    before = sampler.sample()
    sampler.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=900)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first_byte = time.perf_counter() - started
    size = lines = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    connection.close()
    sampler.stop()
    after = sampler.sample()
    grown = {pid: sampler.peaks[pid] - before.get(pid, sampler.peaks[pid]) for pid in sampler.peaks}
    serving = max(grown, key=grown.get) if grown else None
    return {
        "path": path,
        "status": response.status,
        "rows": max(0, lines - 1),  # the header line (cells hold no raw newlines: they are quoted)
        "megabytes": round(size / 2**20, 1),
        "seconds": round(elapsed, 1),
        "first_byte_ms": round(first_byte * 1000),
        "rows_per_second": round(max(0, lines - 1) / elapsed) if elapsed else None,
        "worker_rss_before_mb": round(before.get(serving, 0.0), 1) if serving else None,
        "worker_rss_peak_mb": round(sampler.peaks.get(serving, 0.0), 1) if serving else None,
        "worker_rss_after_mb": round(after.get(serving, 0.0), 1) if serving else None,
    }


def collect_static(environment: dict) -> None:
    if (STATIC_ROOT / "staticfiles.json").exists():
        return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **environment},
        check=True,
    )


# --- Output ---------------------------------------------------------------------------------------
def markdown(report: Report) -> str:
    lines = [
        "| mode | URL | req/s | % of ceiling | p50 ms | p95 ms | non-2xx | queries |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report.results:
        ratio = "" if r.ratio_to_ceiling is None else f"{r.ratio_to_ceiling * 100:.2f} %"
        lines.append(
            f"| {r.mode} | {r.name} | {r.requests_per_second:,.1f} | {ratio} | {r.p50_ms:,.0f} | "
            f"{r.p95_ms:,.0f} | {r.non_2xx} | {'' if r.queries is None else r.queries} |"
        )
    lines.append("")
    for mode, peaks in report.workers_max_rss_mb.items():
        worst = max(peaks.values(), default=0.0)
        verdict = "under" if worst < RSS_LIMIT_MB else "OVER"
        values = ", ".join(f"{v:.0f}" for v in sorted(peaks.values()))
        lines.append(
            f"Workers' peak RSS ({mode}): {values} MB — {verdict} the {RSS_LIMIT_MB} MB bar."
        )
    if report.export:
        e = report.export
        lines.append(
            f"Export `{e['path']}`: {e['rows']:,} rows, {e['megabytes']} MB in {e['seconds']} s "
            f"({e['rows_per_second']:,} rows/s, first byte {e['first_byte_ms']} ms); serving "
            f"worker RSS {e['worker_rss_before_mb']} MB before, {e['worker_rss_peak_mb']} MB at "
            f"its peak, {e['worker_rss_after_mb']} MB after."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--modes",
        default="uncached",
        help="comma-separated: uncached (public page cache off), cached (on)",
    )
    parser.add_argument("--only", help="comma-separated scenario names (the ceiling is kept)")
    parser.add_argument("--no-export", action="store_true", help="skip the 100,000-row export")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    redis_url = os.environ.get("REDIS_URL", "")
    collect_static(_server_environment(database_url, redis_url, page_cache=False))
    _django(database_url, redis_url)
    scenarios, chosen = choose_scenarios()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        scenarios = [s for s in scenarios if s.name == "ceiling" or s.name in wanted]
    session = focal_point_session()
    query_counts = {
        s.name: queries_of(s.paths[0], session if s.signed_in else None) for s in scenarios
    }
    from django.db import connections

    connections.close_all()

    driver = run_wrk if shutil.which("wrk") else run_python_client
    report = Report(
        started_at=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        environment={
            "cores": os.cpu_count(),
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "client": "wrk" if driver is run_wrk else "python threads",
            "cache": "redis" if redis_url else "locmem (per worker)",
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "data": chosen,
        },
    )
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        environment = _server_environment(database_url, redis_url, page_cache=mode == "cached")
        server = Server(port=args.port, workers=args.workers, environment=environment)
        server.start()
        sampler = MemorySampler(server)
        sampler.start()
        ceiling = None
        try:
            for scenario in scenarios:
                if mode == "cached" and not scenario.cacheable and scenario.name != "ceiling":
                    continue
                cookie = session if scenario.signed_in else None
                status, body = fetch(args.port, scenario.paths[0], cookie)
                if args.warmup:
                    driver(
                        args.port,
                        scenario.paths,
                        seconds=args.warmup,
                        connections=args.connections,
                        threads=args.threads,
                        cookie=cookie,
                    )
                figures = driver(
                    args.port,
                    scenario.paths,
                    seconds=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    cookie=cookie,
                )
                if scenario.name == "ceiling":
                    ceiling = figures["rps"]
                result = Result(
                    name=scenario.name,
                    path=scenario.paths[0],
                    mode=mode,
                    requests_per_second=round(figures["rps"], 1),
                    ratio_to_ceiling=round(figures["rps"] / ceiling, 4) if ceiling else None,
                    p50_ms=round(figures["p50_ms"], 1),
                    p95_ms=round(figures["p95_ms"], 1),
                    p99_ms=round(figures["p99_ms"], 1),
                    non_2xx=figures["non2xx"],
                    socket_errors=figures["socket_errors"],
                    requests=figures["requests"],
                    queries=query_counts.get(scenario.name),
                    first_status=status,
                    first_bytes=len(body),
                )
                report.results.append(result)
                print(
                    f"{mode:>8}  {scenario.name:<28} {result.requests_per_second:>9,.1f} req/s "
                    f"p50 {result.p50_ms:>7,.0f} ms  p95 {result.p95_ms:>7,.0f} ms  "
                    f"non-2xx {result.non_2xx}  (first: {status}, {len(body):,} B)",
                    flush=True,
                )
            if not args.no_export and mode == "uncached":
                report.export = measure_export(server, "/en/needs/registry/export.csv")
        finally:
            sampler.stop()
            report.workers_max_rss_mb[mode] = {
                str(pid): round(peak, 1) for pid, peak in sampler.peaks.items()
            }
            server.stop()
    report.environment["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(
        f"{report.started_at}; {report.environment['cores']} cores, "
        f"{args.workers} sync workers, {args.connections} connections, {args.duration} s per URL "
        f"({report.environment['client']}); cache: {report.environment['cache']}; load average "
        f"{report.environment['load_average_before']} before, "
        f"{report.environment['load_average_after']} after."
    )
    print(markdown(report))
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
