import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from the copy before it: PostgreSQL cannot alter a table with the copy's constraint checks pending.

    dependencies = [
        ("quotes", "0008_patient_conversation_and_compared_quotes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patientmessage",
            name="quote_request",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="messages", to="quotes.quoterequest"),
        ),
    ]
