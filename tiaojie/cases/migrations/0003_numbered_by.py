"""Cases keep their number when they move: the number series is ``numbered_by``, not the
handling organization."""
import django.db.models.deletion
from django.db import migrations, models


def copy_org(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(numbered_by__isnull=True).update(numbered_by=models.F("organization"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_dispute_types"), ("orgs", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="case", name="uniq_case_seq"),
        migrations.AddField(
            model_name="case", name="numbered_by",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.organization", verbose_name="编号单位",
                                    help_text="案号所属的编号序列；移交后承办单位可变，案号不变"),
        ),
        migrations.RunPython(copy_org, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case", name="numbered_by",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.organization", verbose_name="编号单位",
                                    help_text="案号所属的编号序列；移交后承办单位可变，案号不变"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("numbered_by", "year", "seq"), name="uniq_case_seq"),
        ),
    ]
