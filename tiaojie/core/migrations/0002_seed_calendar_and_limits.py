"""Seed the time limits (期限设置) and the holiday calendar (节假日与调休) from the
``chinese-calendar`` package for the years it covers; later years are entered in admin."""
import datetime as dt

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("core", "TimeLimit")
    Holiday = apps.get_model("core", "Holiday")
    from tiaojie.core.models import TimeLimit as Current

    for code, (name, value, unit) in Current.DEFAULTS.items():
        TimeLimit.objects.get_or_create(code=code, defaults={"name": name, "value": value, "unit": unit})
    try:
        import chinese_calendar
    except ImportError:  # the package is a dependency; without it the table stays for admin entry
        return
    rows = []
    existing = set(Holiday.objects.values_list("date", flat=True))
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.weekday() < 5 and day not in existing and day >= dt.date(2015, 1, 1):
            label = NAMES.get(getattr(name, "value", str(name)), "")
            rows.append(Holiday(date=day, kind="off", name=label))
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.weekday() >= 5 and day not in existing and day >= dt.date(2015, 1, 1):
            label = NAMES.get(getattr(name, "value", str(name)), "")
            rows.append(Holiday(date=day, kind="work", name=f"{label}调休" if label else "调休"))
    Holiday.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
