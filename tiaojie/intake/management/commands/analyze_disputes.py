"""Batch analysis (issue 9 §6): JSON lines in on standard input, one JSON line out per input.

    in:  {"id": "...", "text": "...", "people_count": 30 (optional), "amount_yuan": 12000 (optional)}
    out: {"id": ..., "types": [{"code", "name", "score"} ×3], "risk": {"level", "factors": [{"category",
          "level", "evidence"}]}, "people_count": int|null, "amount_yuan": number|null}

A line that is not a JSON object gives {"id": null, "error": "..."} and the batch goes on. A
people count or amount given with the line is the form's value and is written as given; a given
count of 10 or more is a group sign when the text carries none.
"""
import json
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand

from tiaojie.intake import analysis

BATCH = 256


def _given_int(value):
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def _given_amount(value):
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() and d >= 0 else None


class Command(BaseCommand):
    help = "批量分析纠纷文本：标准输入每行一个 JSON（id、text），标准输出每行一个分析结果"

    def add_arguments(self, parser):
        parser.add_argument("--input", default="-", help="输入文件（默认标准输入）")

    def handle(self, *args, **opts):
        src = sys.stdin if opts["input"] == "-" else open(opts["input"], encoding="utf-8")  # noqa: SIM115
        out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        try:
            batch = []
            for raw in src:
                if not raw.strip():
                    continue
                batch.append(raw)
                if len(batch) >= BATCH:
                    self._run(batch, out)
                    batch = []
            if batch:
                self._run(batch, out)
        finally:
            if src is not sys.stdin:
                src.close()
        out.flush()

    def _run(self, raws, out):
        items, parsed = [], []
        for raw in raws:
            try:
                obj = json.loads(raw)
                if not isinstance(obj, dict):
                    raise ValueError("每行须为一个 JSON 对象")
            except ValueError as e:
                parsed.append(({"id": None, "error": f"无法解析的输入行：{e}"}, None))
                continue
            text = obj.get("text")
            text = text if isinstance(text, str) else ("" if text is None else str(text))
            parsed.append((obj, len(items)))
            items.append({"facts": text})
        results = analysis.analyze_many(items) if items else []
        for obj, i in parsed:
            if i is None:
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
                continue
            a = results[i]
            people = _given_int(obj.get("people_count"))
            amount = _given_amount(obj.get("amount_yuan"))
            if people is not None and people >= analysis.GROUP_COUNT and not any(s.category == "group"
                                                                                for s in a.signals):
                a = analysis.with_people_signal(a, people)
            d = a.as_dict()
            if people is not None:
                d["people_count"] = people
            if amount is not None:
                d["amount_yuan"] = int(amount) if amount == amount.to_integral_value() else float(amount)
            out.write(json.dumps({"id": obj.get("id"), **d}, ensure_ascii=False) + "\n")
