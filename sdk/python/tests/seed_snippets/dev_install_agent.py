# developer-integration-guide.txt, Installing Agents
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(...)
# Install agent
result = client.install_agent(
    agent_id="sales_automation_agent",
    source_tenant_id="publisher-tenant-id",
    target_tenant_id="your-tenant-id",
    install_config={
        "api_keys": {
            "salesforce": "your-salesforce-key"
        },
        "settings": {
            "auto_approve": False,
            "max_daily_tasks": 100
        }
    }
)
