# integration-guide.txt, Python Integration, Error Handling
from atom_marketplace.errors import (
    RateLimitError,
    ComponentNotFoundError,
    InsufficientPermissionsError,
    MarketplaceError
)
try:
    result = marketplace.install_agent(...)
except RateLimitError as e:
    print(f"Rate limited. Retry after {e.retry_after}s")
    time.sleep(e.retry_after)
except ComponentNotFoundError as e:
    print(f"Agent not found: {e.component_id}")
except InsufficientPermissionsError as e:
    print(f"Permission denied: {e.required_permission}")
except MarketplaceError as e:
    print(f"Marketplace error: {e.code} - {e.message}")
    # Log error for debugging
    logger.error(f"Marketplace error: {e.details}")
