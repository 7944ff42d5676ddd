"""Reference data named in the three interface languages."""

from django.db import models
from django.utils.translation import get_language


class TranslatedName(models.Model):
    name_kk = models.CharField("name (Kazakh)", max_length=200)
    name_ru = models.CharField("name (Russian)", max_length=200)
    name_en = models.CharField("name (English)", max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "ru")[:2]
        return getattr(self, f"name_{language}", "") or self.name_ru
