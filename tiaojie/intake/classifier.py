"""The dispute-type classifier: scikit-learn over jieba words (with the dispute-term dictionary
``data/userdict.txt``) and character n-grams, trained from ``corpus/*.jsonl``.

    python -m tiaojie.intake.classifier [--if-stale]      (bin/setup; no database needed)
    python manage.py train_intake                          (the same, as a management command)

Training is deterministic: lines are sorted by id, the estimators have no randomness (TF-IDF,
L-BFGS logistic regression), and the artifact is a pickle (protocol 4) gzipped with a zero
timestamp — the same corpus gives a byte-identical ``model/type_model.pkl.gz``. The production
model learns from every line; ``heldout`` lines (about 20%, chosen by a hash of the id) are
kept out by ``fit(..., split="train")`` for the measurements (bench/intake_eval.py, the tests).
The model is loaded once per process; when the file is missing it is trained in memory.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import pickle
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from tiaojie.core import dispute_types

log = logging.getLogger("tiaojie.intake")

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "corpus"
MODEL_PATH = HERE / "model" / "type_model.pkl.gz"
USER_DICT = HERE / "data" / "userdict.txt"
HELDOUT_PERCENT = 20
RISK_CATEGORIES = ("violence", "weapon", "group", "threat", "suicide", "police", "petition", "death", "vulnerable",
                   "emotion", "chronic")
FORMAT = 2


class CorpusError(ValueError):
    """A corpus line that cannot be used; the message names file:line."""


@dataclass(frozen=True)
class Line:
    id: str
    text: str
    type: str
    risk: tuple[str, ...]
    source: str
    where: str          # file:line

    @property
    def top(self) -> str:
        return dispute_types.top(self.type)


def is_heldout(line_id: str) -> bool:
    return int(hashlib.sha256(line_id.encode("utf-8")).hexdigest()[:8], 16) % 100 < HELDOUT_PERCENT


def read_corpus(directory: Path = CORPUS_DIR) -> list[Line]:
    """Every line of ``directory/*.jsonl``, sorted by id; ``CorpusError`` names the bad line."""
    lines, seen = [], {}
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                where = f"{path.name}:{n}"
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as e:
                    raise CorpusError(f"{where}: 不是有效的 JSON（{e.msg}）")
                if not isinstance(obj, dict):
                    raise CorpusError(f"{where}: 每行须为一个 JSON 对象")
                code = str(obj.get("type", ""))
                if code not in dispute_types.NAMES:
                    raise CorpusError(f"{where}: 未知的纠纷类型代码“{code}”")
                text = str(obj.get("text") or "").strip()
                if not text:
                    raise CorpusError(f"{where}: text 为空")
                line_id = str(obj.get("id") or "").strip()
                if not line_id:
                    raise CorpusError(f"{where}: 缺少 id")
                if line_id in seen:
                    raise CorpusError(f"{where}: id“{line_id}”与 {seen[line_id]} 重复")
                seen[line_id] = where
                risk = obj.get("risk") or []
                bad = [r for r in risk if r not in RISK_CATEGORIES]
                if bad:
                    raise CorpusError(f"{where}: 未知的风险类别“{'、'.join(map(str, bad))}”")
                lines.append(Line(line_id, text, code, tuple(risk), str(obj.get("source") or ""), where))
    lines.sort(key=lambda x: x.id)
    return lines


def corpus_digest(lines: list[Line]) -> str:
    h = hashlib.sha256()
    for x in lines:
        h.update(json.dumps([x.id, x.text, x.type], ensure_ascii=False).encode("utf-8"))
    h.update(USER_DICT.read_bytes())
    h.update(str(FORMAT).encode())
    return h.hexdigest()


# --- features ------------------------------------------------------------------------------

_tokenizer = None
_tok_lock = threading.Lock()


def tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _tok_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                t = jieba.Tokenizer()
                t.tmp_dir = None
                t.load_userdict(str(USER_DICT))
                _tokenizer = t
    return _tokenizer


def _is_word(w: str) -> bool:
    return any(c.isalnum() for c in w) and not w.isdigit()


def words(text: str) -> list[str]:
    """jieba words and adjacent word pairs (module-level: the pickled model refers to it)."""
    ws = [w for w in tokenizer().lcut(text, HMM=False) if _is_word(w)]
    return ws + [a + "_" + b for a, b in zip(ws, ws[1:], strict=False)]


def build_pipeline():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from tiaojie.intake.classifier import words as analyzer  # by its module name, also under ``-m``

    feats = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1, dtype=np.float64)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2,
                                  max_features=60000, dtype=np.float64)),
    ])
    clf = LogisticRegression(C=20.0, max_iter=3000, class_weight="balanced", solver="lbfgs")
    return Pipeline([("features", feats), ("clf", clf)])


def _prep(text: str) -> str:
    from tiaojie.intake.analysis import normalize

    return normalize(text)


def fit(lines: list[Line], split: str = "all") -> dict:
    """The fitted model over ``lines`` (``split``: "all", or "train" to leave out the held-out
    lines): a pipeline over top-level types, and a classifier of sub-codes (赡养, 婚恋, 欠薪…)
    over the same features, trained on the lines of the types that have sub-codes."""
    from sklearn.linear_model import LogisticRegression

    use = [x for x in lines if split == "all" or not is_heldout(x.id)]
    texts = [_prep(x.text) for x in use]
    pipe = build_pipeline()
    pipe.fit(texts, [x.top for x in use])
    family = [i for i, x in enumerate(use) if x.top in dispute_types.PARENT.values()]
    sub = None
    if family and len({use[i].type for i in family}) > 1:
        feats = pipe.named_steps["features"].transform([texts[i] for i in family])
        sub = LogisticRegression(C=20.0, max_iter=3000, solver="lbfgs")
        sub.fit(feats, [use[i].type for i in family])
    return {"pipeline": pipe, "sub": sub}


def dump(pipe, digest: str) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6, filename="") as gz:
        pickle.dump({"format": FORMAT, "digest": digest, **pipe}, gz, protocol=4)
    return buf.getvalue()


def train(corpus_dir: Path = CORPUS_DIR, out: Path = MODEL_PATH, *, if_stale: bool = False) -> tuple[bool, int, str]:
    """Train from the corpus and write the artifact; (written?, lines, digest)."""
    lines = read_corpus(corpus_dir)
    if not lines:
        raise CorpusError(f"{corpus_dir}: 没有语料")
    digest = corpus_digest(lines)
    if if_stale and out.exists():
        try:
            if _read(out).get("digest") == digest:
                return False, len(lines), digest
        except Exception:  # unreadable artifact: rebuild it
            pass
    data = dump(fit(lines), digest)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return True, len(lines), digest


def _read(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 — our own artifact, built from the repo by bin/setup


# --- suggestions ---------------------------------------------------------------------------

_model = None
_model_lock = threading.Lock()


def model():
    """The pipeline, loaded once per process (trained in memory if the artifact is missing)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                try:
                    data = _read(MODEL_PATH)
                    _model = {"pipeline": data["pipeline"], "sub": data.get("sub")}
                except FileNotFoundError:
                    log.warning("intake model %s missing; training it in memory (run bin/setup)", MODEL_PATH)
                    _model = fit(read_corpus())
    return _model


def set_model(pipe) -> None:
    """Use ``pipe`` in this process (measurements of a train-split model)."""
    global _model
    _model = pipe


def rank(model_, probs, feats=None) -> list[tuple[str, str, float]]:
    """The top 3 top-level types; a sub-code is suggested in place of its parent when the
    sub-code classifier gives it most of that family's probability."""
    pipe, sub = model_["pipeline"], model_["sub"]
    ranked = sorted(zip(pipe.classes_, (float(p) for p in probs), strict=True), key=lambda kv: (-kv[1], kv[0]))[:3]
    sub_probs = dict(zip(sub.classes_, probabilities(sub, feats)[0], strict=True)) if sub is not None \
        and feats is not None and any(c in dispute_types.PARENT.values() for c, _ in ranked) else {}
    out = []
    for top, score in ranked:
        code = top
        family = {c: p for c, p in sub_probs.items() if dispute_types.top(c) == top}
        mass = sum(family.values())
        if family and mass > 0:
            best = max(sorted(family), key=lambda c: family[c])
            if best != top and family[best] / mass >= 0.6:
                code = best
        out.append((code, dispute_types.NAMES[code], round(score, 4)))
    return out


_recent: dict = {"model": None, "texts": {}}
RECENT = 256   # suggestions kept per model, by text (the preview of a form, then its registration)


def suggest(text: str) -> list[tuple[str, str, float]]:
    """The top 3 (code, name, score) for normalized ``text``, best first (the last texts' kept
    while the model stays the same)."""
    if not text or not text.strip():
        return []
    m = model()
    if _recent["model"] is not m:
        _recent.update(model=m, texts={})
    kept = _recent["texts"]
    hit = kept.get(text)
    if hit is None:
        hit = tuple(suggest_many([text])[0])
        if len(kept) >= RECENT:
            kept.clear()
        kept[text] = hit
    return list(hit)


def features(pipe, texts: list[str]):
    """The feature rows of ``texts``: what ``pipe``'s FeatureUnion gives, without its per-call
    overhead (a joblib dispatch of its two vectorizers, parameter validation): each vectorizer's
    rows, stacked as ``FeatureUnion._hstack`` stacks sparse ones — the same numbers. A registration
    scores one text, where that overhead was most of the model's time."""
    from scipy import sparse

    union = pipe.named_steps["features"]
    parts = [t for _name, t in union.transformer_list if t not in (None, "drop")]
    if union.transformer_weights or not parts:
        return union.transform(texts)
    xs = [_tfidf(t, texts) for t in parts]
    if not all(sparse.issparse(x) for x in xs):
        return union.transform(texts)
    if not texts or not all(isinstance(x, sparse.csr_matrix) and x.has_sorted_indices for x in xs):
        return sparse.hstack(xs).tocsr()
    return _side_by_side(xs)


def _side_by_side(xs):
    """``sparse.hstack(xs).tocsr()`` of CSR matrices with sorted indices, row by row: each row's
    values of the first matrix, then of the next with its columns shifted past the first's."""
    import numpy as np
    from scipy import sparse

    offsets = np.cumsum([0] + [x.shape[1] for x in xs[:-1]])
    data, indices, indptr = [], [], [0]
    for row in range(xs[0].shape[0]):
        for x, off in zip(xs, offsets, strict=True):
            a, b = x.indptr[row], x.indptr[row + 1]
            data.append(x.data[a:b])
            indices.append(x.indices[a:b] + off)
        indptr.append(indptr[-1] + sum(int(x.indptr[row + 1] - x.indptr[row]) for x in xs))
    return sparse.csr_matrix((np.concatenate(data), np.concatenate(indices).astype(np.int32),
                              np.asarray(indptr, dtype=np.int32)), shape=(xs[0].shape[0], sum(x.shape[1] for x in xs)))


def _tfidf(vec, texts: list[str]):
    """``vec.transform(texts)`` for the TF-IDF vectorizers this module trains (sublinear tf, idf,
    l2 norm): the same counts, in the same order, through the same numpy and sklearn operations
    as ``TfidfVectorizer.transform`` — without its input checks and matrix conversions, most of its
    time for one short text. Any other vectorizer goes through its own ``transform``."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    if not (type(vec) is TfidfVectorizer and vec.sublinear_tf and vec.use_idf and vec.norm == "l2"
            and not vec.binary and vec.dtype is np.float64):
        return vec.transform(texts)
    analyze, vocabulary = vec.build_analyzer(), vec.vocabulary_
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for text in texts:
        counts: dict[int, int] = {}
        for term in analyze(text):
            j = vocabulary.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        indices.extend(counts)
        values.extend(counts.values())
        indptr.append(len(indices))
    x = sparse.csr_matrix((np.asarray(values, dtype=np.intc), np.asarray(indices, dtype=np.int32),
                           np.asarray(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)), dtype=np.float64)
    x.sort_indices()
    np.log(x.data, x.data)          # sublinear tf: 1 + log(count)
    x.data += 1.0
    x.data *= vec.idf_[x.indices]
    inplace_csr_row_normalize_l2(x)
    return x


def probabilities(clf, x):
    """``clf.predict_proba(x)`` of a multinomial ``LogisticRegression`` over CSR rows: the decision
    function (``x @ coef_.T + intercept_``, as sklearn's ``safe_sparse_dot``) and sklearn's softmax,
    the same numpy operations in the same order — without the input validation and array-namespace
    dispatch of each call, most of its time for one text. Any other classifier or input goes
    through its own ``predict_proba``."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    coef = getattr(clf, "coef_", None)
    if not (type(clf) is LogisticRegression and len(clf.classes_) > 2 and coef is not None and coef.ndim == 2
            and isinstance(x, sparse.csr_matrix) and x.dtype == np.float64 and x.shape[1] == coef.shape[1]
            and coef.dtype == np.float64):
        return clf.predict_proba(x)
    scores = x @ coef.T + clf.intercept_
    scores -= np.max(scores, axis=1).reshape((-1, 1))      # sklearn.utils.extmath.softmax
    np.exp(scores, out=scores)
    scores /= np.sum(scores, axis=1).reshape((-1, 1))
    return scores


def suggest_many(texts: list[str]) -> list[list[tuple[str, str, float]]]:
    import sklearn

    m = model()
    pipe = m["pipeline"]
    out = [[] for _ in texts]
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if idx:
        # our own fitted model over strings: the input checks sklearn makes on each call (finite
        # values, parameter types) cannot fail here, and cost more than scoring one text
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            feats = features(pipe, [texts[i] for i in idx])
            probs = probabilities(pipe.named_steps["clf"], feats)
            for row, (i, p) in enumerate(zip(idx, probs, strict=True)):
                out[i] = rank(m, p, feats[row])
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        written, n, digest = train(if_stale="--if-stale" in argv)
    except CorpusError as e:
        print(f"训练失败：{e}", file=sys.stderr)
        return 1
    print(f"{'已训练' if written else '模型已是最新'}：{n} 条语料，{MODEL_PATH} ({digest[:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
