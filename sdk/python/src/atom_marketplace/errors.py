"""The marketplace's typed errors (developer integration guide, Error Handling)."""
from atom.errors import (AtomError, AuthenticationError, BundleVerificationError, ComponentNotFoundError, ConflictError,
                         InsufficientPermissionsError, MarketplaceError, NetworkError, RateLimitError, RequestTimeoutError,
                         ServerError, ValidationError)

__all__ = [
    "MarketplaceError", "AtomError", "RateLimitError", "ComponentNotFoundError", "InsufficientPermissionsError",
    "AuthenticationError", "ValidationError", "ConflictError", "ServerError", "NetworkError", "RequestTimeoutError",
    "BundleVerificationError",
]
