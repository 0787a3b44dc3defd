"""Every route the SDK calls is in the live server's OpenAPI document; every client method calls one."""
import inspect
import re
import unittest

from atom._routes import ROUTES

from ._server import server

CLIENT_MODULES = ("atom.client", "atom_marketplace.client", "atom_federation")


class RoutesExist(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.doc = server().ok("GET", "/api/openapi.json")

    def test_every_sdk_route_is_served(self) -> None:
        missing = [f"{name}: {m} {p}" for name, (m, p) in ROUTES.items() if m.lower() not in self.doc["paths"].get(p, {})]
        self.assertEqual(missing, [])
        self.assertGreaterEqual(len(ROUTES), 40)

    def test_the_check_catches_a_route_the_server_lacks(self) -> None:
        self.assertNotIn("patch", self.doc["paths"]["/api/agents/{id}"])
        self.assertNotIn("/api/agents/{id}/nothing", self.doc["paths"])

    def test_every_route_name_the_clients_use_is_in_the_table(self) -> None:
        import importlib
        used: set[str] = set()
        for mod in CLIENT_MODULES:
            source = inspect.getsource(importlib.import_module(mod))
            used |= set(re.findall(r'(?:call|_call|_page)\(\s*"([A-Za-z]+)"', source))
        self.assertEqual(sorted(used - set(ROUTES)), [])
        self.assertEqual(sorted(set(ROUTES) - used), [], "a route in the table no client calls")
