# developer-integration-guide.txt, Publishing Agents
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(...)
# Publish to public marketplace
result = client.publish_agent(
    agent_id="atom_main",
    marketplace_type="public",
    name="Sales Automation Agent",
    description="Automated sales outreach and CRM management",
    capabilities=["sales", "crm", "outreach"],
    maturity_level="supervised",
    pricing_tier="team",
    tags=["sales", "automation", "crm"],
    documentation_url="https://docs.example.com/sales-agent"
)
