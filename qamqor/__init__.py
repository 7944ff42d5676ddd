"""Qamqor: case management and referral for survivors of trafficking and domestic violence."""

__version__ = "0.1.0"
