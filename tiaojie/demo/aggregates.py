"""The statistics rollups of the demo city.

The aggregate-only committees (汇总上报, the seed's 90% 信息化录入率) are planned and written by the
builder itself (``CityBuilder._offline`` / ``_aggregate_reports``): their cases are never written
one by one, so the city's totals do not move and nothing has to be deleted afterwards. What is
left here is building the rollups the dashboard and the reports read.
"""


def build(seed: int = 410400, small: bool = False, stderr=None) -> dict:
    from tiaojie.stats import rollups

    say = (lambda m: stderr.write(m + "\n")) if stderr else (lambda m: None)
    say("生成统计汇总表…")
    rows = rollups.rebuild_due(full=True)
    say(f"统计汇总表：{rows} 行")
    return {"rollup_rows": rows}
