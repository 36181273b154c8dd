"""The Wugang-shaped demo tree and the demo users (DOMAIN.md section 2).

舞钢市 is a county-level city in Henan; its 13 townships and sub-districts are
real names, the villages and communities under them are illustrative.
"""

from .models import Level, MediationType, Role, UnitKind

CITY = ("410481", "舞钢市")
# The organ above the top of the tree: it reviews the city's answers and
# re-reviews its reviews (信访工作条例 Art. 35, 36), outside this system.
CITY_SUPERIOR = "平顶山市人民政府"

# (code suffix, name, kind of place: "street" sub-district with communities, or "town")
TOWNSHIPS = [
    ("001", "垭口街道", "street"),
    ("002", "寺坡街道", "street"),
    ("003", "院岭街道", "street"),
    ("004", "矿建街道", "street"),
    ("005", "朱兰街道", "street"),
    ("101", "枣林镇", "town"),
    ("102", "八台镇", "town"),
    ("103", "尹集镇", "town"),
    ("104", "尚店镇", "town"),
    ("201", "武功乡", "town"),
    ("202", "杨庄乡", "town"),
    ("203", "庙街乡", "town"),
    ("204", "铁山乡", "town"),
]

# Approximate centres (latitude, longitude; WGS-84) of the townships, for the map of
# matters by place: read off a general map of 舞钢市 to about a kilometre, not
# surveyed boundaries. The map needs only where each township lies relative to
# the others.
TOWNSHIP_CENTRES = {
    "001": (33.307, 113.527),  # 垭口街道
    "002": (33.293, 113.552),  # 寺坡街道
    "003": (33.318, 113.503),  # 院岭街道
    "004": (33.272, 113.545),  # 矿建街道
    "005": (33.330, 113.570),  # 朱兰街道
    "101": (33.250, 113.615),  # 枣林镇
    "102": (33.372, 113.600),  # 八台镇
    "103": (33.345, 113.462),  # 尹集镇
    "104": (33.215, 113.485),  # 尚店镇
    "201": (33.405, 113.405),  # 武功乡
    "202": (33.185, 113.560),  # 杨庄乡
    "203": (33.225, 113.385),  # 庙街乡
    "204": (33.262, 113.440),  # 铁山乡
}

COMMUNITY_NAMES = ["建设路社区", "人民路社区", "钢城社区", "新华社区", "朝阳社区", "湖滨社区"]
VILLAGE_NAMES = ["张庄村", "李湾村", "王沟村", "刘楼村", "陈岗村", "赵庄村", "孙寨村", "杨店村"]
PLACES_PER_TOWNSHIP = 4

DEPARTMENTS = [
    "市委办公室",
    "市政府办公室",
    "市纪委监委",
    "市委组织部",
    "市委宣传部",
    "市委政法委",
    "市人民法院",
    "市人民检察院",
    "市公安局",
    "市司法局",
    "市发展和改革委员会",
    "市教育局",
    "市工业和信息化局",
    "市民政局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化广电和旅游局",
    "市卫生健康委员会",
    "市退役军人事务局",
    "市应急管理局",
    "市审计局",
    "市市场监督管理局",
    "市医疗保障局",
    "市统计局",
    "市林业局",
    "市总工会",
    "市妇女联合会",
]

COMMITTEES = [
    (MediationType.TRAFFIC, "舞钢市道路交通事故纠纷人民调解委员会"),
    (MediationType.MEDICAL, "舞钢市医疗纠纷人民调解委员会"),
    (MediationType.ENVIRONMENT, "舞钢市环境污染纠纷人民调解委员会"),
    (MediationType.LAND, "舞钢市土地纠纷人民调解委员会"),
    (MediationType.EDUCATION, "舞钢市教育纠纷人民调解委员会"),
    (MediationType.CONSUMER, "舞钢市消费纠纷人民调解委员会"),
    (MediationType.LABOR, "舞钢市劳动争议人民调解委员会"),
    (MediationType.PROPERTY, "舞钢市物业纠纷人民调解委员会"),
]

PETITION_OFFICE = ("410481-XF", "市委群工部（市信访局）")
CITY_RECEPTION = ("410481-JD", "舞钢市群众来访接待中心")
CITY_MEDIATION = ("410481-TJ", "舞钢市群众诉求纠纷调解中心")

TOWNSHIP_A = "410481102"  # 八台镇
TOWNSHIP_B = "410481101"  # 枣林镇

# username -> (full name, unit code, role). `handler`/`liaison` sit in township A,
# `handler2`/`liaison2` in township B, so that scoping can be seen.
DEMO_USERS = [
    ("clerk", "李梅", CITY_RECEPTION[0], Role.CLERK),
    ("dispatcher", "王建国", PETITION_OFFICE[0], Role.DISPATCHER),
    ("handler", "张伟", TOWNSHIP_A, Role.HANDLER),
    ("handler2", "赵磊", TOWNSHIP_B, Role.HANDLER),
    ("unit_head", "陈志强", TOWNSHIP_A, Role.UNIT_HEAD),
    ("supervisor", "刘芳", PETITION_OFFICE[0], Role.SUPERVISOR),
    ("leader", "孙国庆", CITY[0], Role.LEADER),
    ("liaison", "周海", TOWNSHIP_A + "001", Role.LIAISON),
    ("liaison2", "吴强", TOWNSHIP_B + "001", Role.LIAISON),
    ("mediator", "郑秀英", CITY_MEDIATION[0], Role.MEDIATOR),
    ("analyst", "何静", CITY[0], Role.ANALYST),
    # The city government's handler reviews the townships' and departments' answers
    # (one level up); re-review of the city's reviews goes to CITY_SUPERIOR, outside.
    ("reviewer", "冯立", CITY[0], Role.HANDLER),
]


def demo_units():
    """Yield (code, name, kind, level, parent code, mediation type) in creation order."""
    yield CITY[0], CITY[1], UnitKind.TERRITORIAL, Level.CITY, None, ""
    yield (*PETITION_OFFICE, UnitKind.PETITION_OFFICE, Level.CITY, CITY[0], "")
    yield (*CITY_RECEPTION, UnitKind.RECEPTION_CENTRE, Level.CITY, CITY[0], "")
    yield (*CITY_MEDIATION, UnitKind.MEDIATION_CENTRE, Level.CITY, CITY[0], "")
    for i, (mtype, name) in enumerate(COMMITTEES, start=1):
        yield (
            f"410481-TJ{i:02d}",
            name,
            UnitKind.MEDIATION_COMMITTEE,
            Level.CITY,
            CITY_MEDIATION[0],
            mtype,
        )
    for i, name in enumerate(DEPARTMENTS, start=1):
        yield f"410481-B{i:02d}", name, UnitKind.DEPARTMENT, Level.CITY, CITY[0], ""
    for suffix, name, shape in TOWNSHIPS:
        code = CITY[0] + suffix
        yield code, name, UnitKind.TERRITORIAL, Level.TOWNSHIP, CITY[0], ""
        yield (
            f"{code}-JD",
            f"{name}群众来访接待中心",
            UnitKind.RECEPTION_CENTRE,
            Level.TOWNSHIP,
            code,
            "",
        )
        yield (
            f"{code}-TJ",
            f"{name}群众诉求纠纷调解中心",
            UnitKind.MEDIATION_CENTRE,
            Level.TOWNSHIP,
            code,
            "",
        )
        names = COMMUNITY_NAMES if shape == "street" else VILLAGE_NAMES
        offset = int(suffix) % len(names)
        for j in range(PLACES_PER_TOWNSHIP):
            vcode = f"{code}{j + 1:03d}"
            vname = names[(offset + j) % len(names)]
            yield vcode, vname, UnitKind.TERRITORIAL, Level.VILLAGE, code, ""
            yield (
                f"{vcode}-TJ",
                f"{name}{vname}调解室",
                UnitKind.MEDIATION_CENTRE,
                Level.VILLAGE,
                vcode,
                "",
            )
