"""The pure-Python Ed25519 verifier against RFC 8032's test vectors (section 7.1) and against
bundles a real ATOM server signs."""
import copy
import time
import unittest

from atom import _ed25519
from atom.errors import BundleVerificationError
from atom_federation import FederationClient, verify_agent_bundle

from ._server import server

# (public key, message, signature) of RFC 8032 section 7.1: TEST 1, TEST 2, TEST 3, TEST SHA(abc).
RFC8032 = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]


class Rfc8032Vectors(unittest.TestCase):
    def test_valid_signatures_verify(self) -> None:
        for pk, msg, sig in RFC8032:
            with self.subTest(pk=pk[:8]):
                self.assertTrue(_ed25519.verify(bytes.fromhex(pk), bytes.fromhex(msg), bytes.fromhex(sig)))

    def test_any_change_fails(self) -> None:
        for pk, msg, sig in RFC8032:
            pk_b, msg_b, sig_b = bytes.fromhex(pk), bytes.fromhex(msg), bytes.fromhex(sig)
            flipped = bytes([sig_b[0] ^ 1]) + sig_b[1:]
            self.assertFalse(_ed25519.verify(pk_b, msg_b, flipped))
            self.assertFalse(_ed25519.verify(pk_b, msg_b + b"x", sig_b))
            other = bytes.fromhex(RFC8032[(RFC8032.index((pk, msg, sig)) + 1) % 4][0])
            self.assertFalse(_ed25519.verify(other, msg_b, sig_b))

    def test_malformed_inputs_are_refused_not_raised(self) -> None:
        pk, msg, sig = (bytes.fromhex(x) for x in RFC8032[0])
        self.assertFalse(_ed25519.verify(pk[:31], msg, sig))
        self.assertFalse(_ed25519.verify(pk, msg, sig[:63]))
        # s >= L (the group order) is refused (RFC 8032 5.1.7, malleability).
        s = int.from_bytes(sig[32:], "little") + _ed25519.L
        self.assertFalse(_ed25519.verify(pk, msg, sig[:32] + s.to_bytes(32, "little")))
        self.assertFalse(_ed25519.verify(b"\xff" * 32, msg, sig))

    def test_fast_enough(self) -> None:
        pk, msg, sig = (bytes.fromhex(x) for x in RFC8032[1])
        started = time.perf_counter()
        for _ in range(5):
            _ed25519.verify(pk, msg, sig)
        self.assertLess((time.perf_counter() - started) / 5, 0.25)


class ServerSignedBundles(unittest.TestCase):
    """A bundle served by a real instance verifies with the key it publishes; a changed one does not."""

    @classmethod
    def setUpClass(cls) -> None:
        s = server()
        peer = s.ok("POST", "/api/federation/peers", {"name": "Py peer", "base_url": "https://py-peer.example"}, admin=True)["data"]["peer"]
        cls.fed_key = s.ok("POST", "/api/federation/keys", {"peer_id": peer["id"]}, admin=True)["data"]["key"]
        pub = s.tenant("team")
        agent = s.agent(pub["key"], name="Bundled")
        r = s.ok("POST", "/api/agent-marketplace/publish", {"agent_id": agent, "marketplace_type": "public", "name": "Bundled Ünïcode ☃",
                                                             "description": "Signed in TS, verified in Python", "capabilities": ["sales"]}, key=pub["key"])
        s.approve_agent(r["component_id"])
        cls.template_id = r["component_id"]
        cls.client = FederationClient(base_url=f"{s.url}/api/federation", federation_key=cls.fed_key, source_instance="https://py-peer.example")

    def test_download_verifies_with_the_published_key(self) -> None:
        bundle = self.client.download_agent_bundle(self.template_id)
        self.assertEqual((bundle["format"], bundle["kind"]), ("atom.bundle", "agent_template"))
        self.assertEqual(bundle["agent_template"]["name"], "Bundled Ünïcode ☃")
        self.assertEqual(self.client.public_keys()[0]["key_id"], bundle["signature"]["key_id"])

    def test_a_changed_bundle_or_a_wrong_key_is_refused(self) -> None:
        bundle = self.client.download_agent_bundle(self.template_id)
        keys = self.client.public_keys()
        evil = copy.deepcopy(bundle)
        evil["agent_template"]["name"] = "Evil"
        with self.assertRaises(BundleVerificationError):
            verify_agent_bundle(evil, keys)
        # Content and digest changed together: only the signature can tell.
        from atom_federation import canonical_json
        import hashlib
        evil["digest"]["value"] = hashlib.sha256(canonical_json({k: v for k, v in evil.items() if k not in ("digest", "signature")}).encode()).hexdigest()
        with self.assertRaises(BundleVerificationError) as caught:
            verify_agent_bundle(evil, keys)
        self.assertIn("signature", caught.exception.message)
        with self.assertRaises(BundleVerificationError):
            verify_agent_bundle(bundle, [{"key_id": keys[0]["key_id"], "public_key": RFC8032[0][0]}])
