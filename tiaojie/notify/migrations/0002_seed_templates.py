from django.db import migrations

TEMPLATES = [
    ("otp", "短信验证码", "", "验证码{code}，用于{purpose}，{minutes}分钟内有效。请勿告诉他人。"),
    ("application_received", "调解申请已提交", "调解申请已提交",
     "您的调解申请已提交，将由{org_name}审查受理。案件查询码{code}，可凭查询码和本手机查询进度。"),
    ("application_accepted", "调解申请已受理", "调解申请已受理",
     "您申请调解的纠纷已由{org_name}受理，案号{case_number}，查询码{code}。联系电话：{org_phone}。"),
    ("application_declined", "调解申请不予受理", "调解申请不予受理",
     "{org_name}决定对您的调解申请不予受理，理由：{reason}。您可凭查询码{code}查看告知书；也可以向其他调解组织、"
     "人民法院或仲裁机构寻求解决。"),
    ("session_scheduled", "调解时间地点通知", "调解时间地点通知",
     "案件{case_number}定于{when}在{place}调解，请准时参加。如有疑问请联系{org_name}：{org_phone}。"),
    ("agreement_ready", "调解协议待签署", "调解协议待签署",
     "案件{case_number}的调解协议已由{org_name}发出，请凭查询码{code}在手机上阅读并签名确认，也可到调委会现场签字。"),
    ("jc_reminder", "司法确认申请提醒", "司法确认申请提醒",
     "案件{case_number}的调解协议自生效之日起30日内可共同向人民法院申请司法确认，距截止还有{days}天。"),
    ("follow_up_request", "调解回访", "调解回访",
     "案件{case_number}已办结，请凭查询码{code}对本次调解作出评价，感谢您的支持。"),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, name, subject, body in TEMPLATES:
        MessageTemplate.objects.update_or_create(code=code, defaults={"name": name, "subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
