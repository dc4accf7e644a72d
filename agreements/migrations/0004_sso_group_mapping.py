# Single sign-on: which groups of the provider grant which role and committees.

import agreements.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0003_normalize_stored_texts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SsoGroupMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('group', agreements.text.CharField(help_text='Gruppens navn eller id, som log ind-tjenesten sender det (gruppe-claimet).', max_length=255, unique=True, verbose_name='gruppe')),
                ('role', models.CharField(blank=True, choices=[('finance', 'Økonomi og Styring'), ('secretary', 'Udvalgssekretær')], max_length=20, verbose_name='rolle')),
                ('is_administrator', models.BooleanField(default=False, help_text='Fuld adgang til alt, også administrationen (superbruger).', verbose_name='administrator')),
                ('committees', models.ManyToManyField(blank=True, help_text='Udvalgene, rollen gælder for. Økonomimedarbejdere uden udvalg arbejder for alle udvalg.', related_name='sso_groups', to='agreements.committee', verbose_name='udvalg')),
            ],
            options={
                'verbose_name': 'SSO-gruppe',
                'verbose_name_plural': 'SSO-grupper',
                'ordering': ['group'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role', ''), _negated=True), ('is_administrator', True), _connector='OR'), name='sso_group_grants_something')],
            },
        ),
    ]
