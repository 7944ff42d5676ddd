"""The catalogue of special social services (the eight types of the Social Code)."""

from django.db import models

from qamqor.translated import TranslatedName


class ServiceType(TranslatedName):
    code = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
