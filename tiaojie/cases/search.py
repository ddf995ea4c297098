"""Full-text search over cases with the database's own machinery: similar past cases and
possible duplicates for the registration form, and the index that serves them.

The index (``CaseSearch``, one row a case) holds the distinct jieba words of the facts and claims
(``body``, space-joined; without names, numbers and common words: ``index_words``) and, for an
open case, keyed hashes of the parties' names and ID numbers (``keys``: the identifiers are never
stored in clear). Migration 0005 puts each database's own full-text index
over it: SQLite an FTS5 table (``cases_search_fts``, triggers keep it in step), PostgreSQL stored
``tsvector`` columns (configuration 'simple' over the space-joined words) with GIN indexes.
The row is written after every commit that changes a case (``case_changed``), and
``manage.py reindex_cases`` writes it for all cases (after a bulk load, or a change of
``TIAOJIE_HASH_KEY``).

Scope: what a search shows passes ``Case.objects.visible_to(user)`` (the one scope rule) except the
look-up of duplicates outside the user's scope, which returns only the other unit's name and phone;
similar cases are looked for among the cases the user's organizations handle.

At a million cases (PostgreSQL, ``bench/search_bench.py``): the parties' names are left out of the
query, words are weighed by how rare they are in this register (PostgreSQL's statistics of the
``tsvector`` column), each stage reads at most ``STAGE_CANDIDATES`` index matches, and a small scope
is read case by case instead of following the matches.
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations

import jieba
import jieba.analyse
from django.db import connection, transaction

from tiaojie.cases.crypto import lookup_hash
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseSearch, Party, Status
from tiaojie.core.scope import Scope

jieba.setLogLevel(logging.WARNING)

# Closed cases a mediator can learn from (a rejected application tells nothing of a settlement).
SIMILAR_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.TERMINATED, Status.FOLLOWED_UP, Status.ARCHIVED)
TEXT_LIMIT = 5000          # characters of facts + claims read for the index and for a query
QUERY_TERMS = 10           # informative words of the query text
PAIR_TERMS = 5             # the first stages ask for three, then two of the five most informative words
CANDIDATES = 200           # duplicates: candidates sharing a name or ID before they are judged
SMALL_SCOPE = 5000         # SQLite: a scope with at most this many candidate cases is ranked row by row
FTS_CANDIDATES = 5000      # SQLite: best full-text matches considered before the scope is applied
SIMILAR_FACTS = 0.2        # word overlap (Jaccard) from which facts count as similar
STAGE_CANDIDATES = 100     # PostgreSQL: matches of one stage read and ranked at most (the GIN match is cut)
COMMON_SHARE = 0.2         # a word in more than this share of the cases ranks but does not select
SCOPE_FIRST = 20000        # PostgreSQL: a scope of at most this many cases is read first, then the words tested
STATS_TTL = 600            # seconds PostgreSQL's word statistics are kept per process

_WORD = re.compile(r"[^\W_]{2,}")
# Words nearly every dispute description has, and the words of how it reached the committee (调委会,
# 走访, 介绍…): they say nothing about which dispute it is (never asked for, not kept in the index).
STOP_WORDS = frozenset("""
申请人 被申请人 当事人 双方 一方 对方 纠纷 矛盾 发生 问题 情况 要求 请求 调解 协商 处理 解决 因为 由于
导致 造成 进行 没有 已经 现在 目前 之后 以后 其中 期间 多次 一直 认为 表示 同意 不同意 不服 称其 此事
自己 他们 我们 其他 相关 有关 有限公司 公司 本人 该村 村民 居民 经过 通过 无果 未果 达成 协议 事宜 事项
调委会 委会 村委会 居委会 调解员 解员 申请 了解 主持 希望 介绍 依法 主动 走访 初步 干部 联系 核实 陈述 未能
主要 部分 共同 发现 双方同意
""".split())


_warm = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Load jieba's dictionary and word weights in the background (a few seconds, once per process),
    so that the first preview after the registration form opens does not wait for them."""
    global _warmed
    if _warmed or not _warm.acquire(blocking=False):
        return

    def load():
        global _warmed
        try:
            query_terms("邻里纠纷调解")
            _warmed = True
        finally:
            _warm.release()

    threading.Thread(target=load, name="jieba-warm-up", daemon=True).start()


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")[:TEXT_LIMIT]


def document_words(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them: jieba's search mode (a long word and its parts:
    肢体冲突 → 肢体, 冲突, 肢体冲突), two characters or more, lower case.

    jieba cuts each run of Chinese characters, letters and digits (its ``re_han_default``) on its
    own and yields what lies between them one character at a time (never a word here), so the text
    is cut run by run, and a run seen before is not cut again (``_run_words``): case texts repeat
    their phrases (a year's 29,000 demo cases hold 357,000 runs, 116,000 of them different)."""
    out: list[str] = []
    for run in jieba.re_han_default.findall(_normalize(text)):
        out.extend(_run_words(run))
    return out


@functools.lru_cache(maxsize=100_000)
def _run_words(run: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in jieba.cut_for_search(run) if _WORD.fullmatch(w))


def index_words(text: str, names=()) -> list[str]:
    """The distinct words of ``text`` a search can ask for, in order: ``document_words`` without the
    parties' ``names``, numbers and the common words of dispute descriptions (``query_terms`` never
    asks for those), each once (the searches test whether a case holds a word, not how often)."""
    words = document_words(without_names(text, names))
    return [w for w in dict.fromkeys(words) if not w.isdigit() and w not in STOP_WORDS]


def query_terms(text: str, top: int = QUERY_TERMS) -> list[str]:
    """The most informative words of ``text`` (TF-IDF with jieba's general word weights; numbers
    and the common words of dispute descriptions left out), best first. (Part-of-speech tagging
    would also drop person names, but costs tens of ms a query and seconds to load.)"""
    text = _normalize(text)
    if not text.strip():
        return []
    out = []
    for w in jieba.analyse.extract_tags(text, topK=top * 2):
        w = w.lower()
        if _WORD.fullmatch(w) and not w.isdigit() and w not in STOP_WORDS and w not in out:
            out.append(w)
        if len(out) >= top:
            break
    return out


def without_names(text: str, names=()) -> str:
    """``text`` with the parties' names blanked out: a name says nothing about the kind of dispute,
    yet weighs most among the words of one text (it is rare), and jieba may glue it to the next
    character (杨军志系)."""
    for name in sorted({(n or "").strip() for n in names}, key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, "，")
    return text


# --- how common each word is (PostgreSQL's own statistics) -----------------------------------

_stats_lock = threading.Lock()
_stats: dict = {"at": -STATS_TTL, "db": None, "shares": {}, "floor": None}


def word_shares() -> tuple[dict[str, float], float | None]:
    """(share of the indexed cases holding each common word, the share below which words are not
    listed), from the statistics PostgreSQL keeps of the ``doc`` column (ANALYZE lists the most
    common lexemes of a tsvector with the fraction of rows holding each; autovacuum renews them).
    Read at most every ``STATS_TTL`` seconds per process; ({}, None) on SQLite or before the first
    ANALYZE."""
    if connection.vendor != "postgresql":
        return {}, None
    now = time.monotonic()
    db = connection.settings_dict.get("NAME")
    with _stats_lock:
        if now - _stats["at"] < STATS_TTL and _stats["db"] == db:
            return _stats["shares"], _stats["floor"]
    with connection.cursor() as cur:
        cur.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                    "WHERE schemaname = current_schema() AND tablename = 'cases_casesearch' AND attname = 'doc'")
        row = cur.fetchone()
    shares, floor = {}, None
    if row and row[0] and row[1]:
        words, freqs = row
        shares = {w: float(f) for w, f in zip(words, freqs, strict=False)}
        floor = float(freqs[len(words)]) if len(freqs) > len(words) else min(shares.values())
    with _stats_lock:
        _stats.update(at=now, db=db, shares=shares, floor=floor)
    return shares, floor


def term_weights(terms: list[str]) -> dict[str, float]:
    """How much sharing each word says about two disputes being alike: the inverse document
    frequency from ``word_shares`` (a word not listed is rarer than the rarest listed one); 1.0
    for every word when there are no statistics."""
    shares, floor = word_shares()
    if not shares:
        return {t: 1.0 for t in terms}
    rare = math.log(1 / max(floor or 1e-6, 1e-6)) + 1.0
    return {t: (math.log(1 / max(shares[t], 1e-6)) if t in shares else rare) for t in terms}


def name_key(name: str) -> str:
    """The index token of a party's name: a keyed hash of the name with spaces and dots removed."""
    norm = re.sub(r"[\s·•．.]", "", unicodedata.normalize("NFKC", name or "")).lower()
    return "n" + lookup_hash("NAME:" + norm)[:20] if norm else ""


def id_key(id_hash: str) -> str:
    """The index token of an ID number, from its look-up hash (``Party.id_hash``)."""
    return "i" + id_hash[:20].lower() if id_hash else ""


def id_hash_of(id_number: str) -> str:
    return lookup_hash((id_number or "").strip().upper())


def document(facts: str, claims: str, parties, is_open: bool = True) -> tuple[str, str]:
    """(body, keys) of a case's index row; ``parties``: (name, id_hash) pairs. The names are in the
    keys, hashed, and not in the body (the search for similar facts leaves them out). Only an open
    case has keys: they serve the look-up of duplicates among open cases, where a common name's
    closed cases would only crowd the matches (no step reopens a closed case)."""
    parties = list(parties)
    body = " ".join(index_words(f"{facts or ''}\n{claims or ''}", [name for name, _ in parties]))
    keys = []
    for name, h in parties if is_open else ():
        for k in (name_key(name), id_key(h)):
            if k and k not in keys:
                keys.append(k)
    return body, " ".join(keys)


# --- keeping the index current --------------------------------------------------------------

def index_case(case) -> None:
    """Write the index row of ``case`` (a Case or its id) from what is saved now."""
    pk = getattr(case, "pk", case)
    if isinstance(case, Case):
        facts, claims, status = case.facts, case.claims, case.status
    else:
        row = Case.objects.filter(pk=pk).values_list("facts", "claims", "status").first()
        if row is None:
            CaseSearch.objects.filter(case_id=pk).delete()
            return
        facts, claims, status = row
    parties = ([(p.name, p.id_hash) for p in case.parties.all()] if isinstance(case, Case)  # prefetched after commit
               else Party.objects.filter(case_id=pk).values_list("name", "id_hash"))
    body, keys = document(facts, claims, parties, status in OPEN_STATUSES)
    # one upsert (INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL): new or changed alike
    CaseSearch.objects.bulk_create([CaseSearch(case_id=pk, body=body, keys=keys)], update_conflicts=True,
                                   unique_fields=["case"], update_fields=["body", "keys"])


# The steps that change what the index holds (facts, claims, the parties' names and ID numbers);
# the steps that close a case drop its keys; the other steps leave the row as it is.
INDEXED_STEPS = {"register", "correct"}


@functools.cache
def closing_steps() -> frozenset[str]:
    """The steps of the state machine that take an open case to a closed status (read once, after
    every app has registered its steps)."""
    from tiaojie.cases.transitions import TRANSITIONS

    return frozenset(name for name, step in TRANSITIONS.items()
                     if step.target and step.target not in OPEN_STATUSES
                     and any(source in OPEN_STATUSES for source in step.sources))


def on_case_changed(sender, case, kind="", **kwargs) -> None:
    """``case_changed`` receiver (sent after commit): registration and 更正登记信息 rewrite the row;
    a closing step empties its keys (see ``document``)."""
    if kind in INDEXED_STEPS:
        index_case(case)
    elif kind in closing_steps():
        CaseSearch.objects.filter(case_id=getattr(case, "pk", case)).exclude(keys="").update(keys="")


def reindex_cases(batch: int = 2000, progress=None, since=None) -> int:
    """Rewrite the index rows of all cases (or of those registered on or after the date
    ``since``), ``batch`` cases a transaction (safe to stop and rerun); ``progress(done, total)``
    is called after each batch. Returns the number of cases."""
    cases = Case.objects.all()
    if since is not None:
        cases = cases.filter(registered_at__date__gte=since)
    total = cases.count()
    done, last = 0, 0
    while True:
        rows = list(cases.filter(pk__gt=last).order_by("pk").values_list("pk", "facts", "claims", "status")[:batch])
        if not rows:
            break
        ids = [r[0] for r in rows]
        parties: dict[int, list] = {}
        for case_id, name, h in Party.objects.filter(case_id__in=ids).values_list("case_id", "name", "id_hash"):
            parties.setdefault(case_id, []).append((name, h))
        objs = []
        for pk, facts, claims, status in rows:
            body, keys = document(facts, claims, parties.get(pk, ()), status in OPEN_STATUSES)
            objs.append(CaseSearch(case_id=pk, body=body, keys=keys))
        with transaction.atomic():
            CaseSearch.objects.filter(case_id__in=ids).delete()
            CaseSearch.objects.bulk_create(objs)
        done += len(rows)
        last = ids[-1]
        if progress is not None:
            progress(done, total)
    return done


# --- the database's full-text query ---------------------------------------------------------

def _sqlite_expr(column: str, groups: list[list[str]]) -> str:
    ors = " OR ".join("(" + " AND ".join(f'"{t}"' for t in g) + ")" for g in groups)
    return f"{column} : ({ors})"


def _pg_expr(groups: list[list[str]]) -> str:
    return " | ".join("(" + " & ".join(f"'{t}'" for t in g) + ")" for g in groups)


def _ranked(base, groups: list[list[str]], limit: int, column: str = "body",
            weights: dict[str, float] | None = None, scope_first: bool = False) -> list[tuple[int, float]]:
    """(case id, score) of the rows of queryset ``base`` whose ``column`` matches any group of
    words (all words of a group), best first. ``base`` carries the scope; the database's own
    full-text index does the matching and ranking. With ``weights`` (word → weight; PostgreSQL)
    only the first ``STAGE_CANDIDATES`` matches are ranked, by the summed weights of the words
    they hold; ``scope_first``: read the scope's cases and test each (a small scope) instead of
    following the index's matches and testing the scope."""
    if not groups:
        return []
    if connection.vendor == "sqlite" and column == "body":
        # FTS5 ranks every match before the scope is applied: for a small scope it is far quicker to
        # read the scope's own rows (the content table) and count the matching word groups here.
        ids = list(base.order_by().values_list("pk", flat=True)[:SMALL_SCOPE + 1])
        if len(ids) <= SMALL_SCOPE:
            sets = [set(g) for g in groups]
            scored = []
            for pk, body in CaseSearch.objects.filter(case_id__in=ids).values_list("case_id", "body").iterator():
                words = set(body.split())
                score = sum(1 for g in sets if g <= words)
                if score:
                    scored.append((score, pk))
            scored.sort(reverse=True)
            return [(pk, float(score)) for score, pk in scored[:limit]]
    sub_sql, sub_params = base.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            columns = "1.0, 0.0" if column == "body" else "0.0, 1.0"
            # the best FTS5 matches first (a bounded set), then the scope: given the scope first,
            # SQLite runs the full-text query once per case in scope
            cur.execute(
                f"SELECT rowid, score FROM (SELECT rowid, bm25(cases_search_fts, {columns}) AS score "
                f"FROM cases_search_fts WHERE cases_search_fts MATCH %s ORDER BY score LIMIT %s) "
                f"WHERE rowid IN ({sub_sql}) ORDER BY score LIMIT %s",
                [_sqlite_expr(column, groups), FTS_CANDIDATES, *sub_params, limit])
            return [(pk, -score) for pk, score in cur.fetchall()]
        vector = "doc" if column == "body" else "keydoc"
        if weights:
            # at most ``STAGE_CANDIDATES`` matches are read (a common word matches a good part of a
            # million cases: reading and ranking them all took seconds), then ranked by the weights
            # of the query's words they hold
            terms = list(weights)
            score = " + ".join(f"(c.{vector} @@ to_tsquery('simple', %s))::int * %s" for _ in terms)
            score_params = [p for t in terms for p in (f"'{t}'", weights[t])]
            if scope_first:
                # a small scope: its cases one by one through the primary key (LATERAL … OFFSET 0
                # keeps that order: words that always come together make PostgreSQL expect a
                # hundred matches where there are fifty thousand, and it would follow them all)
                candidates = (f"SELECT x.case_id, x.{vector} FROM ({sub_sql}) sc CROSS JOIN LATERAL "
                              f"(SELECT s.case_id, s.{vector} FROM cases_casesearch s WHERE s.case_id = sc.pk "
                              f"AND s.{vector} @@ to_tsquery('simple', %s) OFFSET 0) x LIMIT %s")
                params = [*sub_params, _pg_expr(groups), STAGE_CANDIDATES]
            else:
                candidates = (f"SELECT s.case_id, s.{vector} FROM cases_casesearch s "
                              f"WHERE s.{vector} @@ to_tsquery('simple', %s) AND s.case_id IN ({sub_sql}) LIMIT %s")
                params = [_pg_expr(groups), *sub_params, STAGE_CANDIDATES]
            cur.execute(f"SELECT c.case_id, {score} AS score FROM ({candidates}) c "
                        f"ORDER BY score DESC, c.case_id DESC LIMIT %s", [*score_params, *params, limit])
        else:
            cur.execute(
                f"SELECT s.case_id, ts_rank(s.{vector}, q) AS score "
                f"FROM cases_casesearch s, to_tsquery('simple', %s) q "
                f"WHERE s.{vector} @@ q AND s.case_id IN ({sub_sql}) ORDER BY score DESC, s.case_id DESC LIMIT %s",
                [_pg_expr(groups), *sub_params, limit])
        return [(pk, float(score)) for pk, score in cur.fetchall()]


def _scope_size(base) -> int:
    """How many rows PostgreSQL expects ``base`` to have (its plan's estimate: a literal list of
    organizations is estimated from their statistics; counting a county's cases took 0.1 s)."""
    sql, params = base.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def ranked_ids(base, text: str, limit: int, names=()) -> list[int]:
    """Ids of the rows of ``base`` whose facts are most like ``text`` (the parties' ``names`` left
    out of it): first those sharing three of its five most informative words, then two, then any
    (each stage a small, well-ranked set even at a million cases; the next runs only while fewer
    than ``limit`` are found). On PostgreSQL "informative" is this register's own rarity (its
    statistics); a first stage asks for all three rarest words; the words held by more than
    ``COMMON_SHARE`` of the cases select only in a last stage; each stage reads at most
    ``STAGE_CANDIDATES`` matches in scope and ranks them by the inverse document frequencies of
    the query's words they hold (SQLite's bm25 does the same from FTS5's own counts)."""
    terms = query_terms(without_names(text, names))
    if not terms:
        return []
    weights = None
    selecting = terms
    if connection.vendor == "postgresql":
        weights = term_weights(terms)
        shares, _ = word_shares()
        # this register's rarest words first (jieba's weights are those of general text)
        selecting = sorted((t for t in terms if shares.get(t, 0.0) <= COMMON_SHARE), key=lambda t: -weights[t])
        selecting = selecting or terms
    top = selecting[:PAIR_TERMS]
    stages = [[list(g) for g in combinations(top, k)] for k in (3, 2) if len(top) > k]
    if weights is not None and len(top) > 3:
        # first all three of the rarest words: one AND the GIN index answers from the shortest
        # posting list (an OR of ten triples reads every list whole: 130 ms of common words);
        # then, if some of them are unknown to the statistics (a name, a slip of the pen), all
        # three of the rarest the register knows
        stages.insert(0, [top[:3]])
        known = [t for t in selecting if t in shares]
        if len(known) >= 3 and known[:3] != top[:3]:
            stages.insert(1, [known[:3]])
    stages.append([[t] for t in selecting])
    if len(selecting) < len(terms):
        stages.append([[t] for t in terms])   # the common words last (a capped stage on PostgreSQL)
    scope_first = weights is not None and _scope_size(base) <= SCOPE_FIRST
    found: list[int] = []
    for groups in stages:
        more = _ranked(base, groups, limit + len(found), weights=weights, scope_first=scope_first)
        found += [pk for pk, _ in more if pk not in found]
        if len(found) >= limit:
            break
    return found[:limit]


# --- similar past cases -----------------------------------------------------------------------

@dataclass
class Similar:
    case: Case
    outcome: str
    agreement: str        # what was agreed (the terms, shortened), or why it ended
    amount: object = None


def _short(text: str, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def similar_cases(user, text: str, limit: int = 5, exclude=None, names=()) -> list[Similar]:
    """The ``limit`` closed cases handled in ``user``'s scope whose facts are most like ``text``
    (the parties' ``names`` do not count), best first, with their outcome and what was agreed."""
    # The cases the user's organizations handle, with the organizations as one sub-query (by path):
    # PostgreSQL estimates its size well and so chooses between reading the scope's cases (a
    # village) and following the full-text matches (a county, a city). (The scope rule's own
    # filter adds the same condition a second time, and the doubled condition made PostgreSQL
    # guess a tenth of a county's cases and read all 100,000 of them; a literal list of a city's
    # 2,000 organizations costs 20 ms of planning a query.) SQLite serves the sub-query from the
    # path index. The rule itself is applied to what is shown.
    base = Case.objects.filter(status__in=SIMILAR_STATUSES, organization__in=Scope.of(user).orgs().values("pk"))
    if exclude is not None:
        base = base.exclude(pk=getattr(exclude, "pk", exclude))
    ids = ranked_ids(base, text, limit, names=names)
    if not ids:
        return []
    # the scope rule itself on what is shown
    by_pk = Case.objects.visible_to(user, acting=True).select_related(
        "dispute_type__parent", "organization", "agreement").in_bulk(ids)
    out = []
    for pk in ids:
        c = by_pk.get(pk)
        if c is None:
            continue
        agreement = getattr(c, "agreement", None) if _has_agreement(c) else None
        if agreement is not None:
            summary, amount = _short(agreement.terms), agreement.amount
        else:
            summary, amount = _short(c.close_reason) or "无调解协议", None
        out.append(Similar(case=c, outcome=c.get_outcome_display() or c.get_status_display(), agreement=summary,
                           amount=amount))
    return out


def _has_agreement(case) -> bool:
    from tiaojie.cases.models import Agreement

    try:
        case.agreement  # noqa: B018
    except Agreement.DoesNotExist:
        return False
    return True


# --- possible duplicates ------------------------------------------------------------------------

@dataclass
class Duplicate:
    """A matching open case. ``case`` and ``reasons`` only when the user's scope sees it;
    otherwise only the unit that handles it and its phone."""

    visible: bool
    org_name: str
    org_phone: str = ""
    case: Case | None = None
    reasons: list[str] = field(default_factory=list)


def _same_place(a, b) -> bool:
    """Same village, or the same township (the first nine digits of the region code)."""
    if a is None or b is None:
        return False
    if a.pk == b.pk:
        return True
    return len(a.code) >= 9 and len(b.code) >= 9 and a.code[:9] == b.code[:9]


def _overlap(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def possible_duplicates(user, *, names=(), id_hashes=(), region=None, text: str = "", exclude=None,
                        limit: int = 10) -> list[Duplicate]:
    """Open cases that may be this same dispute: a party with the same ID number, or a party with
    the same name at the same place (township) or with similar facts. In the user's scope: the
    case with why it matches; outside it: only "another unit has a matching open case" with that
    unit's name and phone (no number, no names, no facts), once per unit."""
    names = [n for n in dict.fromkeys((n or "").strip() for n in names) if n]
    name_keys = {name_key(n): n for n in names}
    name_keys.pop("", None)
    id_keys = {id_key(h) for h in id_hashes if h}
    keys = [*name_keys, *id_keys]
    if not keys:
        return []
    base = Case.objects.filter(status__in=OPEN_STATUSES)
    if exclude is not None:
        base = base.exclude(pk=getattr(exclude, "pk", exclude))
    ids = [pk for pk, _ in _ranked(base, [[k] for k in keys], CANDIDATES, column="keys")]
    if not ids:
        return []
    rows = dict(CaseSearch.objects.filter(case_id__in=ids).values_list("case_id", "keys"))
    bodies = dict(CaseSearch.objects.filter(case_id__in=ids).values_list("case_id", "body"))
    words = set(index_words(text, names))
    cases = Case.objects.select_related("organization", "region", "dispute_type__parent").in_bulk(ids)
    visible = set(Case.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    found, others = [], {}
    for pk in ids:
        c = cases.get(pk)
        if c is None:
            continue
        have = set(rows.get(pk, "").split())
        same_id = bool(id_keys & have)
        same_names = [n for k, n in name_keys.items() if k in have]
        place = _same_place(region, c.region)
        similar = _overlap(words, set(bodies.get(pk, "").split())) >= SIMILAR_FACTS
        if not (same_id or (same_names and (place or similar))):
            continue
        if pk not in visible:
            org = c.organization
            others.setdefault(org.pk, Duplicate(visible=False, org_name=org.name, org_phone=org.contact_phone))
            continue
        reasons = []
        if same_id:
            reasons.append("当事人证件号码相同")
        if same_names:
            reasons.append("当事人同名：" + "、".join(same_names))
        if place:
            reasons.append(f"同一地点（{c.region.name}）")
        if similar:
            reasons.append("案情相似")
        found.append(Duplicate(visible=True, org_name=c.organization.name, org_phone=c.organization.contact_phone,
                               case=c, reasons=reasons))
    found.sort(key=lambda d: -len(d.reasons))
    return (found + list(others.values()))[:limit]


def timed(fn, *args, **kwargs):
    """(result, milliseconds) — for the benchmark."""
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - t) * 1000
