import storeos.core.pii
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='phone',
            field=storeos.core.pii.EncryptedTextField(blank=True, verbose_name='phone'),
        ),
        migrations.AddField(
            model_name='user',
            name='phone_index',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
    ]
