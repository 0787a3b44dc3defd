"""The marketplace API seed imports ``from atom_saas import MarketplaceClient``: the same client."""
from atom_marketplace import AsyncMarketplaceClient, MarketplaceClient

__all__ = ["MarketplaceClient", "AsyncMarketplaceClient"]
