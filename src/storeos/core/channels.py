"""Sales channels: where an order comes from and which locations and SKUs may serve it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    POS = "pos", _("In store (POS)")
    ONLINE_MALL = "online_mall", _("Online mall")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    DELIVERY = "delivery", _("Delivery platform")


ONLINE_CHANNELS = frozenset({Channel.ONLINE_MALL, Channel.MINI_PROGRAM, Channel.DELIVERY})
