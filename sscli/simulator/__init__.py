"""A local CloudStack-compatible API server for end-to-end tests and demos.

from sscli.simulator import Simulator, serve
sim = Simulator(vms=300).start()   # sim.url, sim.apikey, sim.secretkey
"""

from .server import RequestRecord, Simulator, serve

__all__ = ["RequestRecord", "Simulator", "serve"]
