"""满意度: the parties' own ratings (``public.Rating``, 1–5 and an optional comment) of cases that
closed after the public channel (群众端) opened.

``Rater(rng).ratings(...)`` decides, for one closed case, which parties rated, their scores,
comments and when — after the result and, for cases already visited (回访), before the visit, so
the 回访 form shows them as it would in use (the visit is often what reminds a party to rate).
The builder writes them with its ``RowWriter``, like every other case table.
"""
import datetime as dt

from tiaojie.demo.people import Weighted

# The city opened the public channel (online application, 一案一码, signing and rating) in 2024.
PUBLIC_SINCE = dt.date(2024, 1, 1)
# Share of closed cases in which at least one party rated (a reminder SMS goes to every party
# with a phone; most never answer), and of those the share where both sides did.
RATED_SHARE = 0.32
BOTH_SHARE = 0.3
COMMENT_SHARE = 0.45

# Scores by how the case ended and, when known, what the party said at the 回访.
SCORES = {
    "satisfied": Weighted([(5, 74), (4, 24), (3, 2)]),
    "basic": Weighted([(4, 45), (3, 45), (2, 10)]),
    "unsatisfied": Weighted([(2, 45), (1, 40), (3, 15)]),
    "success": Weighted([(5, 66), (4, 23), (3, 7), (2, 2.5), (1, 1.5)]),
    "failed": Weighted([(5, 12), (4, 22), (3, 33), (2, 19), (1, 14)]),
}

COMMENTS = {
    5: ["调解员很耐心，把道理讲透了，问题解决得很快。", "不收一分钱就帮我们把事办成了，感谢调委会。",
        "调解员上门好几趟，两家又能说上话了。", "办事公道，没有偏向哪一方。", "从申请到调成只用了一个星期，效率高。",
        "手机上就能看到案件进度，很方便。", "感谢村里的调解员，替我们老人说了公道话。", "协议写得清楚，对方已经按时付款。",
        "态度好，讲法律也讲人情。", "本来准备去法院起诉，调解省了不少时间和费用。"],
    4: ["总体满意，就是第一次调解约的时间等了几天。", "结果可以接受，调解员很负责。", "事情解决了，希望以后能更快一些。",
        "调解员讲得在理，对方也认了。", "满意，调解室离家近，来回方便。", "问题基本解决，后续还要看对方履行情况。",
        "服务不错，短信提醒很及时。"],
    3: ["钱是拿到了，但比我预想的少。", "调解员尽力了，可对方拖得太久。", "结果一般，双方都各退了一步。",
        "希望调解员能多讲讲法律规定，让我们心里有数。", "流程清楚，但调解前等的时间有点长。"],
    2: ["对方到现在还没有按协议履行。", "觉得调解员更照顾对方的意见。", "拖了一个多月才有结果。",
        "调解没成，只能去法院了，白跑了几趟。"],
    1: ["调解没有解决问题，对方根本不来。", "感觉走了个过场，我的诉求没有被认真听取。", "对结果不满意，准备起诉。"],
}


class Rater:
    def __init__(self, rng):
        self.rng = rng

    def ratings(self, persons, succeeded: bool, result_at: dt.datetime, visit_at: dt.datetime | None,
                satisfaction: str | None, now: dt.datetime) -> list[tuple]:
        """(party id, score, comment, rated at) for the parties of one closed case who rated;
        ``persons``: the ids of its natural-person parties, applicant first."""
        r = self.rng.random
        if result_at.date() < PUBLIC_SINCE or not persons or r() >= RATED_SHARE:
            return []
        who = [persons[0] if r() < 0.65 or len(persons) < 2 else persons[1]]
        if len(persons) > 1 and r() < BOTH_SHARE:
            who = persons[:2]
        latest = now if visit_at is None else min(now, visit_at - dt.timedelta(hours=2))
        out = []
        for i, pid in enumerate(who):
            if satisfaction is not None and i == 0:
                score = SCORES[satisfaction].pick(self.rng)
            else:
                score = SCORES["success" if succeeded else "failed"].pick(self.rng)
            comment = ""
            if r() < COMMENT_SHARE + (0.25 if score <= 2 else 0):
                texts = COMMENTS[score]
                comment = texts[int(r() * len(texts))]
            at = result_at + dt.timedelta(hours=3 + r() * 24 * (1 + 10 * r()))
            if at > latest:
                at = result_at + (latest - result_at) * (0.2 + 0.7 * r())
            if at <= result_at:
                continue
            out.append((pid, score, comment, at.replace(microsecond=0)))
        return out
