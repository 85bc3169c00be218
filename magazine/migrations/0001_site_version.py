import time

from django.db import migrations, models


def create_the_row(apps, schema_editor):
    # Microseconds since the epoch: a database created later never starts below pages that a shared cache may
    # still hold from an older one.
    apps.get_model("magazine", "SiteVersion").objects.get_or_create(id=1, defaults={"value": time.time_ns() // 1000})


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SiteVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField()),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="site_version_single_row")],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
