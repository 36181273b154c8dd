"""The default wording of the six written notices (书面告知) of a petition matter.

Data, not code: an administrator edits these in the admin. The articles cited are
those of 信访条例 (2005) that the petition services already record on each event.
Existing rows are left alone, so re-running never overwrites an edited text.
"""

from django.db import migrations

ACCEPT = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），经审查，属于本机关法定职权范围，符合受理条件，本机关已于{{ decided_on }}决定受理。
根据《信访条例》第三十三条的规定，本机关将自受理之日起60日内办结，并于{{ due_date }}前向您出具书面处理意见；情况复杂需要延长办理期限的，将另行书面告知延期理由。
办理期间，如有新的情况或者证据材料，您可以向本机关补充提供。请您依法、有序反映诉求。
特此告知。"""

DECLINE = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），经审查，本机关决定不予受理。
{% if route_code == "no_longer_accepted" %}您反映的事项与已经复核终结的信访事项{% if same_as %}（编号：{{ same_as }}）{% endif %}属于同一事实和理由。根据《信访条例》第三十五条的规定，信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级人民政府信访工作机构和其他行政机关不再受理。{% elif route_code == "other_organ" %}您反映的事项不属于本机关法定职权范围。根据《信访条例》第二十一条、第二十二条的规定，请您向有权处理的机关提出。{% else %}您反映的事项依法应当通过{{ route }}途径解决。根据《信访条例》第十四条、第二十一条的规定，请您依照有关法律、行政法规规定的程序，向{% if route_code == "litigation" %}有管辖权的人民法院{% elif route_code == "arbitration" %}有管辖权的仲裁机构{% else %}有权的行政复议机关{% endif %}提出。{% endif %}
{% if text %}具体说明：{{ text }}{% endif %}
特此告知。"""

EXTEND = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），本机关已于{{ accepted_on }}依法受理。
因该事项情况复杂，难以在60日内办结，根据《信访条例》第三十三条的规定，经本机关负责人批准，办理期限延长{{ days }}日。本机关将于{{ due_date }}前向您出具书面处理意见。
延期理由：{{ text }}
特此告知。"""

REPLY = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），本机关已于{{ accepted_on }}依法受理。经调查核实，根据《信访条例》第三十二条的规定，现提出处理意见如下：
{{ text }}
处理结果：{{ outcome }}。
如您对本处理意见不服，可以自收到本意见书之日起30日内（至{{ window_ends_on }}止），向{{ next_unit }}请求复查。逾期未请求复查的，本事项办结。"""

REVIEW_REPLY = """\
您不服{{ responsible_unit }}就您的信访事项（编号：{{ number }}；事由：{{ summary }}）作出的处理意见，于{{ requested_on }}请求复查。根据《信访条例》第三十四条的规定，本机关进行了复查，现提出复查意见如下：
{{ text }}
复查结果：{{ outcome }}。
如您对本复查意见不服，可以自收到本意见书之日起30日内（至{{ window_ends_on }}止），向{{ next_unit }}请求复核。逾期未请求复核的，本事项办结。"""

RE_REVIEW_REPLY = """\
您不服{{ review_unit }}就您的信访事项（编号：{{ number }}；事由：{{ summary }}）作出的复查意见，于{{ requested_on }}请求复核。根据《信访条例》第三十五条的规定，本机关进行了复核，现提出复核意见如下：
{{ text }}
复核结果：{{ outcome }}。
本复核意见为终结意见。您对本复核意见不服，仍然以同一事实和理由提出投诉请求的，各级人民政府信访工作机构和其他行政机关不再受理。"""

DEFAULTS = [
    ("accept", "信访事项受理告知书", ACCEPT),
    ("decline", "信访事项不予受理告知书", DECLINE),
    ("extend", "信访事项延期办理告知书", EXTEND),
    ("reply", "信访事项处理意见书", REPLY),
    ("review_reply", "信访事项复查意见书", REVIEW_REPLY),
    ("re_review_reply", "信访事项复核意见书", RE_REVIEW_REPLY),
]


def seed(apps, schema_editor):
    NoticeTemplate = apps.get_model("core", "NoticeTemplate")
    for kind, title, body in DEFAULTS:
        NoticeTemplate.objects.get_or_create(
            kind=kind, defaults={"title": title, "body": body, "basis": "{{ basis }}"}
        )


def unseed(apps, schema_editor):
    NoticeTemplate = apps.get_model("core", "NoticeTemplate")
    NoticeTemplate.objects.filter(kind__in=[kind for kind, _t, _b in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_noticetemplate")]

    operations = [migrations.RunPython(seed, unseed)]
