#!/usr/bin/env python
"""Quality of the near-duplicate detector (search.related): precision and recall
of "similar content" at thresholds, on a labelled set of pairs (issue 16).

    .venv/bin/python bench/related_quality.py            # 300 base matters, seed 16
    .venv/bin/python bench/related_quality.py --bases 600 --seed 7

The set is built from the demo generator's grievances (bench/petitions.py:
TOPICS, FILLER; the demo tree's villages, orgs.demo.VILLAGE_NAMES) with an
employer, project or place named in each text. For every base matter:
- a duplicate (positive): the same complaint registered again, its sentences
  reordered, one dropped or added, punctuation changed;
- a paraphrase (positive): the same grievance about the same employer or place
  in other words (another of the topic's hand-written phrasings, synonyms such as
  欠薪 for 拖欠工资, other filler);
- two unrelated matters (negative): another topic, another employer or place;
- a hard negative: the same kind of grievance about another employer or place,
  in other words (a different matter the office must not take for a repeat).
Precision and recall are printed at each threshold for all pairs, and without
the hard negatives; the score is the detector's (`related.vector`, `cosine`:
TF-IDF over jieba's words, synonyms folded, the user dictionary of the demo
tree). Only the scoring is measured here: the full-text candidate step before
it (`related.similar`) finds every positive pair of this set, since they share
their best keywords. Runs on a scratch SQLite database (migrate, seed_demo).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_petitions", ROOT / "bench" / "petitions.py")
bp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bp)

NAMES = [
    "宏达",
    "鑫源",
    "华盛",
    "永丰",
    "金辉",
    "富民",
    "盛世",
    "恒通",
    "天成",
    "润泽",
    "长兴",
    "东方",
]
# Per topic of the generator: how its subject is named, and several phrasings of
# the same grievance ({x}: the employer, project or place).
PHRASINGS = {
    "拖欠农民工工资": (
        "{n}建筑公司",
        [
            "{x}拖欠我们工资，多次讨要未果",
            "在{x}工地干活，老板欠薪好几个月，去要钱一直不给",
            "{x}的工钱到现在没有结清，老板总是推脱",
        ],
    ),
    "土地征收补偿": (
        "{v}",
        [
            "{x}征地补偿款一直没有发放到位",
            "{x}的土地被征收了，补偿款至今没有拿到",
            "征收{x}耕地的补偿迟迟不兑现",
        ],
    ),
    "宅基地纠纷": (
        "{v}",
        [
            "{x}邻居占用我家宅基地建房，村委会调解不成",
            "我家在{x}的宅基地被邻居强占盖房",
            "{x}有人侵占我家宅基地，调解没有结果",
        ],
    ),
    "低保资格": (
        "{v}",
        [
            "家庭困难申请低保，{x}评议不公平",
            "{x}低保评定不公，困难户评不上",
            "我家在{x}生活困难，申请最低生活保障被拒",
        ],
    ),
    "噪音扰民": (
        "{n}机械厂",
        [
            "{x}夜间生产噪音很大，影响休息",
            "{x}晚上机器轰鸣，噪声扰民睡不着",
            "附近{x}深夜开工，噪音吵得无法入睡",
        ],
    ),
    "物业服务": (
        "{n}小区",
        [
            "{x}物业收费高、服务差，电梯经常停运",
            "{x}的物业服务差，电梯坏了没人修还涨物业费",
            "{x}物业公司只收费不管事，电梯老是停",
        ],
    ),
    "道路破损": (
        "{v}",
        [
            "{x}道路坑洼不平，雨天无法通行",
            "{x}的路坏了多年没人修，下雨出不了门",
            "通往{x}的道路破损严重，群众出行困难",
        ],
    ),
    "医疗纠纷": (
        "{n}医院",
        [
            "在{x}治疗后病情加重，要求医院给个说法",
            "{x}治疗失误导致病情恶化，要求赔偿",
            "家人在{x}看病后反而加重，医院拒不解释",
        ],
    ),
    "环境污染": (
        "{n}养殖场",
        [
            "{x}粪污直排，河水发臭",
            "{x}污水乱排，附近河道臭气熏天",
            "{x}排放粪便污染河流，气味难闻",
        ],
    ),
    "社保转移": (
        "{n}公司",
        [
            "从{x}离职后养老保险关系转移多次未办成",
            "{x}一直不给办养老保险转移手续",
            "在{x}缴的社保转不出来，跑了很多次",
        ],
    ),
    "房屋质量": (
        "{n}花园",
        [
            "新买的{x}商品房墙体开裂、屋顶漏水",
            "{x}楼盘交房后墙体裂缝，屋顶渗水",
            "{x}的房子质量差，墙裂了还漏雨",
        ],
    ),
    "退役军人待遇": (
        "{v}",
        [
            "我是{x}的退役军人，退役后安置待遇一直未落实",
            "{x}退伍老兵的安置待遇至今没有兑现",
            "退役回到{x}后，应有的优抚待遇没有落实",
        ],
    ),
}


def subject(topic: str, r: random.Random, villages: list[str]) -> str:
    pattern = PHRASINGS[topic][0]
    return pattern.format(n=r.choice(NAMES), v=r.choice(villages))


def text(topic: str, x: str, phrasing: int, r: random.Random) -> str:
    body = PHRASINGS[topic][1][phrasing].format(x=x)
    filler = r.sample(bp.FILLER, r.randint(1, 3))
    return f"{x}{topic}\n{body}。{''.join(filler)}"


def duplicate(t: str, r: random.Random) -> str:
    title, rest = t.split("\n", 1)
    sentences = [s for s in rest.replace("。", "。|").split("|") if s]
    r.shuffle(sentences)
    if len(sentences) > 2 and r.random() < 0.5:
        sentences.pop()
    elif r.random() < 0.5:
        sentences.append(r.choice(bp.FILLER))
    joined = "".join(sentences)
    return title + "\n" + (joined.replace("，", ",") if r.random() < 0.5 else joined)


def build_pairs(bases: int, seed: int, villages: list[str]):
    r = random.Random(seed)
    topics = list(PHRASINGS)
    pairs = []  # (a, b, label, kind)
    for _ in range(bases):
        topic = r.choice(topics)
        x = subject(topic, r, villages)
        k = r.randrange(3)
        base = text(topic, x, k, r)
        pairs.append((base, duplicate(base, r), True, "duplicate"))
        other_k = r.choice([i for i in range(3) if i != k])
        pairs.append((base, text(topic, x, other_k, r), True, "paraphrase"))
        for _ in range(2):
            t2 = r.choice([t for t in topics if t != topic])
            pairs.append(
                (base, text(t2, subject(t2, r, villages), r.randrange(3), r), False, "unrelated")
            )
        y = subject(topic, r, villages)
        while y == x:
            y = subject(topic, r, villages)
        pairs.append((base, text(topic, y, other_k, r), False, "hard negative"))
    return pairs


def table(scored, thresholds, title):
    print(f"\n{title}")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}")
    rows = []
    for t in thresholds:
        tp = sum(1 for s, y in scored if s >= t and y)
        fp = sum(1 for s, y in scored if s >= t and not y)
        fn = sum(1 for s, y in scored if s < t and y)
        p = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        rows.append((t, p, rec))
        print(f"{t:>9.2f} {p:>9.3f} {rec:>7.3f} {tp:>5} {fp:>5} {fn:>5}")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--bases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="xinfang-quality-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        DATA_DIR=tmp,
    )
    import django

    django.setup()
    from django.core.management import call_command

    from xinfang.orgs.demo import VILLAGE_NAMES
    from xinfang.search import related

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    print(f"== near-duplicate detector quality (search.related) ==\ncode: {bp.code_version()}")
    pairs = build_pairs(args.bases, args.seed, VILLAGE_NAMES)
    counts = {}
    for *_, kind in pairs:
        counts[kind] = counts.get(kind, 0) + 1
    print(f"pairs: {len(pairs)} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    t0 = time.perf_counter()
    canonical = related._canonical()
    scored = []
    for a, b, label, kind in pairs:
        s = related.cosine(related.vector(a, canonical), related.vector(b, canonical))
        scored.append((s, label, kind))
    print(f"scored in {time.perf_counter() - t0:.1f} s")
    for kind in counts:
        values = sorted(s for s, _, k in scored if k == kind)
        print(
            f"  {kind:<14} score min {values[0]:.2f}  median {values[len(values) // 2]:.2f}  "
            f"max {values[-1]:.2f}"
        )
    thresholds = [round(0.05 * i, 2) for i in range(2, 15)]
    table([(s, y) for s, y, _ in scored], thresholds, "All pairs (hard negatives included)")
    table(
        [(s, y) for s, y, k in scored if k != "hard negative"],
        thresholds,
        "Without the hard negatives",
    )
    print(f"\nin use: SIMILARITY_THRESHOLD = {related.SIMILARITY_THRESHOLD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
