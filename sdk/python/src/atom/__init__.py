"""ATOM Python SDK: the agent API (``AtomClient``), webhook verification and typed errors.

The marketplaces are in ``atom_marketplace``, federation in ``atom_federation``.
"""
from ._records import Page, Record
from ._transport import Transport, __version__
from .client import AgentsResource, AtomClient, ExecutionsResource
from .errors import (AtomError, AuthenticationError, BundleVerificationError, ComponentNotFoundError, ConflictError,
                     InsufficientPermissionsError, MarketplaceError, NetworkError, RateLimitError, RequestTimeoutError,
                     ServerError, ValidationError)
from .webhooks import construct_event, verify_signature, verify_standard_webhook, verify_webhook

__all__ = [
    "AtomClient", "AgentsResource", "ExecutionsResource", "Page", "Record", "Transport", "__version__",
    "AtomError", "MarketplaceError", "RateLimitError", "ComponentNotFoundError", "InsufficientPermissionsError",
    "AuthenticationError", "ValidationError", "ConflictError", "ServerError", "NetworkError", "RequestTimeoutError",
    "BundleVerificationError", "verify_webhook", "verify_signature", "verify_standard_webhook", "construct_event",
]
