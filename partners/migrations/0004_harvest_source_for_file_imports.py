import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_staff_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="harvestsource",
            name="organisation",
            field=models.ForeignKey(
                help_text="The organisation harvested records belong to (providers of JSON offers may differ).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="harvest_sources",
                to="partners.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="harvestsource",
            name="records_as_of",
            field=models.DateField(
                blank=True,
                help_text="The “as_of” date of the last file imported: the date its records are judged at (eligibility of offers by their dates).",
                null=True,
                verbose_name="records judged at",
            ),
        ),
    ]
