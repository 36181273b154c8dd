"""The written notices' default wording under the 信访工作条例 (2022), which
superseded the 2005 信访条例 (issue 10).

Articles are no longer typed into the texts: a notice cites them through the
`law` placeholder ({{ law.handle_period }} → 《信访工作条例》第三十四条), so the next
amendment is one edit in xinfang/core/law.py. A template still holding the 2006
default is replaced; one an administrator had edited is left alone and flagged
(`needs_review`) on its admin page.
"""

import importlib

from django.db import migrations

OLD = importlib.import_module("xinfang.core.migrations.0006_seed_notice_templates")

ACCEPT = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），经审查，属于本机关职权范围，本机关已于{{ decided_on }}决定受理。
{% if purpose_code == "appeal" %}根据{{ law.handle_period }}的规定，本机关将自受理之日起60日内办结，并于{{ due_date }}前向您出具书面处理意见；情况复杂需要延长办理期限的，将另行书面告知延期理由。{% else %}本机关将认真研究办理，并向您书面答复。{% endif %}
办理期间，如有新的情况或者证据材料，您可以向本机关补充提供。请您依法、有序反映诉求。
特此告知。"""

DECLINE = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），经审查，本机关决定不予受理。
{% if route_code == "no_longer_accepted" %}您反映的事项与已经复核终结的信访事项{% if same_as %}（编号：{{ same_as }}）{% endif %}属于同一事实和理由。根据{{ law.no_longer_accepted }}的规定，信访人对复核意见不服，仍以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。{% elif route_code == "other_organ" %}您反映的事项不属于本机关职权范围。根据{{ law.not_competent }}的规定，请您向有权处理的机关、单位提出。{% else %}您反映的事项应当通过{{ route }}途径解决。根据{{ law.other_procedures }}的规定，请您依照有关法律、法规规定的程序，向{% if route_code == "litigation" %}有管辖权的人民法院{% elif route_code == "arbitration" %}有管辖权的仲裁机构{% else %}有权的行政复议机关{% endif %}提出。{% endif %}
{% if text %}具体说明：{{ text }}{% endif %}
特此告知。"""

EXTEND = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），本机关已于{{ accepted_on }}依法受理。
因该事项情况复杂，难以在60日内办结，根据{{ law.handle_period }}的规定，经本机关负责人批准，办理期限延长{{ days }}日。本机关将于{{ due_date }}前向您出具书面处理意见。
延期理由：{{ text }}
特此告知。"""

REPLY = """\
您于{{ received_on }}提出的信访事项（编号：{{ number }}；事由：{{ summary }}），本机关已于{{ accepted_on }}依法受理。根据{{ law.opinion }}的规定，现出具处理意见如下：
一、您的请求：{{ petitioner_request }}
二、经调查核实的事实和理由：{{ facts }}
三、处理意见：{{ text }}
处理结果：{{ outcome }}。
四、适用的法律、法规和政策：{{ legal_basis }}
{% if purpose_code == "appeal" %}如您对本处理意见不服，可以自收到本意见书之日起30日内{% if window_ends_on %}（至{{ window_ends_on }}止）{% endif %}，依照{{ law.review }}的规定向{{ next_unit }}请求复查。逾期未请求复查的，本事项办结。{% else %}本意见是对您所提{% if purpose_code == "suggestion" %}建议意见{% else %}检举控告{% endif %}的答复。{% endif %}"""

REVIEW_REPLY = """\
您不服{{ responsible_unit }}就您的信访事项（编号：{{ number }}；事由：{{ summary }}）作出的处理意见，于{{ requested_on }}请求复查。根据{{ law.review }}的规定，本机关进行了复查，现提出复查意见如下：
一、您的请求：{{ petitioner_request }}
二、经复查查明的事实和理由：{{ facts }}
三、复查意见：{{ text }}
复查结果：{{ outcome }}。
四、适用的法律、法规和政策：{{ legal_basis }}
如您对本复查意见不服，可以自收到本意见书之日起30日内{% if window_ends_on %}（至{{ window_ends_on }}止）{% endif %}，依照{{ law.re_review }}的规定向{{ next_unit }}请求复核。逾期未请求复核的，本事项办结。"""

RE_REVIEW_REPLY = """\
您不服{{ review_unit }}就您的信访事项（编号：{{ number }}；事由：{{ summary }}）作出的复查意见，于{{ requested_on }}请求复核。根据{{ law.re_review }}的规定，本机关进行了复核，现提出复核意见如下：
一、您的请求：{{ petitioner_request }}
二、经复核查明的事实和理由：{{ facts }}
三、复核意见：{{ text }}
复核结果：{{ outcome }}。
四、适用的法律、法规和政策：{{ legal_basis }}
本复核意见为终结意见。根据{{ law.no_longer_accepted }}的规定，您对本复核意见不服，仍以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。"""

NEW = {
    "accept": ("信访事项受理告知书", ACCEPT),
    "decline": ("信访事项不予受理告知书", DECLINE),
    "extend": ("信访事项延期办理告知书", EXTEND),
    "reply": ("信访处理意见书", REPLY),
    "review_reply": ("信访事项复查意见书", REVIEW_REPLY),
    "re_review_reply": ("信访事项复核意见书", RE_REVIEW_REPLY),
}


def forward(apps, schema_editor):
    NoticeTemplate = apps.get_model("core", "NoticeTemplate")
    old = {kind: (title, body) for kind, title, body in OLD.DEFAULTS}
    for kind, (title, body) in NEW.items():
        row = NoticeTemplate.objects.filter(kind=kind).first()
        if row is None:
            NoticeTemplate.objects.create(kind=kind, title=title, body=body, basis="{{ basis }}")
        elif (row.title, row.body.strip(), row.basis) == (
            old[kind][0],
            old[kind][1].strip(),
            "{{ basis }}",
        ):
            row.title, row.body = title, body
            row.save(update_fields=["title", "body"])
        else:
            row.needs_review = True
            row.save(update_fields=["needs_review"])


def backward(apps, schema_editor):
    NoticeTemplate = apps.get_model("core", "NoticeTemplate")
    old = {kind: (title, body) for kind, title, body in OLD.DEFAULTS}
    for kind, (title, body) in NEW.items():
        NoticeTemplate.objects.filter(kind=kind, body=body).update(
            title=old[kind][0], body=old[kind][1]
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notice_template_needs_review")]

    operations = [migrations.RunPython(forward, backward)]
