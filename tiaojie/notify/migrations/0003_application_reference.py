"""The 'application received' SMS gives the application reference (申请编号): an online application
has no case number until the committee accepts it (issue 12). A wording changed in admin is kept."""
from django.db import migrations

OLD = "您的调解申请已提交，将由{org_name}审查受理。案件查询码{code}，可凭查询码和本手机查询进度。"
NEW = "您的调解申请已提交（申请编号{reference}），将由{org_name}审查受理。案件查询码{code}，可凭查询码和本手机查询进度。"


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="application_received", body=OLD).update(body=NEW)


def back(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="application_received", body=NEW).update(body=OLD)


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, back)]
