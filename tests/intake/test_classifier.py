"""The dispute-type classifier: corpus checks, deterministic training, held-out accuracy."""
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tiaojie.core import dispute_types
from tiaojie.intake import classifier

# Floors below the figures in bench/README.md ("## Intake": 86% / 97% on the full corpus) so that
# the test is stable; the composed w0 lines alone (a held-out split of ~25 lines) get lower floors.
FULL_FLOORS, SMALL_FLOORS = (0.78, 0.92), (0.45, 0.65)


def write(dir_: Path, name: str, rows) -> Path:
    path = dir_ / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def sample_rows(n=40):
    lines = classifier.read_corpus()
    picked = []
    for code in dispute_types.TOP:   # a few lines of every type, stable
        picked += [x for x in lines if x.top == code][:2]
    return [{"id": x.id, "text": x.text, "type": x.type, "risk": list(x.risk), "source": x.source}
            for x in picked[:n]]


def test_corpus_is_valid():
    lines = classifier.read_corpus()
    assert len(lines) >= 150
    assert {x.top for x in lines} == set(dispute_types.TOP)


def test_unknown_type_code_names_the_line_and_stops(tmp_path):
    rows = sample_rows(3)
    rows.insert(1, {"id": "bad-1", "text": "某某纠纷的事实经过……", "type": "18", "risk": [], "source": ""})
    write(tmp_path, "bad.jsonl", rows)
    out = tmp_path / "model.pkl.gz"
    with pytest.raises(CommandError) as e:
        call_command("train_intake", corpus=str(tmp_path), out=str(out))
    assert "bad.jsonl:2" in str(e.value) and "18" in str(e.value)
    assert not out.exists()


@pytest.mark.parametrize("row, words", [
    ({"id": "x-1", "text": "……", "type": "02", "risk": ["fight"], "source": ""}, "fight"),
    ({"id": "", "text": "……", "type": "02", "risk": [], "source": ""}, "id"),
    ({"id": "x-1", "text": "  ", "type": "02", "risk": [], "source": ""}, "text"),
])
def test_other_bad_lines_are_named(tmp_path, row, words):
    write(tmp_path, "w9.jsonl", [row])
    with pytest.raises(classifier.CorpusError) as e:
        classifier.read_corpus(tmp_path)
    assert "w9.jsonl:1" in str(e.value) and words in str(e.value)


def test_training_is_deterministic(tmp_path):
    write(tmp_path, "w0.jsonl", sample_rows())
    a, b = tmp_path / "a.pkl.gz", tmp_path / "b.pkl.gz"
    call_command("train_intake", corpus=str(tmp_path), out=str(a))
    call_command("train_intake", corpus=str(tmp_path), out=str(b))
    assert a.read_bytes() == b.read_bytes()
    written, _n, _d = classifier.train(tmp_path, a, if_stale=True)
    assert not written


def test_heldout_split_is_stable_and_about_a_fifth():
    ids = [f"w1-{i:04d}" for i in range(2000)]
    share = sum(map(classifier.is_heldout, ids)) / len(ids)
    assert 0.15 < share < 0.25
    assert [classifier.is_heldout(i) for i in ids[:50]] == [classifier.is_heldout(i) for i in ids[:50]]


@pytest.fixture(scope="module")
def train_split_model():
    return classifier.fit(classifier.read_corpus(), split="train")


def test_heldout_accuracy_above_the_floor(train_split_model):
    lines = [x for x in classifier.read_corpus() if classifier.is_heldout(x.id)]
    old = classifier._model
    classifier.set_model(train_split_model)
    try:
        from tiaojie.intake.analysis import normalize

        ranked = classifier.suggest_many([normalize(x.text) for x in lines])
    finally:
        classifier.set_model(old)
    top1 = sum(dispute_types.top(r[0][0]) == x.top for r, x in zip(ranked, lines, strict=True)) / len(lines)
    top3 = sum(x.top in [dispute_types.top(c) for c, _n, _s in r] for r, x in zip(ranked, lines, strict=True)) / len(lines)
    floor1, floor3 = FULL_FLOORS if len(lines) >= 200 else SMALL_FLOORS
    assert top1 >= floor1 and top3 >= floor3, (top1, top3, len(lines))


def test_suggestions_have_the_seam_shape():
    out = classifier.suggest("申请人借给被申请人5万元，有借条为证，到期未还。")
    assert len(out) == 3
    codes = [c for c, _n, _s in out]
    assert len({dispute_types.top(c) for c in codes}) == 3
    assert all(c in dispute_types.NAMES and n == dispute_types.NAMES[c] and 0 <= s <= 1 for c, n, s in out)
    assert [s for _c, _n, s in out] == sorted((s for _c, _n, s in out), reverse=True)
    assert classifier.suggest("   ") == []
