"""Measure the intake analysis on the held-out split of the corpus (issue 9 §2).

    .venv/bin/python bench/intake_eval.py [--all] [--json] [--misses] [--corpus DIR]

A model is fitted in memory on the training lines only (the ~80% whose id hash falls outside the
held-out 20%, the same split as ``classifier.is_heldout``), with the lexicon exactly as the seed
migrations give it, then every held-out line is analysed as ``analyze_disputes`` would:
type top-1/top-3 (top-level codes: a sub-code counts for its parent), recall and precision of each
risk category, severe signs (violence, group, threat, suicide) → orange or above, any risk sign →
yellow or above, no risk sign → orange or above (false alarms), and the throughput of
``analyze_many`` (texts per second, after the model is loaded). ``--all`` measures every line
(training lines included: an optimistic figure, for looking at lexicon errors).
"""
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from tiaojie.core import cache, dispute_types  # noqa: E402
from tiaojie.intake import analysis, classifier  # noqa: E402

SEVERE = ("violence", "group", "threat", "suicide")
RANK = analysis.RANK


def evaluate(lines, results) -> dict:
    n = len(lines)
    top1 = top3 = 0
    cats = {c: {"support": 0, "found": 0, "predicted": 0, "correct": 0} for c in analysis.CATEGORIES}
    severe = [0, 0]
    anyrisk = [0, 0]
    norisk = [0, 0]
    misses = []
    for line, a in zip(lines, results, strict=True):
        gold = line.top
        tops = [dispute_types.top(t.code) for t in a.types]
        top1 += bool(tops[:1] == [gold])
        top3 += gold in tops[:3]
        predicted = {s.category for s in a.signals}
        for c in cats:
            if c in line.risk:
                cats[c]["support"] += 1
                cats[c]["found"] += c in predicted
            if c in predicted:
                cats[c]["predicted"] += 1
                cats[c]["correct"] += c in line.risk
        rank = RANK[a.level]
        if any(c in line.risk for c in SEVERE):
            severe[0] += 1
            severe[1] += rank >= RANK["orange"]
        if line.risk:
            anyrisk[0] += 1
            anyrisk[1] += rank >= RANK["yellow"]
        else:
            norisk[0] += 1
            norisk[1] += rank >= RANK["orange"]
        if set(line.risk) != predicted or tops[:1] != [gold]:
            misses.append({"id": line.id, "type": line.type, "pred": tops[:1], "gold_risk": sorted(line.risk),
                           "pred_risk": sorted(predicted), "evidence": {s.category: s.evidence for s in a.signals}})

    def pct(a, b):
        return round(100.0 * a / b, 1) if b else None

    return {
        "lines": n,
        "type_top1": pct(top1, n), "type_top3": pct(top3, n),
        "severe_orange_plus": pct(severe[1], severe[0]), "severe_lines": severe[0],
        "risk_yellow_plus": pct(anyrisk[1], anyrisk[0]), "risk_lines": anyrisk[0],
        "norisk_orange_plus": pct(norisk[1], norisk[0]), "norisk_lines": norisk[0],
        "recall": {c: pct(v["found"], v["support"]) for c, v in cats.items()},
        "precision": {c: pct(v["correct"], v["predicted"]) for c, v in cats.items()},
        "support": {c: v["support"] for c, v in cats.items()},
        "misses": misses,
    }


def main(argv):
    corpus = Path(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else classifier.CORPUS_DIR
    lines = classifier.read_corpus(corpus)
    cache.clear("intake_lexicon")
    cache.cached("intake_lexicon", analysis._seed_lexicon)    # the lexicon a fresh migrate seeds
    t0 = time.perf_counter()
    pipe = classifier.fit(lines, split="all" if "--all" in argv else "train")
    fit_s = time.perf_counter() - t0
    classifier.set_model(pipe)
    test = lines if "--all" in argv else [x for x in lines if classifier.is_heldout(x.id)]
    items = [{"facts": x.text} for x in test]
    analysis.analyze_many(items[:5])                            # warm up (jieba dictionary)
    t0, c0 = time.perf_counter(), time.process_time()
    results = analysis.analyze_many(items)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    report = evaluate(test, results)
    report.update(train_lines=len(lines) - (0 if "--all" in argv else len(test)), fit_seconds=round(fit_s, 1),
                  texts_per_second=round(len(items) / elapsed, 1), texts_per_cpu_second=round(len(items) / cpu, 1),
                  load_average=os.getloadavg()[0])
    if "--json" in argv:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if "--misses" in argv:
        for m in report["misses"]:
            print(json.dumps(m, ensure_ascii=False))
    print(f"corpus {len(lines)} lines, held-out {report['lines']} (trained on {report['train_lines']}, "
          f"{report['fit_seconds']} s)")
    print(f"type top-1 {report['type_top1']}%  top-3 {report['type_top3']}%")
    print(f"severe → orange+ {report['severe_orange_plus']}% of {report['severe_lines']}; any risk → yellow+ "
          f"{report['risk_yellow_plus']}% of {report['risk_lines']}; no risk → orange+ "
          f"{report['norisk_orange_plus']}% of {report['norisk_lines']}")
    print("recall / precision per category (support):")
    for c in analysis.CATEGORIES:
        print(f"  {c:11s} {report['recall'][c]}% / {report['precision'][c]}% ({report['support'][c]})")
    print(f"throughput {report['texts_per_second']} texts/s wall, {report['texts_per_cpu_second']} texts per CPU "
          f"second (analyze_many, one process, load average {report['load_average']:.1f})")


if __name__ == "__main__":
    main(sys.argv[1:])
