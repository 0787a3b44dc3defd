# developer-integration-guide.txt, Error Handling Examples, Python
from atom_marketplace import MarketplaceClient
from atom_marketplace.errors import (
    RateLimitError,
    ComponentNotFoundError,
    InsufficientPermissionsError
)
client = MarketplaceClient(...)
try:
    result = client.install_agent(...)
except RateLimitError as e:
    print(f"Rate limited. Retry after {e.retry_after}s")
except ComponentNotFoundError as e:
    print(f"Component not found: {e.component_id}")
except InsufficientPermissionsError as e:
    print(f"Insufficient permissions: {e.required_permission}")
except MarketplaceError as e:
    print(f"Marketplace error: {e.code} - {e.message}")
