"""Whole-dataset dumps: written after a load that changed the store (or found them out of date),
listed and served on ``/dumps/``.

``regenerate_dumps(store, directory)`` writes

- ``dataset.nq.gz`` — every quad of the store (each report's named graph, its quality graph, the
  graphs describing agencies and areas, the vocabulary graph), N-Quads, gzip;
- ``dataset.trig.gz`` — the same quads as TriG, gzip;
- ``vocabulary.ttl`` — the ontology (classes, properties, code lists, legal provisions) as Turtle;
- ``dumps.json`` — the manifest: each file's byte size, SHA-256, triple and graph count, and the
  dataset statistics the VoID description reuses (distinct subjects, entities, class and
  property partitions).

An embedded store's dumps are joined from gzip members kept per shard of its graphs, and a re-run
writes again only the shards whose graphs changed (``ogikg.server.dump_shards``); its statistics
are added up from the shards' (``dump_statistics``), or counted by SPARQL aggregate queries where
they do not add up. A remote store is dumped whole: it writes its N-Quads to a temporary file, the
TriG is converted from that file, zlib compresses both, and the statistics are counted as the TriG
is written. Each file is written under a temporary name in the same directory and renamed into
place, so readers never see half a file; gzip headers carry no time stamp, so the same data in
the same kind of store gives the same bytes and the same SHA-256 (an embedded store's sharded
dumps and a remote store's whole ones hold the same quads in another order). The manifest,
written last, records the embedded store's generation the dumps were made from
(``dumps_current``).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from ogikg import iris
from ogikg.ontology import turtle_files
from ogikg.server.cors import PublicReadRoute
from ogikg.server.dump_shards import join_members, write_members
from ogikg.server.dump_statistics import DatasetStatistics
from ogikg.server.errors import error_response
from ogikg.server.negotiation import Format, negotiate
from ogikg.server.service_description import HTML
from ogikg.server.sparql import public_base
from ogikg.store.base import Store
from ogikg.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from ogikg.server.site import SiteState

DUMPS_DIR_ENV = "OGIKG_DUMPS_DIR"
MANIFEST = "dumps.json"
NQUADS = "dataset.nq.gz"
TRIG = "dataset.trig.gz"
VOCABULARY = "vocabulary.ttl"
GZIP_MEDIA_TYPE = "application/gzip"
MEDIA_TYPES: dict[str, str] = {
    NQUADS: "application/n-quads",
    TRIG: "application/trig",
    VOCABULARY: "text/turtle",
}
_CHUNK = 4 << 20
# Level 6: on 0.9 million quads of N-Quads, level 3 takes 0.8 s instead of 2.0 s but the file is
# 23 % bigger (9.6 MB instead of 7.8 MB); level 9 costs twice the time for 3 % less.
_GZIP_LEVEL = 6


@dataclass(frozen=True, slots=True)
class DumpInfo:
    """One downloadable file."""

    name: str
    media_type: str
    compress_format: str | None
    byte_size: int
    sha256: str
    triples: int
    graphs: int
    modified: str  # ISO 8601, UTC
    directory: str = field(default="", repr=False, compare=False)  # where it is; not published

    @property
    def path(self) -> Path:
        return Path(self.directory) / self.name

    @property
    def description(self) -> str:
        what = {NQUADS: "N-Quads", TRIG: "TriG", VOCABULARY: "Turtle (vocabulary only)"}.get(
            self.name, self.name
        )
        return what + (", gzip" if self.compress_format else "")


@dataclass(slots=True)
class Manifest:
    generated: str
    dumps: list[DumpInfo]
    statistics: DatasetStatistics
    # the embedded store's generation the dumps were made from, written with them, last
    store_generation: str | None = None

    def dump(self, name: str) -> DumpInfo | None:
        return next((d for d in self.dumps if d.name == name), None)

    def to_json(self) -> dict[str, Any]:
        dumps = [{k: v for k, v in asdict(d).items() if k != "directory"} for d in self.dumps]
        document = {"generated": self.generated, "dumps": dumps, "statistics": asdict(self.statistics)}
        if self.store_generation is not None:
            document["storeGeneration"] = self.store_generation
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any], directory: str = "") -> Manifest:
        return cls(
            generated=str(document["generated"]),
            dumps=[DumpInfo(**{**d, "directory": directory}) for d in document["dumps"]],
            statistics=DatasetStatistics(**document.get("statistics", {})),
            store_generation=document.get("storeGeneration"),
        )


def dumps_directory(store_spec: str) -> Path | None:
    """Where the dumps of a store go: ``OGIKG_DUMPS_DIR``, else ``dumps/`` beside the store directory
    (``demo-data/store`` → ``demo-data/dumps``); ``None`` for a remote store without the variable."""
    configured = os.environ.get(DUMPS_DIR_ENV)
    if configured:
        return Path(configured)
    if not store_spec or "://" in store_spec:
        return None
    return Path(store_spec).resolve().parent / "dumps"


def dumps_current(store: Store, directory: Path) -> bool:
    """Whether ``directory`` holds dumps of ``store`` as it is now. An embedded store's dumps must
    have been made since its last write, whoever wrote; a remote store's count as current when
    there are any, since its writes leave no trace here."""
    manifest = read_manifest(directory)
    if manifest is None:
        return False
    return not isinstance(store, EmbeddedStore) or manifest.store_generation == store.generation()


def read_manifest(directory: str | os.PathLike[str] | None) -> Manifest | None:
    """The manifest of a dumps directory, or ``None`` when there are no (readable) dumps."""
    if directory is None:
        return None
    try:
        document = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
        return Manifest.from_json(document, str(directory))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- writing ----------------------------------------------------------------------------------


class _HashingWriter:
    """A binary writer that passes bytes on while counting them and computing their SHA-256."""

    def __init__(self, target: IO[bytes]) -> None:
        self._target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._target.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self._target.flush()


class _Statistics:
    """Counts as quads stream by; one entry per distinct subject (hash → interned class set).

    Used for stores that are only reachable over SPARQL (their dump is read back from the file);
    an embedded store adds up its shards' figures (``dump_statistics``), or counts them with
    aggregate queries (``store_statistics``) where those do not add up.
    """

    def __init__(self, uri_space: str) -> None:
        self.uri_space = uri_space
        self.quads = 0
        self.graphs: set[str] = set()
        self.properties: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()
        self.entities = 0
        self._subjects: dict[int, int] = {}
        self._signatures: list[frozenset[str]] = [frozenset()]
        self._interned: dict[frozenset[str], int] = {frozenset(): 0}

    def add(self, quad: ox.Quad) -> None:
        self.quads += 1
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode):
            self.graphs.add(graph.value)
        predicate = quad.predicate.value
        self.properties[predicate] += 1
        subject = quad.subject
        if isinstance(subject, ox.NamedNode):
            text = subject.value
        elif isinstance(subject, ox.BlankNode):
            text = f"_:{subject.value}"
        else:  # an RDF 1.2 triple term
            text = str(subject)
        key = hash(text)
        signature = self._subjects.get(key)
        if signature is None:
            signature = self._subjects[key] = 0
            if isinstance(subject, ox.NamedNode) and text.startswith(self.uri_space):
                self.entities += 1
        if predicate == iris.RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            known = self._signatures[signature]
            cls = quad.object.value
            if cls not in known:  # the same typing stated in another graph counts once
                self.classes[cls] += 1
                self._subjects[key] = self._intern(known | {cls})

    def _intern(self, signature: frozenset[str]) -> int:
        number = self._interned.get(signature)
        if number is None:
            number = self._interned[signature] = len(self._signatures)
            self._signatures.append(signature)
        return number

    def result(self) -> DatasetStatistics:
        return DatasetStatistics(
            quads=self.quads,
            graphs=len(self.graphs),
            distinct_subjects=len(self._subjects),
            entities=self.entities,
            uri_space=self.uri_space,
            classes=dict(sorted(self.classes.items())),
            properties=dict(sorted(self.properties.items())),
        )


# Every quad once: the default graph's and each named graph's (the store's own default graph,
# not the union, so that a triple stated in several graphs counts once per graph).
_EVERY_QUAD = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
_PROPERTIES_QUERY = f"SELECT ?p (COUNT(*) AS ?n) WHERE {_EVERY_QUAD} GROUP BY ?p"
_CLASSES_QUERY = (
    "SELECT ?class (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?class WHERE "
    "{ { ?s a ?class } UNION { GRAPH ?g { ?s a ?class } } FILTER(isIRI(?class)) } } GROUP BY ?class"
)


def _subjects_query(uri_space: str) -> str:
    # The IRI test runs once per distinct subject, not once per quad (4× cheaper).
    prefix = uri_space.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "SELECT (COUNT(*) AS ?subjects) "
        f'(SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}"), 1, 0)) AS ?entities) '
        f"WHERE {{ SELECT DISTINCT ?s WHERE {_EVERY_QUAD} }}"
    )


def _integer(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def store_statistics(store: ox.Store, uri_space: str) -> DatasetStatistics:
    """The VoID figures of a pyoxigraph store, counted by aggregate queries that stay in Rust.

    The same figures as ``_Statistics`` over the store's dump: quads per property, classes with
    their distinct instances (a typing repeated in several graphs counts once), distinct subjects,
    entities (IRIs in ``uri_space``) and non-empty named graphs.
    """
    properties = {
        row["p"].value: _integer(row["n"])
        for row in cast(ox.QuerySolutions, store.query(_PROPERTIES_QUERY))
        if isinstance(row["p"], ox.NamedNode)
    }
    classes = {
        row["class"].value: _integer(row["n"])
        for row in cast(ox.QuerySolutions, store.query(_CLASSES_QUERY))
        if isinstance(row["class"], ox.NamedNode)
    }
    subjects = next(iter(cast(ox.QuerySolutions, store.query(_subjects_query(uri_space)))))
    graphs = sum(
        1
        for graph in store.named_graphs()
        if isinstance(graph, ox.NamedNode) and next(store.quads_for_pattern(None, None, None, graph), None)
    )
    return DatasetStatistics(
        quads=sum(properties.values()),
        graphs=graphs,
        distinct_subjects=_integer(subjects["subjects"]),
        entities=_integer(subjects["entities"]),
        uri_space=uri_space,
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
    )


def _temporary(directory: Path, name: str) -> Path:
    return directory / f".{name}.{os.getpid()}.tmp"


@contextlib.contextmanager
def _gzip_writer(path: Path) -> Iterator[tuple[IO[bytes], _HashingWriter]]:
    with open(path, "wb") as raw:
        hashing = _HashingWriter(raw)
        with gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0, compresslevel=_GZIP_LEVEL) as compressed:  # type: ignore[arg-type]
            yield cast(IO[bytes], compressed), hashing


def _compress(source: Path, target: Path) -> _HashingWriter:
    """gzip ``source`` into ``target``; zlib works on large blocks without holding the GIL."""
    with _gzip_writer(target) as (compressed, hashing), open(source, "rb") as plain:
        shutil.copyfileobj(plain, compressed, _CHUNK)
    return hashing


def _quads(path: Path, statistics: _Statistics) -> Iterator[ox.Quad]:
    with open(path, "rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            statistics.add(quad)
            yield quad


def _write_trig(nquads: Path, target: Path, statistics: _Statistics) -> None:
    """TriG of the N-Quads dump, counting the statistics as the quads go by: cheaper than a
    second pass over the store."""
    prefixes = dict(iris.PREFIXES)
    ox.serialize(_quads(nquads, statistics), str(target), format=ox.RdfFormat.TRIG, prefixes=prefixes)


def vocabulary_triples() -> list[ox.Triple]:
    """The ontology's triples in file order, blank nodes renamed by first appearance so that the same
    Turtle files always serialise to the same bytes (the parser invents fresh labels each time)."""
    renamed: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return renamed.setdefault(term, ox.BlankNode(f"b{len(renamed)}"))
        return term

    triples: dict[ox.Triple, None] = {}
    for path in turtle_files():
        with open(path, "rb") as handle:
            for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
                triples[ox.Triple(stable(triple.subject), triple.predicate, stable(triple.object))] = None
    return list(triples)


def _vocabulary_turtle() -> tuple[bytes, int]:
    triples = vocabulary_triples()
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(iris.PREFIXES))
    return data or b"", len(triples)


def _joined(members: Iterable[Path], target: Path) -> _HashingWriter:
    with open(target, "wb") as raw:
        hashing = _HashingWriter(raw)
        join_members(members, hashing.write)
    return hashing


def _sharded(
    store: EmbeddedStore, target: Path, pending: dict[str, Path], space: str, progress: bool
) -> tuple[_HashingWriter, _HashingWriter, DatasetStatistics]:
    """The dumps of an embedded store, joined from its shards' members, with the statistics
    added up from theirs (``dump_shards``), or counted by aggregate queries where they do not
    add up."""
    sharded = write_members(store, target, uri_space=space, progress=progress)
    pending[NQUADS] = _temporary(target, NQUADS)
    nq_hash = _joined((m.nquads for m in sharded.members), pending[NQUADS])
    pending[TRIG] = _temporary(target, TRIG)
    trig_hash = _joined((m.trig for m in sharded.members), pending[TRIG])
    statistics = sharded.statistics or store_statistics(store.oxigraph, space)
    return nq_hash, trig_hash, statistics


def _whole(
    store: Store, target: Path, pending: dict[str, Path], space: str
) -> tuple[_HashingWriter, _HashingWriter, DatasetStatistics]:
    """The dumps of a remote store: one pass over the store writes the N-Quads, the TriG is
    converted from that file, and the statistics are counted as it is."""
    plain = pending["plain"] = _temporary(target, "dataset.nq")
    plain_trig = pending["plain trig"] = _temporary(target, "dataset.trig")
    with ThreadPoolExecutor(max_workers=1) as helper:
        store.dump(str(plain), MEDIA_TYPES[NQUADS])
        pending[NQUADS] = _temporary(target, NQUADS)
        nq_compressed = helper.submit(_compress, plain, pending[NQUADS])
        streamed = _Statistics(space)
        _write_trig(plain, plain_trig, streamed)
        pending[TRIG] = _temporary(target, TRIG)
        trig_hash = _compress(plain_trig, pending[TRIG])
        return nq_compressed.result(), trig_hash, streamed.result()


def regenerate_dumps(
    store: Store,
    directory: str | os.PathLike[str],
    *,
    uri_space: str | None = None,
    progress: bool = False,
) -> list[DumpInfo]:
    """Write the dumps of ``store`` into ``directory`` (created if needed) and return them.

    ``uri_space`` (default ``<data base>id/``) decides which subjects count as entities;
    ``progress`` shows a progress bar over the shards written.

    An embedded store's dumps are joined from the members of its shards, of which only those
    whose graphs changed since the last run are written again (``dump_shards``); a remote store
    is dumped whole.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    pending: dict[str, Path] = {}
    space = uri_space or iris.data_base() + "id/"
    # Taken before reading: a write made while the dumps are written leaves them stale.
    generation = store.generation() if isinstance(store, EmbeddedStore) else None
    try:
        if isinstance(store, EmbeddedStore):
            nq_hash, trig_hash, stats = _sharded(store, target, pending, space, progress)
        else:
            nq_hash, trig_hash, stats = _whole(store, target, pending, space)
        modified = datetime.now(UTC).replace(microsecond=0).isoformat()
        for scratch in ("plain", "plain trig"):
            with contextlib.suppress(KeyError, FileNotFoundError):
                pending.pop(scratch).unlink()

        vocabulary, vocabulary_count = _vocabulary_turtle()
        pending[VOCABULARY] = _temporary(target, VOCABULARY)
        pending[VOCABULARY].write_bytes(vocabulary)

        where = str(target)
        dumps = [
            DumpInfo(
                NQUADS,
                MEDIA_TYPES[NQUADS],
                GZIP_MEDIA_TYPE,
                nq_hash.size,
                nq_hash.digest.hexdigest(),
                stats.quads,
                stats.graphs,
                modified,
                where,
            ),
            DumpInfo(
                TRIG,
                MEDIA_TYPES[TRIG],
                GZIP_MEDIA_TYPE,
                trig_hash.size,
                trig_hash.digest.hexdigest(),
                stats.quads,
                stats.graphs,
                modified,
                where,
            ),
            DumpInfo(
                VOCABULARY,
                MEDIA_TYPES[VOCABULARY],
                None,
                len(vocabulary),
                hashlib.sha256(vocabulary).hexdigest(),
                vocabulary_count,
                0,
                modified,
                where,
            ),
        ]
        for name, path in pending.items():
            os.replace(path, target / name)
        pending.clear()
        manifest = Manifest(generated=modified, dumps=dumps, statistics=stats, store_generation=generation)
        temporary_manifest = _temporary(target, MANIFEST)
        temporary_manifest.write_text(
            json.dumps(manifest.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(temporary_manifest, target / MANIFEST)
        return dumps
    finally:
        for path in pending.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


# -- serving -----------------------------------------------------------------------------------

DUMPS_PATH = "/dumps/"


def _index_formats() -> tuple[Format, ...]:
    return (HTML, Format("json", "results", "application/json"))


def dumps_router(state: SiteState) -> APIRouter:
    """``/dumps/`` (the list: HTML for browsers, the manifest as JSON for programs) and the files."""
    from ogikg.server.site import render  # the site module needs this one for ``dumps_directory``

    router = APIRouter(route_class=PublicReadRoute, tags=["dumps"])

    async def index(request: Request) -> Response:
        manifest = read_manifest(state.dumps_dir)
        choice = negotiate(request.headers.get("accept"), _index_formats())
        if request.query_params.get("format") == "json":
            choice = negotiate("application/json", _index_formats())
        if choice is None:
            return error_response(406, "the list of dumps is available as text/html or application/json")
        headers = {"Vary": "Accept"}
        if choice.format.name == "json":
            document: dict[str, Any] = manifest.to_json() if manifest else {"generated": None, "dumps": []}
            for dump in document["dumps"]:
                dump["url"] = public_base(request, state.settings) + DUMPS_PATH + dump["name"]
            return JSONResponse(document, headers=headers)
        return HTMLResponse(
            render("dumps.html", manifest=manifest, configured=state.dumps_dir is not None), headers=headers
        )

    async def download(request: Request, name: str) -> Response:
        manifest = read_manifest(state.dumps_dir)
        dump = manifest.dump(name) if manifest else None
        if dump is None or state.dumps_dir is None:
            return error_response(404, f"no dump named {name!r}; see {DUMPS_PATH}")
        path = state.dumps_dir / name
        if not path.is_file():
            return error_response(404, f"the dump {name} is listed but missing on disk; regenerate the dumps")
        digest = base64.b64encode(bytes.fromhex(dump.sha256)).decode("ascii")
        headers = {
            "ETag": f'"{dump.sha256}"',
            "Repr-Digest": f"sha-256=:{digest}:",
            "Last-Modified": formatdate(datetime.fromisoformat(dump.modified).timestamp(), usegmt=True),
        }
        if request.headers.get("if-none-match", "").strip() == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        media_type = dump.compress_format or dump.media_type
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        return FileResponse(path, media_type=media_type, filename=name, headers=headers)

    async def to_index() -> Response:
        return RedirectResponse(DUMPS_PATH, status_code=308)

    router.add_api_route("/dumps", to_index, methods=["GET", "HEAD"], include_in_schema=False)
    router.add_api_route(DUMPS_PATH, index, methods=["GET", "HEAD"])
    router.add_api_route(DUMPS_PATH + "{name}", download, methods=["GET", "HEAD"])
    return router
