"""Settings for the whole suite.

Property tests run beside many server processes under pytest-xdist on small machines:
generation speed and per-example deadlines measure the machine, not the code, so those
health checks are off. Example counts stay as each test sets them.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("kapiserver", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("kapiserver")
