"""How fast the HTML pages render on a store of a few thousand reports.

Builds (or reuses, with ``--store``) an embedded store of synthetic reports of every form generation
— ``--agencies`` agencies × three years — starts the server in-process with the page routers, and
times each kind of page (landing, report, agency, observation, indicator, graph, VoID, query page):
the first request (caches empty), then the median and the slowest of ``--rounds`` more.

    .venv/bin/python benchmarks/bench_pages.py [--agencies 1000] [--rounds 10] [--store DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ogikg import iris  # noqa: E402
from ogikg.server.app import create_app  # noqa: E402
from ogikg.server.pages import site_routers  # noqa: E402
from ogikg.server.settings import ServerSettings  # noqa: E402
from report_factory import emit, make_report  # noqa: E402
from w3c_protocol import live_server  # noqa: E402

YEARS = ((2017, "old"), (2020, "2019"), (2022, "2021"))


def build_store(path: Path, agencies: int) -> None:
    nquads = path.parent / "bench-pages.nq"
    with nquads.open("w", encoding="utf-8") as out:
        for number in range(agencies):
            for year, generation in YEARS:
                report = make_report(
                    generation,
                    agency_name=f"测试市{number}统计局",
                    agency_body=f"统计局{number}",
                    adcode=str(330100 + number % 90),
                    year=year,
                    seed=number,
                )
                out.write(emit(report)[1])
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    nquads.unlink()


def sample_iris(path: Path) -> dict[str, str]:
    store = ox.Store.read_only(str(path))
    ogi = iris.VOCAB
    solutions = store.query(
        f"SELECT ?r ?a ?g WHERE {{ ?r a <{ogi}AnnualReport> ; <{ogi}template> <{iris.TEMPLATE}2021> ; "
        f"<{ogi}agency> ?a ; <{ogi}reportGraph> ?g }} LIMIT 1",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    row = next(iter(solutions))
    report, agency, graph = (row[name].value for name in ("r", "a", "g"))
    base = iris.data_base()
    return {
        "landing": "/",
        "report": "/" + report[len(base) :],
        "agency": "/" + agency[len(base) :],
        "observation": "/" + report[len(base) :] + "/cell/2021.T3.granted.T",
        "indicator": "/def/indicator/2021.T3.granted",
        "graph": "/" + graph[len(base) :],
        "report.ttl": "/" + report[len(base) :] + ".ttl",
        "query page": "/query",
        "void": "/.well-known/void",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--store", type=Path, help="reuse (or create) the store in this directory")
    arguments = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="ogikg-bench-pages-")
    path = arguments.store or Path(scratch.name) / "store"
    if not (path / "CURRENT").exists():
        started = time.perf_counter()
        build_store(path, arguments.agencies)
        print(
            f"built a store of {arguments.agencies * len(YEARS)} reports "
            f"in {time.perf_counter() - started:.0f} s"
        )
    pages = sample_iris(path)
    settings = ServerSettings(store=str(path), workers=2, query_timeout=60, access_log=False)
    with (
        live_server(create_app(settings, routers=site_routers(settings))) as server,
        httpx.Client(base_url=server.url, timeout=120, headers={"Accept": "text/html"}) as client,
    ):
        print(f"{'page':<14}{'first ms':>9}{'median ms':>10}{'max ms':>9}  path")
        for name, page in pages.items():
            started = time.perf_counter()
            first = client.get(page)
            cold = (time.perf_counter() - started) * 1000
            if first.status_code != 200:
                print(f"{name:<14} HTTP {first.status_code}: {first.text[:200]}")
                continue
            times = []
            for _ in range(arguments.rounds):
                started = time.perf_counter()
                client.get(page).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:<14}{cold:>9.0f}{statistics.median(times):>10.0f}{max(times):>9.0f}  {page}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
