"""The demo ministry: a deterministic, realistic data set for `make demo` and tests.

``seed_demo`` writes the ministry, its HQ units and specialised systems, the national
exchange center and cluster-14 peers, ~200 institutions across all provinces and types,
one portal account per role and a few API keys — all through the domain services.
"""

from __future__ import annotations

from dargah.demo.people import DEMO_PASSWORD
from dargah.demo.seed import DemoCredentials, DemoKey, DemoPerson, seed_demo

__all__ = ["DEMO_PASSWORD", "DemoCredentials", "DemoKey", "DemoPerson", "seed_demo"]
