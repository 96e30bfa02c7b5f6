"""Load on the web app: answers/s and p50/p95 latency at 1, 4, 16 and 32 concurrent gradio_client users.

Usage: python bench/load.py --index DIR [--users 1 4 16 32] [--seconds 20] [--repeat 2]
                            [--concurrent-questions N] [--questions FILE] [--compare CHECKOUT]

Starts `app.py` on DIR in a child process (uploads off, the settings of the environment),
then for each number of users runs that many threads, each with its own gradio_client
`Client` (or, with `--client http`, plain HTTP calls to the same endpoint), asking `/ask` one
question after another (the latency questions, in turn) for `--seconds`. Every level is repeated `--repeat` times, in alternating order.

Baseline, measured in the same run before the server starts: the bare throughput of
`Assistant.ask` called in a loop in this process (same index, same model, one thread),
so that answers/s can be read as a multiple of what one process does without the web
layer. Medians over repeats are printed with their ratio to that baseline.

The clients run on the same machine as the server: each level also reports the CPU the
server and the clients used (from /proc), the server's CPU time per answer, and what that
time allows on all of the machine's cores, since on 2 cores gradio_client's own work
(SSE streams, JSON, a thread per job) can take more CPU than the server.

--compare CHECKOUT also starts the `app.py` of another checkout of the project (an
earlier commit, say, made with `git worktree add`) on the same index, and runs every level
on both servers, alternating which goes first.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bare_throughput(index_dir: str, questions: list[str], seconds: float) -> float:
    """Answers/s of Assistant.ask in a loop, in this process, one thread."""
    from qa import Assistant

    assistant = Assistant.open(index_dir)
    assistant.ask(questions[0])
    answered, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        assistant.ask(questions[answered % len(questions)])
        answered += 1
    return answered / (time.perf_counter() - started)


def start_server(checkout: Path, index_dir: str, port: int, concurrent: int | None) -> subprocess.Popen:
    environment = {**os.environ, "QA_INDEX": str(Path(index_dir).resolve()), "QA_ALLOW_UPLOADS": "false",
                   "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False",
                   "PYTHONPATH": str(checkout)}  # that checkout's qa package, not the installed one
    if concurrent:
        environment["QA_CONCURRENT_QUESTIONS"] = str(concurrent)
    server = subprocess.Popen([sys.executable, str(checkout / "app.py")], env=environment, cwd=checkout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"app.py exited with status {server.returncode}")
            time.sleep(0.5)
    server.kill()
    raise SystemExit("app.py did not start listening within 180 s")


class HttpUser:
    """A lean client of Gradio's documented HTTP API (what `curl` users call): POST
    /gradio_api/call/ask, then read the event stream; far less CPU than gradio_client."""

    def __init__(self, url: str):
        import httpx

        self.url = url.rstrip("/")
        self.http = httpx.Client(timeout=120)

    def predict(self, question: str, api_name: str = "/ask"):
        started = self.http.post(f"{self.url}/gradio_api/call{api_name}", json={"data": [question, [], "", "", "", ""]})
        stream = self.http.get(f"{self.url}/gradio_api/call{api_name}/{started.json()['event_id']}").text
        if "event: complete" not in stream:
            raise RuntimeError(stream[-200:])


def make_clients(url: str, users: int, kind: str) -> list:
    if kind == "http":
        return [HttpUser(url) for _ in range(users)]
    from gradio_client import Client

    return [Client(url, verbose=False) for _ in range(users)]


def run_level(url: str, users: int, questions: list[str], seconds: float,
              kind: str = "gradio_client") -> tuple[float, list[float], int]:
    """(answers/s, latencies in ms, errors) of `users` clients asking for `seconds`."""
    clients = make_clients(url, users, kind)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(number: int) -> None:
        client = clients[number]
        start.wait()
        asked = number
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                client.predict(questions[asked % len(questions)], api_name="/ask")
            except Exception:  # noqa: BLE001 - counted, the run goes on
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
            asked += users

    threads = [threading.Thread(target=user, args=(number,)) for number in range(users)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - began), latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 16, 32])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--concurrent-questions", type=int, help="QA_CONCURRENT_QUESTIONS for the server")
    parser.add_argument("--questions", default=str(HERE / "latency_questions.txt"))
    parser.add_argument("--compare", metavar="CHECKOUT", help="another checkout whose app.py runs the same load")
    parser.add_argument("--client", choices=["gradio_client", "http"], default="gradio_client",
                        help="gradio_client (default), or lean HTTP calls to /gradio_api/call/ask")
    args = parser.parse_args()
    questions = [line.strip() for line in Path(args.questions).read_text().splitlines() if line.strip()]

    baseline = bare_throughput(args.index, questions, args.seconds)
    print(f"baseline: bare Assistant.ask in one process, one thread: {baseline:.1f} answers/s")
    checkouts = {"this": ROOT} | ({"compare": Path(args.compare).resolve()} if args.compare else {})
    servers, urls = {}, {}
    try:
        for name, checkout in checkouts.items():
            port = free_port()
            servers[name] = start_server(checkout, args.index, port, args.concurrent_questions)
            urls[name] = f"http://127.0.0.1:{port}/"
            run_level(urls[name], 1, questions, 3, args.client)  # warm-up
        results = {(name, users): [] for name in checkouts for users in args.users}
        for repeat in range(args.repeat):
            order = args.users if repeat % 2 == 0 else list(reversed(args.users))
            for users in order:
                names = list(checkouts) if (repeat + users) % 2 == 0 else list(reversed(checkouts))
                for name in names:
                    before = (cpu_seconds(servers[name].pid), cpu_seconds(os.getpid()), time.perf_counter())
                    rate, latencies, errors = run_level(urls[name], users, questions, args.seconds, args.client)
                    elapsed = time.perf_counter() - before[2]
                    server_cores = (cpu_seconds(servers[name].pid) - before[0]) / elapsed
                    client_cores = (cpu_seconds(os.getpid()) - before[1]) / elapsed
                    row = (rate, statistics.median(latencies), percentile(latencies, 0.95), errors,
                           server_cores * 1000 / rate, client_cores)
                    results[(name, users)].append(row)
                    print(f"repeat {repeat + 1}: {name}: {users:>2} users: {rate:.1f} answers/s, p50 {row[1]:.0f} ms, "
                          f"p95 {row[2]:.0f} ms, {errors} errors; server {server_cores:.2f} cores "
                          f"({row[4]:.0f} ms CPU an answer), clients {client_cores:.2f} cores", flush=True)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    cores = os.cpu_count()
    print(f"server | users | answers/s (median) | x baseline | p50 ms | p95 ms | errors | server CPU ms an answer "
          f"| clients' cores | server capacity on {cores} free cores (answers/s)")
    for (name, users), rows in results.items():
        rate = statistics.median(row[0] for row in rows)
        cost = statistics.median(row[4] for row in rows)
        print(f"{name:>7} | {users:>5} | {rate:>18.1f} | {rate / baseline:>10.2f} | "
              f"{statistics.median(row[1] for row in rows):>6.0f} | {statistics.median(row[2] for row in rows):>6.0f} | "
              f"{sum(row[3] for row in rows)} | {cost:.0f} | {statistics.median(row[5] for row in rows):.2f} | "
              f"{cores * 1000 / cost:.0f}")


if __name__ == "__main__":
    main()
