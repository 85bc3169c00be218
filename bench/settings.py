"""
The production settings plus one URL for the benchmark's ceiling (bench/urls.py).

Only bench/run.sh uses it (DJANGO_SETTINGS_MODULE=bench.settings); the site never serves /bench/ceiling/.
"""

from magazine.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
