#!/usr/bin/env python
"""Accuracy of the routing suggestions (search.routing) on held-out history.

    .venv/bin/python bench/routing.py                 # 3,000 matters, seed 16

A history of concluded matters in the order they were received, built from the
demo generator's grievances (the phrasings of bench/related_quality.py, with
the employer, project or village named), each with the category and the
responsible unit an office would have given it; NOISE of them (15 %) got
another category and unit, as real history holds mistakes and borderline
cases. The model is trained on the earlier matters and asked about the later
20 % it has not seen; top-1 and top-3 accuracy of the category and the unit are
printed, for growing lengths of history (which is why nothing is suggested
under XINFANG_ROUTING_MIN_HISTORY). Runs on a scratch SQLite database (migrate,
seed_demo: the user dictionary and the synonyms).
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
_spec = importlib.util.spec_from_file_location(
    "bench_quality", ROOT / "bench" / "related_quality.py"
)
rq = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rq)

TOWNSHIPS = ["八台镇", "尚店镇", "杨庄乡"]
# topic -> (category, responsible unit; "township": the village's township)
ROUTES = {
    "拖欠农民工工资": ("劳资纠纷/欠薪", "市人力资源和社会保障局"),
    "土地征收补偿": ("土地征收", "市自然资源局"),
    "宅基地纠纷": ("宅基地", "township"),
    "低保资格": ("低保", "township"),
    "噪音扰民": ("噪声", "市生态环境局"),
    "物业服务": ("物业管理", "市住房和城乡建设局"),
    "道路破损": ("道路建设", "市交通运输局"),
    "医疗纠纷": ("医疗纠纷", "市卫生健康委员会"),
    "环境污染": ("水", "市生态环境局"),
    "社保转移": ("社会保险", "市人力资源和社会保障局"),
    "房屋质量": ("住房保障", "市住房和城乡建设局"),
    "退役军人待遇": ("其他", "市退役军人事务局"),
}
NOISE = 0.15


def history(n: int, seed: int, villages: list[str]):
    r = random.Random(seed)
    topics = list(ROUTES)
    township_of = {v: TOWNSHIPS[i % len(TOWNSHIPS)] for i, v in enumerate(villages)}
    rows = []
    for _ in range(n):
        topic = r.choice(topics)
        x = rq.subject(topic, r, villages)
        text = rq.text(topic, x, r.randrange(3), r)
        category, unit = ROUTES[topic]
        if unit == "township":
            village = next((v for v in villages if v in text), villages[0])
            unit = township_of[village]
        if r.random() < NOISE:
            other = ROUTES[r.choice(topics)]
            category = other[0]
            unit = other[1] if other[1] != "township" else r.choice(TOWNSHIPS)
        rows.append((text, category, unit))
    return rows


def accuracy(model, test, top):
    from xinfang.search import routing

    hits = 0
    for words, label in test:
        ranked = [k for k, *_ in routing.predict(model, words, top=top)]
        hits += label in ranked
    return hits / len(test)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--matters", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="xinfang-routing-")
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
    from xinfang.search import related, routing

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    print(f"== routing suggestions: accuracy on held-out history ==\ncode: {rq.bp.code_version()}")
    rows = history(args.matters, args.seed, VILLAGE_NAMES)
    canonical = related._canonical()
    t0 = time.perf_counter()
    feats = [(routing.features(text, canonical), c, u) for text, c, u in rows]
    print(f"{len(rows)} matters segmented in {time.perf_counter() - t0:.1f} s; noise {NOISE:.0%}")
    cut = int(len(feats) * 0.8)
    held = feats[cut:]
    print(f"held out: the latest {len(held)} matters")
    print(f"{'history':>8} {'cat top1':>9} {'cat top3':>9} {'unit top1':>10} {'unit top3':>10}")
    for n in (50, 100, 200, 500, 1000, cut):
        if n > cut:
            continue
        train = feats[cut - n : cut]
        t1 = time.perf_counter()
        cat = routing.fit([(w, c) for w, c, _ in train])
        unit = routing.fit([(w, u) for w, _, u in train])
        fit_s = time.perf_counter() - t1
        print(
            f"{n:>8} {accuracy(cat, [(w, c) for w, c, _ in held], 1):>9.3f} "
            f"{accuracy(cat, [(w, c) for w, c, _ in held], 3):>9.3f} "
            f"{accuracy(unit, [(w, u) for w, _, u in held], 1):>10.3f} "
            f"{accuracy(unit, [(w, u) for w, _, u in held], 3):>10.3f}   (fit {fit_s:.2f} s)"
        )
    ceiling = 1 - NOISE + NOISE / len(ROUTES)
    print(f"ceiling with {NOISE:.0%} noisy labels: about {ceiling:.3f} top-1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
