"""Train the dispute-type model from tiaojie/intake/corpus/*.jsonl (bin/setup runs the same)."""
from django.core.management.base import BaseCommand, CommandError

from tiaojie.intake import classifier


class Command(BaseCommand):
    help = "从 tiaojie/intake/corpus/*.jsonl 训练纠纷类型模型（同一语料得到相同的模型文件）"

    def add_arguments(self, parser):
        parser.add_argument("--if-stale", action="store_true", help="语料未变时不重新训练")
        parser.add_argument("--corpus", default=None, help="语料目录（默认 tiaojie/intake/corpus）")
        parser.add_argument("--out", default=None, help="模型文件（默认 tiaojie/intake/model/type_model.pkl.gz）")

    def handle(self, *args, **opts):
        from pathlib import Path

        corpus = Path(opts["corpus"]) if opts["corpus"] else classifier.CORPUS_DIR
        out = Path(opts["out"]) if opts["out"] else classifier.MODEL_PATH
        try:
            written, n, digest = classifier.train(corpus, out, if_stale=opts["if_stale"])
        except classifier.CorpusError as e:
            raise CommandError(f"训练失败：{e}")
        if out == classifier.MODEL_PATH:
            classifier.set_model(None)
        self.stdout.write(f"{'已训练' if written else '模型已是最新'}：{n} 条语料 → {out}（{digest[:12]}）")
