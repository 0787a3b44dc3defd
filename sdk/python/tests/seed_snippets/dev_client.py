# developer-integration-guide.txt, Client Libraries, Python Client
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(
    base_url="https://atom-saas.fly.dev/api",
    tenant_id="your-tenant-id",
    api_token="your-api-token"
)
# List agents
agents = client.list_agents(
    marketplace_type="public",
    capability="sales",
    min_rating=4.0
)
# Install agent
client.install_agent(
    agent_id="agent-123",
    target_tenant_id="your-tenant-id"
)
