"""Throughput of ``regenerate_dumps`` (N-Quads + TriG, gzip, statistics) on an embedded store.

    .venv/bin/python benchmarks/bench_dumps.py                       # bench-data/scale-1000/store
    .venv/bin/python benchmarks/bench_dumps.py --store path/to/store
    .venv/bin/python benchmarks/bench_dumps.py --graphs 500          # synthetic store (bench_load)

The store is copied to a temporary directory first (a dump must not touch a store in use). Prints
wall and CPU seconds of the whole regeneration and of its parts measured alone: the store's own
N-Quads dump (the floor: every term is looked up in the store's string table), the aggregate
statistics queries, the TriG conversion of the N-Quads file and gzip at levels 1, 3 and 6.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ogikg import iris
from ogikg.server.dumps import regenerate_dumps, store_statistics
from ogikg.store.embedded import EmbeddedStore

DEFAULT_STORE = Path(__file__).resolve().parents[1] / "bench-data" / "scale-1000" / "store"


def timed(label: str, action: Callable[[], object], quads: int) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:34s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {quads / wall:>10,.0f} quads/s", flush=True)


def synthetic_store(target: Path, graphs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_load import generate  # the same report-shaped N-Quads as the load benchmark

    data = target.parent / "synthetic.nq"
    generate(data, range(graphs), 60, seed=7)
    with EmbeddedStore(target) as store:
        store.load_nquads(str(data))


def gzip_file(source: Path, level: int) -> int:
    target = source.with_suffix(f".{level}.gz")
    with open(source, "rb") as plain, gzip.GzipFile(target, "wb", compresslevel=level, mtime=0) as packed:
        shutil.copyfileobj(plain, packed, 4 << 20)
    return target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, default=None, help="store to copy (default: scale-1000)")
    parser.add_argument("--graphs", type=int, default=0, help="build a synthetic store of this many graphs")
    parser.add_argument("--parts", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dumps-") as temporary:
        root = Path(temporary)
        store_dir = root / "store"
        source = args.store or (DEFAULT_STORE if not args.graphs and DEFAULT_STORE.is_dir() else None)
        if source is not None:
            shutil.copytree(source, store_dir, ignore=shutil.ignore_patterns("LOCK"))
        else:
            synthetic_store(store_dir, args.graphs or 2000)
        with EmbeddedStore(store_dir, read_only=True) as store:
            quads = store.quad_count()
            print(f"store: {source or 'synthetic'}, {quads:,} quads, {os.cpu_count()} CPUs")
            timed("regenerate_dumps", lambda: regenerate_dumps(store, root / "dumps"), quads)
            if not args.parts:
                return
            plain = root / "dataset.nq"
            timed(
                "  store.dump N-Quads (alone)",
                lambda: store.oxigraph.dump(str(plain), format=ox.RdfFormat.N_QUADS),
                quads,
            )
            timed(
                "  statistics queries (alone)",
                lambda: store_statistics(store.oxigraph, iris.data_base() + "id/"),
                quads,
            )
            timed(
                "  TriG from the N-Quads file",
                lambda: ox.serialize(
                    ox.parse(path=str(plain), format=ox.RdfFormat.N_QUADS, lenient=True),
                    str(root / "dataset.trig"),
                    format=ox.RdfFormat.TRIG,
                    prefixes=dict(iris.PREFIXES),
                ),
                quads,
            )
            for level in (1, 3, 6):
                sizes: list[int] = []
                timed(
                    f"  gzip -{level} N-Quads",
                    lambda level=level, sizes=sizes: sizes.append(gzip_file(plain, level)),
                    quads,
                )
                print(f"{'':34s} {sizes[0] / 1e6:.1f} MB of {plain.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
