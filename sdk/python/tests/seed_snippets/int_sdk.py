# integration-guide.txt, Pattern 2: SDK Integration
# Using ATOM SDK
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(
    base_url="https://atom-saas.fly.dev/api",
    tenant_id="your-tenant-id",
    api_token="your-api-token"
)
agents = client.list_agents()
