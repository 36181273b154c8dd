"""The seeded content categories (内容分类, DOMAIN.md section 3): two levels; the
mediation type names the professional committee a dispute of that kind goes to."""

CATEGORIES = [
    (
        "01",
        "城乡建设",
        [
            ("0101", "城市管理", ""),
            ("0102", "住房保障", ""),
            ("0103", "物业管理", "property"),
            ("0104", "征收拆迁", ""),
        ],
    ),
    (
        "02",
        "农业农村",
        [("0201", "土地承包", "land"), ("0202", "宅基地", "land"), ("0203", "村务管理", "")],
    ),
    ("03", "自然资源", [("0301", "土地征收", "land"), ("0302", "矿产", "")]),
    (
        "04",
        "劳动和社会保障",
        [("0401", "劳资纠纷/欠薪", "labor"), ("0402", "社会保险", ""), ("0403", "退休待遇", "")],
    ),
    (
        "05",
        "生态环境",
        [
            ("0501", "大气", "environment"),
            ("0502", "水", "environment"),
            ("0503", "噪声", "environment"),
        ],
    ),
    ("06", "交通运输", [("0601", "交通事故", "traffic"), ("0602", "道路建设", "")]),
    ("07", "卫生健康", [("0701", "医疗纠纷", "medical"), ("0702", "医疗保障", "")]),
    ("08", "教育", [("0801", "入学", ""), ("0802", "校园安全", "education")]),
    ("09", "市场监管", [("0901", "消费维权", "consumer"), ("0902", "食品安全", "")]),
    ("10", "政法", [("1001", "涉法涉诉", ""), ("1002", "治安", "")]),
    ("11", "民政", [("1101", "低保", ""), ("1102", "救助", "")]),
    ("12", "纪检监察", [("1201", "检举控告", "")]),
    ("13", "组织人事", [("1301", "组织人事", "")]),
    ("99", "其他", [("9901", "其他", "")]),
]


def seed_categories(Category) -> int:
    """Create the missing seeded categories (idempotent). Takes the model so a
    data migration can pass its historical model."""
    made = 0
    for order, (code, name, children) in enumerate(CATEGORIES):
        parent, created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        made += created
        for child_order, (child_code, child_name, mtype) in enumerate(children):
            _, created = Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "mediation_type": mtype,
                    "sort_order": child_order,
                },
            )
            made += created
    return made
