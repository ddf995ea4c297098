"""An online application is numbered when its committee accepts it (issue 12): ``Case.seq`` may
be empty, and online applications still awaiting acceptance give their number back — it becomes
an application reference (申请编号); a number at the end of its series is returned to the counter,
one in the middle stays a gap (it was already issued)."""
import secrets

from django.db import migrations, models
from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def unnumber_pending_applications(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Counter = apps.get_model("cases", "CaseNumberCounter")
    pending = Case.objects.filter(status="registered", intake__via="public", seq__isnull=False)
    freed: dict[tuple[int, int], set[int]] = {}
    for case in pending.order_by("pk"):
        freed.setdefault((case.numbered_by_id, case.year), set()).add(case.seq)
        day = timezone.localtime(case.registered_at).strftime("%Y%m%d")
        while True:
            ref = f"网申{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
            if not Case.objects.filter(number=ref).exists():
                break
        Case.objects.filter(pk=case.pk).update(number=ref, seq=None)
    for (org_id, year), seqs in freed.items():
        counter = Counter.objects.filter(organization_id=org_id, year=year).first()
        if counter is None:
            continue
        last = counter.last
        while last in seqs:
            last -= 1
        if last != counter.last:
            Counter.objects.filter(pk=counter.pk).update(last=last)


def number_again(apps, schema_editor):
    """Back: every unnumbered application takes the next number of its committee's series."""
    Case = apps.get_model("cases", "Case")
    Counter = apps.get_model("cases", "CaseNumberCounter")
    Organization = apps.get_model("orgs", "Organization")
    from django.conf import settings

    for case in Case.objects.filter(seq__isnull=True).order_by("pk"):
        org = Organization.objects.get(pk=case.organization_id)
        counter, _ = Counter.objects.get_or_create(organization_id=org.pk, year=case.year, defaults={"last": 0})
        counter.last += 1
        counter.save(update_fields=["last"])
        pattern = org.case_number_pattern or settings.TIAOJIE_CASE_NUMBER_PATTERN
        Case.objects.filter(pk=case.pk).update(seq=counter.last, numbered_by_id=org.pk,
                                               number=pattern.format(year=case.year, abbr=org.abbr, seq=counter.last))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_redundant_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="seq",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="序号"),
        ),
        migrations.RunPython(unnumber_pending_applications, number_again, elidable=True),
    ]
