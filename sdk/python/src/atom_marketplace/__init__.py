"""The ATOM marketplaces from Python: ``MarketplaceClient``, ``AsyncMarketplaceClient``, typed errors
(``atom_marketplace.errors``) and ``verify_webhook``."""
from atom._records import Page, Record
from atom.webhooks import construct_event, verify_signature, verify_standard_webhook, verify_webhook

from ._async import AsyncMarketplaceClient
from .client import MarketplaceClient, SkillsResource
from .errors import (ComponentNotFoundError, InsufficientPermissionsError, MarketplaceError, RateLimitError)

__all__ = [
    "MarketplaceClient", "AsyncMarketplaceClient", "SkillsResource", "Page", "Record", "MarketplaceError", "RateLimitError",
    "ComponentNotFoundError", "InsufficientPermissionsError", "verify_webhook", "verify_signature",
    "verify_standard_webhook", "construct_event",
]
