"""Splitting run-together digits into table cells by constraint search.

Some copies of a report lost every cell separator: "规范性文件898989", "（七）总计21710000218".
A *run* is the printed text of k consecutive cells (one or more chunks: a space or a sign that
did survive is a certain boundary). Every way to cut the run into k cells is a *reading*; a cell
may not start with 0 unless it is "0" (or "0.x"), a decimal point only occurs in a decimal cell,
a sign only at the start of a signed cell — or alone, when its digits were lost (an illegible
cell, on which no rule is tested).

Readings are filtered by the form's arithmetic (``Rule``: Σ left = Σ right, or ≤ / ≥), taken
from the catalogue by the caller: first the rules inside one run (表三 I2: 总计 = Σ applicant
columns; 表四 I4 per group), applied while the run is cut (a total whose terms are known is
computed, not guessed), then the rules linking runs (I3 per column, I1 balance), solved jointly
by backtracking over the runs of each connected component, fewest readings first.

The result says, per run, which readings occur in at least one full solution and how many
solutions its component has: exactly one solution means the cells are certain; several mean the
differing cells are uncertain. If the rules cannot all hold (the report itself is inconsistent),
they are dropped for that component and the result says so — the printed digits are never
bent to fit an identity.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

Key = Hashable
Number = int | Decimal
Cut = tuple[int, int, int]  # (chunk index, start, end) of one cell within its run
Reading = tuple[Cut, ...]

LOCAL_LIMIT = 1000  # readings of one run beyond which it is declared unreadable
LOOSE_LIMIT = 64  # readings listed for a run whose identities do not hold (alternatives only)
MAX_RUN = 80  # characters beyond which a run is not split at all (no table row is that long)
MAX_CELL = 15  # digits beyond which a piece of a run is not one cell
WORK_LIMIT = 20_000  # search steps for one run; beyond that it counts as too ambiguous to list


class _OutOfWork(Exception):
    """The search for one run took more steps than WORK_LIMIT."""


class _Budget:
    def __init__(self, steps: int = WORK_LIMIT) -> None:
        self.steps = steps

    def spend(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise _OutOfWork


SOLUTION_LIMIT = 256  # solutions of one component beyond which counting stops


@dataclass(frozen=True, slots=True)
class Slot:
    """One cell of a run: its key (for rules) and what it may hold."""

    key: Key
    signed: bool = False
    decimal: bool = False


@dataclass(frozen=True, slots=True)
class Chunk:
    """Printed characters without any separator: digits, maybe a '.', maybe a leading sign."""

    text: str
    fixed: bool = False  # exactly one cell (an explicit table cell)


@dataclass(frozen=True, slots=True)
class Run:
    slots: tuple[Slot, ...]
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """Σ left (relation) Σ right over cell keys."""

    left: tuple[Key, ...]
    right: tuple[Key, ...]
    relation: str = "="  # "=", "<=" or ">="
    name: str = ""


@dataclass(frozen=True, slots=True)
class RunResult:
    readings: tuple[Reading, ...]  # readings used by at least one solution (or all, if unconstrained)
    solutions: int  # solutions of the run's component, capped at SOLUTION_LIMIT
    constrained: bool  # False when the rules had to be dropped (they cannot all hold)
    # False when the search stopped at a limit: other readings may exist, so a cell on which the
    # listed readings agree is still not certain
    complete: bool = True


def cell_text(run: Run, cut: Cut) -> str:
    chunk, start, end = cut
    return run.chunks[chunk].text[start:end]


def to_number(text: str) -> Number | None:
    """The value of a cell cut from a run ('+12' → 12, '0.5' → Decimal('0.5'))."""
    try:
        if "." in text:
            return Decimal(text)
        return int(text)
    except (ValueError, InvalidOperation):
        return None


# --- one run ------------------------------------------------------------------------------------


def _valid_cell(text: str, slot: Slot) -> bool:
    if not text:
        return False
    body = text
    if body[0] in "+-":
        if not slot.signed:
            return False
        if len(body) == 1:
            return True  # 增 / 减 whose digits were lost: an illegible cell
        body = body[1:]
    if not body[0].isdigit() or not body[-1].isdigit():
        return False
    if "." in body:
        if not slot.decimal or body.count(".") > 1:
            return False
        whole = body.split(".", 1)[0]
    else:
        whole = body
    if not whole.isdigit() or len(whole) > MAX_CELL:
        return False
    return not (len(whole) > 1 and whole[0] == "0")


def _applies(rule: Rule, keys: set[Key], known: Mapping[Key, Number]) -> bool:
    return all(key in keys or key in known for key in (*rule.left, *rule.right))


def _holds(rule: Rule, values: Mapping[Key, Number]) -> bool:
    """Whether a rule holds; a rule over a cell that is not a number (a placeholder) is not tested."""
    if any(key not in values for key in (*rule.left, *rule.right)):
        return True
    left = sum((values[key] for key in rule.left), 0)
    right = sum((values[key] for key in rule.right), 0)
    if rule.relation == "<=":
        return left <= right
    if rule.relation == ">=":
        return left >= right
    return left == right


def _target(rule: Rule, key: Key, values: Mapping[Key, Number]) -> Number | None:
    """The value ``key`` must take for an equality rule whose other keys are all known."""
    if rule.relation != "=":
        return None
    own, other = (rule.left, rule.right) if key in rule.left else (rule.right, rule.left)
    if list(own).count(key) != 1 or key in other:
        return None
    if any(k not in values for k in (*own, *other) if k != key):
        return None  # a term without a value (a bare sign): nothing to compute
    rest = sum((values[k] for k in own if k != key), 0)
    return sum((values[k] for k in other), 0) - rest


def readings(
    run: Run, rules: Sequence[Rule] = (), known: Mapping[Key, Number] | None = None, limit: int = LOCAL_LIMIT
) -> list[Reading]:
    """Every cut of ``run`` into its slots that satisfies the rules lying within the run (at most
    ``limit`` + 1: one more than the limit means "too many to list")."""
    if sum(len(chunk.text) for chunk in run.chunks) > MAX_RUN:
        return []
    keys = {slot.key for slot in run.slots}
    everything = known or {}
    local = [rule for rule in rules if _applies(rule, keys, everything)]
    # only the known cells these rules mention (the caller's mapping may hold the whole report)
    known = {k: everything[k] for rule in local for k in (*rule.left, *rule.right) if k in everything}
    if sum(len(chunk.text) for chunk in run.chunks) == len(run.slots) or len(run.chunks) == len(run.slots):
        return _one_cell_each(run, local, known)
    index_of = {slot.key: position for position, slot in enumerate(run.slots)}
    blocks = _blocks(run, local, index_of)
    try:
        if blocks is not None:
            return _block_readings(run, blocks, _Budget())
        return _left_to_right(run, local, known, index_of, limit, _Budget())
    except _OutOfWork:
        return []  # a run this ambiguous is not read (its cells stay uncertain, unlisted)


def _left_to_right(
    run: Run,
    local: Sequence[Rule],
    known: Mapping[Key, Number],
    index_of: Mapping[Key, int],
    limit: int,
    budget: _Budget,
) -> list[Reading]:
    """Cut cell after cell, checking each rule once its last cell is placed; a total whose terms
    are placed is computed rather than searched for, and later totals reserve the digits they
    need at least."""
    # each rule is checked once its last slot in this run is placed
    by_last: dict[int, list[Rule]] = {}
    for rule in local:
        positions = [index_of[key] for key in (*rule.left, *rule.right) if key in index_of]
        by_last.setdefault(max(positions), []).append(rule)
    # Positions where no rule is half placed: what can follow does not depend on what came before,
    # so a position from which nothing could be completed is remembered (表四: after each group).
    spans = [
        (min(p), max(p))
        for rule in local
        if (p := [index_of[key] for key in (*rule.left, *rule.right) if key in index_of])
    ]
    boundaries = {i for i in range(len(run.slots) + 1) if all(not (lo < i <= hi) for lo, hi in spans)}
    dead: set[tuple[int, int, int]] = set()
    totals = _totals_after_terms(run, local, index_of, known)
    # term position → totals it adds to; partial sums of the terms placed so far, per total
    feeds: dict[int, list[int]] = {}
    partial: dict[int, int] = {}
    for position, (terms, known_terms) in totals.items():
        partial[position] = sum(known[key] for key in known_terms)  # type: ignore[misc]
        for term in terms:
            feeds.setdefault(term, []).append(position)
    extra = [sum(_extra_digits(value) for value in partial.values())]
    chunks = run.chunks
    n = len(run.slots)
    lengths = [len(chunk.text) for chunk in chunks]
    values: dict[Key, Number] = dict(known)
    cuts: list[Cut] = []
    found: list[Reading] = []

    def remaining_chars(chunk: int, offset: int) -> int:
        return lengths[chunk] - offset + sum(lengths[chunk + 1 :])

    def account(slot_index: int, value: Number, sign: int) -> None:
        """Add (sign=1) or remove (sign=-1) a placed cell from the digit needs of later totals."""
        if slot_index in partial:  # a total placed: it no longer needs room ahead
            extra[0] -= sign * _extra_digits(partial[slot_index])
        for position in feeds.get(slot_index, ()):
            before = _extra_digits(partial[position])
            partial[position] += sign * int(value)
            extra[0] += _extra_digits(partial[position]) - before

    def place(slot_index: int, chunk: int, offset: int) -> None:
        budget.spend()
        if chunk < len(chunks) and offset == lengths[chunk]:
            chunk, offset = chunk + 1, 0
        if slot_index == n:
            if chunk == len(chunks):
                found.append(tuple(cuts))
            return
        if chunk >= len(chunks):
            return
        slots_left = n - slot_index
        if slots_left < len(chunks) - chunk or slots_left + extra[0] > remaining_chars(chunk, offset):
            return
        state = (slot_index, chunk, offset)
        if state in dead:
            return
        before = len(found)
        slot = run.slots[slot_index]
        text = chunks[chunk].text
        ends: list[int]
        if chunks[chunk].fixed:
            ends = [lengths[chunk]] if offset == 0 else []
        else:
            ends = _candidate_ends(slot_index, slot, text, offset)
        for end in ends:
            cell = text[offset:end]
            if not _valid_cell(cell, slot):
                continue
            if end < lengths[chunk] and text[end] == ".":
                continue
            value = to_number(cell)
            if value is None:
                if cell not in ("+", "-"):
                    continue
                # a bare sign has no value: the rules over it are not tested (as for a placeholder)
                values.pop(slot.key, None)
                cuts.append((chunk, offset, end))
                place(slot_index + 1, chunk, end)
                cuts.pop()
                continue
            values[slot.key] = value
            if all(_holds(rule, values) for rule in by_last.get(slot_index, ())):
                cuts.append((chunk, offset, end))
                account(slot_index, value, 1)
                place(slot_index + 1, chunk, end)
                account(slot_index, value, -1)
                cuts.pop()
            if len(found) > limit:
                break
        values.pop(slot.key, None)
        if len(found) == before and slot_index in boundaries:
            dead.add(state)

    def _candidate_ends(slot_index: int, slot: Slot, text: str, offset: int) -> list[int]:
        # A total whose terms are already placed is computed, not searched for.
        for rule in by_last.get(slot_index, ()):
            target = _target(rule, slot.key, values)
            if target is not None and not slot.decimal and isinstance(target, int):
                spellings = [str(target)]
                if slot.signed and target >= 0:
                    spellings.append(f"+{target}")
                return [offset + len(s) for s in spellings if text.startswith(s, offset)]
        stop = len(text)
        # a sign always starts a cell: a cell cannot run over the next sign
        for position in range(offset + 1, len(text)):
            if text[position] in "+-":
                stop = position
                break
        return list(range(offset + 1, stop + 1))

    place(0, 0, 0)
    return found[: limit + 1]


# --- runs made of "terms, then their total" blocks (表三 rows, 表四) ------------------------------


def _blocks(run: Run, rules: Sequence[Rule], index_of: Mapping[Key, int]) -> list[int] | None:
    """Sizes of consecutive slot blocks, each a total printed after its terms (a size-1 block is a
    free cell), when the run's rules have exactly that shape; otherwise None."""
    if not rules:
        return None
    ends: dict[int, int] = {}  # block end (total position) → block start
    for rule in rules:
        if rule.relation != "=":
            return None
        shaped = False
        for own, other in ((rule.left, rule.right), (rule.right, rule.left)):
            if len(own) != 1 or own[0] not in index_of or any(key not in index_of for key in other):
                continue
            total = index_of[own[0]]
            terms = sorted(index_of[key] for key in other)
            if terms and terms == list(range(total - len(terms), total)):
                ends[total] = terms[0]
                shaped = True
                break
        if not shaped:
            return None
    if any(slot.signed or slot.decimal for slot in run.slots) or not all(
        chunk.text.isdigit() and not chunk.fixed for chunk in run.chunks
    ):
        return None  # signs, decimal points and placeholders: the general search handles them
    sizes: list[int] = []
    position = 0
    for total in sorted(ends):
        start = ends[total]
        if start < position:
            return None  # overlapping blocks
        sizes.extend([1] * (start - position))
        sizes.append(total - start + 1)
        position = total + 1
    sizes.extend([1] * (len(run.slots) - position))
    return sizes


def _block_readings(run: Run, sizes: list[int], budget: _Budget) -> list[Reading]:
    """Readings of a run of blocks: for each block the total is chosen first, then its terms are
    split to add up to it — far fewer candidates than cutting left to right."""
    text = "".join(chunk.text for chunk in run.chunks)
    owner: list[tuple[int, int]] = []  # position → (chunk, offset in chunk)
    boundaries: set[int] = set()
    for index, chunk in enumerate(run.chunks):
        if owner:
            boundaries.add(len(owner))
        owner.extend((index, offset) for offset in range(len(chunk.text)))
    length = len(text)
    # for each start, the first chunk boundary after it: a cell may not run over it
    after = [length] * (length + 1)
    upcoming = length
    for position in range(length - 1, -1, -1):
        after[position] = upcoming
        if position in boundaries:
            upcoming = position
    slots_after = [sum(sizes[i:]) for i in range(len(sizes) + 1)]
    dead: set[tuple[int, int]] = set()
    found: list[Reading] = []
    cells: list[tuple[int, int]] = []

    def fits(start: int, end: int) -> bool:
        return (
            start < end <= after[start]
            and end - start <= MAX_CELL
            and (text[start] != "0" or end - start == 1)
        )

    def place_block(block: int, position: int) -> None:
        budget.spend()
        if block == len(sizes):
            if position == length:
                found.append(tuple(_to_cut(owner, run, a, b) for a, b in cells))
            return
        if (block, position) in dead or length - position < slots_after[block]:
            return
        before = len(found)
        size = sizes[block]
        rest = slots_after[block + 1]
        if size == 1:
            for end in range(position + 1, min(length - rest, after[position]) + 1):
                if not fits(position, end):
                    continue
                cells.append((position, end))
                place_block(block + 1, end)
                cells.pop()
        else:
            terms = size - 1
            first_end = length if block == len(sizes) - 1 else position + size
            for end in range(first_end, length - rest + 1):
                for total_start in range(max(position + terms, end - MAX_CELL), end):
                    if not fits(total_start, end):
                        continue
                    width = end - total_start
                    span = total_start - position
                    # terms below 10**m add up to fewer than terms*10**m: lengths must be compatible
                    if span > terms * width or (terms < 10 and span < width - 2 + terms):
                        continue
                    total = int(text[total_start:end])
                    mark = len(cells)
                    for parts in _terms(text, position, total_start, terms, total, after, budget):
                        cells.extend(parts)
                        cells.append((total_start, end))
                        place_block(block + 1, end)
                        del cells[mark:]
                    if len(found) > LOCAL_LIMIT:
                        return
        if len(found) == before:
            dead.add((block, position))

    place_block(0, 0)
    return found[: LOCAL_LIMIT + 1]


def _terms(
    text: str, start: int, end: int, count: int, total: int, after: list[int], budget: _Budget
) -> list[list[tuple[int, int]]]:
    """Ways to cut text[start:end] (digits only) into ``count`` cells adding up to ``total``;
    ``after[i]`` is the first chunk boundary after position i (a cell may not run over it).

    Every call of ``split`` is one step of the work budget. The two tests a call starts with (and
    the whole of a last cell) are made before calling, for the many cuts they reject; the step is
    spent all the same, so the budget runs out exactly where it did when each cut was a call.
    """
    results: list[list[tuple[int, int]]] = []
    width = len(str(total))
    ascii_digits = text.isascii()

    def spend() -> None:
        budget.steps -= 1
        if budget.steps < 0:
            raise _OutOfWork

    def last_cell(position: int, remaining: int, cells: list[tuple[int, int]]) -> None:
        size = end - position
        if (
            size <= width
            and size <= MAX_CELL
            and end <= after[position]
            and (size == 1 or text[position] != "0")
            and int(text[position:end]) == remaining
        ):
            results.append([*cells, (position, end)])

    def split(position: int, left: int, remaining: int, cells: list[tuple[int, int]]) -> None:
        spend()
        chars = end - position
        if remaining == 0 and chars != left:
            return  # only zeros are left to place, one character each
        if remaining > 10 ** (chars - left + 1) - 1 + 9 * (left - 1):
            return  # not enough characters left to add up to that much
        if left == 1:
            last_cell(position, remaining, cells)
            return
        # cuts past a chunk boundary, longer than MAX_CELL or a number with a leading zero do not
        # fit, nor does any longer cut: the loop stops there
        high = min(end - left + 1, position + width, after[position], position + MAX_CELL)
        if text[position] == "0":
            high = min(high, position + 1)
        rest = left - 1
        value = 0
        for cut in range(position + 1, high + 1):
            # (other digits than ASCII ones are rare: int() reads those)
            value = value * 10 + ord(text[cut - 1]) - 48 if ascii_digits else int(text[position:cut])
            if value > remaining:
                break
            left_over = remaining - value
            # the first tests of the call for the rest, made here (the step is still spent)
            rest_chars = end - cut
            most = 10 ** (rest_chars - rest + 1) - 1 + 9 * (rest - 1)
            if (left_over == 0 and rest_chars != rest) or left_over > most:
                spend()
                continue
            cells.append((position, cut))
            if rest == 1:
                spend()
                last_cell(cut, left_over, cells)
            else:
                split(cut, rest, left_over, cells)
            cells.pop()

    split(start, count, total, [])
    return results


def _to_cut(owner: list[tuple[int, int]], run: Run, start: int, end: int) -> Cut:
    chunk, offset = owner[start]
    return (chunk, offset, offset + end - start)


def _one_cell_each(run: Run, rules: Sequence[Rule], known: Mapping[Key, Number]) -> list[Reading]:
    """As many characters (or chunks) as cells: the only possible cut, if it is valid."""
    cuts: list[Cut] = []
    values: dict[Key, Number] = dict(known)
    if len(run.chunks) == len(run.slots):
        pieces = [(index, 0, len(chunk.text)) for index, chunk in enumerate(run.chunks)]
    else:
        pieces = [
            (index, offset, offset + 1)
            for index, chunk in enumerate(run.chunks)
            for offset in range(len(chunk.text))
        ]
    for slot, cut in zip(run.slots, pieces, strict=True):
        text = run.chunks[cut[0]].text[cut[1] : cut[2]]
        fixed = run.chunks[cut[0]].fixed
        if not fixed and not _valid_cell(text, slot):
            return []
        value = to_number(text)
        if value is not None:
            values[slot.key] = value
        cuts.append(cut)
    keys = {slot.key for slot in run.slots}
    for rule in rules:
        if _applies(rule, keys, values) and not _holds(rule, values):
            return []
    return [tuple(cuts)]


def _extra_digits(value: int) -> int:
    """Digits beyond the first that a total of at least ``value`` needs."""
    return len(str(value)) - 1 if value > 0 else 0


def _totals_after_terms(
    run: Run, rules: Sequence[Rule], index_of: Mapping[Key, int], known: Mapping[Key, Number]
) -> dict[int, tuple[list[int], list[Key]]]:
    """Totals printed after all their (non-negative integer) terms: position → (term positions, known
    term keys). Such a total has at least as many digits as the sum of the terms placed so far."""
    found: dict[int, tuple[list[int], list[Key]]] = {}
    for rule in rules:
        if rule.relation != "=":
            continue
        for own, other in ((rule.left, rule.right), (rule.right, rule.left)):
            if len(own) != 1 or own[0] not in index_of:
                continue
            position = index_of[own[0]]
            terms = [index_of[key] for key in other if key in index_of]
            known_terms = [key for key in other if key not in index_of]
            slots = [run.slots[t] for t in (*terms, position)]
            if any(slot.signed or slot.decimal for slot in slots):
                continue
            if any(t >= position for t in terms) or any(
                not isinstance(known[key], int) or known[key] < 0 for key in known_terms
            ):
                continue
            found.setdefault(position, (terms, known_terms))
    return found


# --- several runs -------------------------------------------------------------------------------


def solve(
    runs: Sequence[Run],
    rules: Sequence[Rule] = (),
    known: Mapping[Key, Number] | None = None,
    limit: int = SOLUTION_LIMIT,
) -> list[RunResult]:
    """Readings of every run that are part of a solution satisfying all the rules jointly."""
    known = known or {}
    run_of: dict[Key, int] = {slot.key: index for index, run in enumerate(runs) for slot in run.slots}
    usable = [rule for rule in rules if _applies(rule, set(run_of), known)]
    local_rules: list[list[Rule]] = [[] for _ in runs]
    cross: list[tuple[Rule, tuple[int, ...]]] = []
    for rule in usable:
        involved = tuple(sorted({run_of[key] for key in (*rule.left, *rule.right) if key in run_of}))
        if len(involved) == 1:
            local_rules[involved[0]].append(rule)
        elif involved:
            cross.append((rule, involved))

    local: list[list[Reading]] = []
    relaxed: list[bool] = []
    for index, run in enumerate(runs):
        found = readings(run, local_rules[index], known)
        if not found and local_rules[index]:
            found, loose = readings(run, (), known, LOOSE_LIMIT), True
        else:
            loose = False
        local.append(found)
        relaxed.append(loose)

    components = _components(len(runs), [involved for _, involved in cross])
    results: list[RunResult | None] = [None] * len(runs)
    for component in components:
        rules_here = [(rule, involved) for rule, involved in cross if involved[0] in component]
        usable_here = all(not relaxed[i] and len(local[i]) <= LOCAL_LIMIT for i in component)
        solution = _search(runs, component, local, rules_here, known, limit) if usable_here else None
        if solution is None or solution[1] == 0:
            constrained = not rules_here and all(not relaxed[i] for i in component)
            for i in component:
                count = len(local[i]) if len(local[i]) <= LOCAL_LIMIT else limit
                listed = LOOSE_LIMIT if relaxed[i] else LOCAL_LIMIT
                complete = len(local[i]) <= min(listed, limit)
                results[i] = RunResult(tuple(local[i][:limit]), min(count, limit), constrained, complete)
            continue
        used, count = solution
        for i in component:
            results[i] = RunResult(tuple(used[i]), count, True, count < limit)
    return [result for result in results if result is not None]


def _components(count: int, links: Sequence[tuple[int, ...]]) -> list[list[int]]:
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for involved in links:
        for other in involved[1:]:
            parent[root(other)] = root(involved[0])
    groups: dict[int, list[int]] = {}
    for node in range(count):
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _search(
    runs: Sequence[Run],
    component: list[int],
    local: list[list[Reading]],
    rules: list[tuple[Rule, tuple[int, ...]]],
    known: Mapping[Key, Number],
    limit: int,
) -> tuple[dict[int, list[Reading]], int] | None:
    order = sorted(component, key=lambda i: len(local[i]))
    position = {run: index for index, run in enumerate(order)}
    checks: dict[int, list[Rule]] = {}
    for rule, involved in rules:
        checks.setdefault(max(position[i] for i in involved), []).append(rule)
    values: dict[Key, Number] = {
        k: known[k] for rule, _ in rules for k in (*rule.left, *rule.right) if k in known
    }
    used: dict[int, dict[Reading, None]] = {i: {} for i in component}
    chosen: dict[int, Reading] = {}
    count = 0

    def assign(step: int) -> bool:
        nonlocal count
        if step == len(order):
            count += 1
            for run_index, reading in chosen.items():
                used[run_index][reading] = None
            return count >= limit
        run_index = order[step]
        run = runs[run_index]
        for reading in local[run_index]:
            for slot, cut in zip(run.slots, reading, strict=True):
                value = to_number(cell_text(run, cut))
                if value is None:
                    values.pop(slot.key, None)
                else:
                    values[slot.key] = value
            if all(_holds(rule, values) for rule in checks.get(step, ())):
                chosen[run_index] = reading
                if assign(step + 1):
                    return True
        return False

    assign(0)
    return {i: list(used[i]) for i in component}, count
