"""Linkage time limits, read from settings at call time (so ``override_settings`` works).

TIAOJIE_COURT_REFERRAL_DAYS     court pre-litigation mediation limit (30)
TIAOJIE_POLICE_FEEDBACK_HOURS   feedback to the police (24)
TIAOJIE_POLICE_COMPLEX_DAYS     feedback on complex police referrals (5)
TIAOJIE_TRANSFER_ACCEPT_DAYS    a transfer's receiver accepts or returns it within (3)
TIAOJIE_JC_WINDOW_DAYS          judicial confirmation: joint application within (30) days of effect
TIAOJIE_JC_WARN_DAYS            warn this many days before the window closes (5)
TIAOJIE_JC_EXCLUDED_TYPES       dispute-type codes whose agreements cannot be confirmed (婚姻、收养、身份关系)
"""
from django.conf import settings

DEFAULTS = {
    "TIAOJIE_COURT_REFERRAL_DAYS": 30,
    "TIAOJIE_POLICE_FEEDBACK_HOURS": 24,
    "TIAOJIE_POLICE_COMPLEX_DAYS": 5,
    "TIAOJIE_TRANSFER_ACCEPT_DAYS": 3,
    "TIAOJIE_JC_WINDOW_DAYS": 30,
    "TIAOJIE_JC_WARN_DAYS": 5,
    "TIAOJIE_JC_EXCLUDED_TYPES": ("01", "0101", "0102", "0103", "0104"),
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
