"""The whole-dataset dumps of an embedded store in shards, so that a re-run rewrites only what changed.

Each dump (N-Quads, TriG) is one gzip file made of several gzip members, one per shard; gzip
readers (``gzip -d``, ``zcat``, Python's ``gzip``, zlib's ``gzread``) read such a file as one
stream, and N-Quads and TriG documents stay valid when joined (TriG may repeat its prefixes).

A shard holds graphs of one year whose key hashes to it (``shard_names``); a report's graph and
its quality graph share a key, so a report converted again changes one shard, and a new year's
reports add shards of their own. The compressed members of every shard are kept in ``.shards/``
beside the dumps with the shard's fingerprint: its graphs' IRIs and the digests of the files they
were loaded from (``ogi:loadDigest``). A re-run compresses a shard again only when its
fingerprint changed, and joins the members into the dump files, which is a copy. Each shard's VoID
figures are kept beside its members and added up (``dump_statistics``).

What no digest vouches for is written every time, in shards named ``u-…`` and, last, the default
graph's: the agency and area graphs (every load of one of their reports adds to them), graphs
written without a digest (ingest, the Graph Store Protocol) and the default graph. A write to the
store outside a load leaves a mark (``EmbeddedStore.untracked_writes``); when the mark changed, no
kept shard is trusted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from ogikg import __version__, iris
from ogikg.atomic import write_atomically
from ogikg.loading import loaded_digests
from ogikg.server.dump_statistics import DatasetStatistics, ShardCounts, count_quads, merge
from ogikg.store.embedded import EmbeddedStore

SHARDS_DIR = ".shards"
_STATE = "shards.json"
_GRAPHS_PER_SHARD = 64  # ~30,000 quads (32 reports): a shard is written again in about 0.3 s
_MAX_SHARDS = 4096  # per year: 260,000 graphs, a year of a national archive and more
_THREADS = 2


@dataclass(frozen=True, slots=True)
class Member:
    """One shard's files: its N-Quads and its TriG (each a complete gzip member), and its counts."""

    nquads: Path
    trig: Path
    counts: Path

    def complete(self) -> bool:
        return self.nquads.is_file() and self.trig.is_file() and self.counts.is_file()

    def read_counts(self) -> ShardCounts | None:
        try:
            return ShardCounts.from_json(json.loads(self.counts.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


def _member(folder: Path, name: str) -> Member:
    return Member(folder / f"{name}.nq.gz", folder / f"{name}.trig.gz", folder / f"{name}.counts.json")


@dataclass(slots=True)
class ShardedDump:
    """What ``write_members`` gives: the members in file order, and the dataset's statistics added
    up from the shards' (``None`` where they do not add up)."""

    members: list[Member]
    statistics: DatasetStatistics | None


def shard_count(graphs: int) -> int:
    """A power of two, so that the count of a year's shards changes (and they are all written
    again) only when its number of graphs doubles or halves."""
    wanted = max(1, math.ceil(graphs / _GRAPHS_PER_SHARD))
    return min(_MAX_SHARDS, 1 << (wanted - 1).bit_length())


def shard_key(graph: str) -> str:
    """What a graph's shard is chosen by: a report's graph and its quality graph share the
    report's ``iris.report_tail``."""
    return iris.report_tail(graph) or graph


def _group(graph: str) -> str:
    """The year of a report's graphs (``<agency key>/<year>``), else ``other``."""
    year = shard_key(graph).rpartition("/")[2]
    return year if len(year) == 4 and year.isdigit() else "other"


def shard_names(graphs: Iterable[str]) -> dict[str, str]:
    """Graph → the name of its shard: ``<year>-<count>-<number>``. A year's reports share its
    shards, so the reports of a new year add shards of their own and leave the others alone;
    within a year a report's key hashes to one of ``count`` shards."""
    by_group: dict[str, list[str]] = {}
    for graph in graphs:
        by_group.setdefault(_group(graph), []).append(graph)
    names: dict[str, str] = {}
    for group, members in by_group.items():
        count = shard_count(len(members))
        for graph in members:
            digest = hashlib.blake2b(shard_key(graph).encode("utf-8"), digest_size=8).digest()
            names[graph] = f"{group}-{count}-{int.from_bytes(digest, 'big') % count:04d}"
    return names


def fingerprint(graphs: Iterable[tuple[str, str]]) -> str:
    """The fingerprint of a shard from its (graph IRI, load digest) pairs."""
    text = "\n".join(f"{graph} {digest}" for graph, digest in sorted(graphs))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _format_version(uri_space: str) -> str:
    """Kept members are valid only for the code and library that wrote them, and their counts
    for the same ``uri_space``."""
    prefixes = ",".join(f"{name}={iri}" for name, iri in sorted(iris.PREFIXES.items()))
    return f"ogikg {__version__}; pyoxigraph {ox.__version__}; {uri_space}; {prefixes}"


def graph_nquads(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> bytes:
    """One graph as N-Quads. The store writes it as N-Triples (in compiled code, 2.4× faster than
    serialising its quads from Python) and the graph name goes before each line's final " .":
    N-Triples escapes line breaks inside literals, so every line break ends a statement."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    if isinstance(graph, ox.DefaultGraph):
        return data
    return data.replace(b" .\n", b" <" + graph.value.encode("utf-8") + b"> .\n")


def _write_member(
    store: ox.Store, graphs: Sequence[ox.NamedNode | ox.DefaultGraph], member: Member, uri_space: str
) -> ShardCounts:
    """Write a shard's member files and return (and keep) its counts; the subjects of the reports
    whose graphs it holds are its own."""
    nquads = b"".join(graph_nquads(store, graph) for graph in graphs)
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS, lenient=True))
    tails = {iris.report_tail(graph.value) for graph in graphs if isinstance(graph, ox.NamedNode)}
    counts = count_quads(quads, (tail for tail in tails if tail), uri_space)
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=dict(iris.PREFIXES)) or b""
    # level 6 as the rest of the dumps; no time stamp, so the same data gives the same bytes
    contents = (
        (gzip.compress(nquads, compresslevel=6, mtime=0), member.nquads),
        (gzip.compress(trig, compresslevel=6, mtime=0), member.trig),
        (json.dumps(counts.to_json(), ensure_ascii=False).encode("utf-8"), member.counts),
    )
    for data, path in contents:
        write_atomically(path, data)
    return counts


def _read_state(folder: Path) -> dict[str, object]:
    try:
        state = json.loads((folder / _STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(folder: Path, state: dict[str, object]) -> None:
    write_atomically(folder / _STATE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))


def write_members(
    store: EmbeddedStore, directory: Path, *, uri_space: str, progress: bool = False
) -> ShardedDump:
    """Bring the kept members of ``store``'s shards up to date in ``directory/.shards`` and write
    those of what no digest vouches for; returns the members in the order they are joined, and
    the statistics added up (``uri_space``: which subjects count as entities)."""
    folder = directory / SHARDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    oxigraph = store.oxigraph
    digests = loaded_digests(store)
    named = sorted(graph.value for graph in oxigraph.named_graphs() if isinstance(graph, ox.NamedNode))
    vouched: dict[str, list[str]] = {}
    unvouched: dict[str, list[str]] = {}  # in shards too, to bound the memory a shard takes
    for graph, name in shard_names(named).items():
        if graph in digests and not iris.is_shared_graph(graph):
            vouched.setdefault(name, []).append(graph)
        else:
            unvouched.setdefault("u-" + name, []).append(graph)

    state = _read_state(folder)
    fresh_state = {"format": _format_version(uri_space), "untracked": store.untracked_writes()}
    trusted = all(state.get(key) == value for key, value in fresh_state.items())
    kept = state.get("shards") if trusted else None
    kept_prints: dict[str, str] = kept if isinstance(kept, dict) else {}
    prints = {name: fingerprint((g, digests[g]) for g in graphs) for name, graphs in vouched.items()}
    members = {name: _member(folder, name) for name in sorted(vouched)}
    counts = {
        name: member.read_counts()
        for name, member in members.items()
        if kept_prints.get(name) == prints[name] and member.complete()
    }
    stale = [name for name in members if counts.get(name) is None]
    # The shards about to be written are forgotten first: a run stopped half-way must not leave
    # a member of other data under a fingerprint that a later run could find again.
    _write_state(folder, {**fresh_state, "shards": {k: v for k, v in prints.items() if k not in stale}})
    members.update((name, _member(folder, name)) for name in sorted(unvouched))
    members["default"] = _member(folder, "default")
    graphs_of: dict[str, list[ox.NamedNode | ox.DefaultGraph]] = {"default": [ox.DefaultGraph()]}
    for name, graphs in (*vouched.items(), *unvouched.items()):
        graphs_of[name] = [ox.NamedNode(graph) for graph in graphs]
    written = [*stale, *sorted(unvouched), "default"]
    # Two threads: the store's dumps and zlib run outside the GIL, so a second core helps.
    with (
        ThreadPoolExecutor(max_workers=_THREADS) as pool,
        tqdm(total=len(written), unit="shard", desc="dumps", disable=not progress) as bar,
    ):
        futures = {
            pool.submit(_write_member, oxigraph, graphs_of[name], members[name], uri_space): name
            for name in written
        }
        for future in as_completed(futures):
            counts[futures[future]] = future.result()
            bar.update()
    for path in _stale_files(folder, members.values()):
        path.unlink()
    _write_state(folder, {**fresh_state, "shards": prints})
    statistics = merge((found for found in counts.values() if found is not None), uri_space)
    return ShardedDump(list(members.values()), statistics)


def _stale_files(folder: Path, members: Iterable[Member]) -> Iterator[Path]:
    """Members of shards that are gone (empty now, or another shard count) and leftovers."""
    wanted = {path.name for member in members for path in (member.nquads, member.trig, member.counts)}
    wanted.add(_STATE)
    for path in folder.iterdir():
        if path.name not in wanted:
            yield path


def join_members(paths: Iterable[Path], write: Callable[[bytes], object]) -> None:
    """Copy gzip members one after the other into one file."""
    for path in paths:
        with open(path, "rb") as member:
            while chunk := member.read(4 << 20):
                write(chunk)
