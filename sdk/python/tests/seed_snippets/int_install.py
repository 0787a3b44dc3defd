# integration-guide.txt, Python Integration, Installing Components
# Install an agent
result = marketplace.install_agent(
    agent_id="sales_automation_agent",
    source_tenant_id="publisher-tenant-id",
    target_tenant_id="your-tenant-id",
    install_config={
        "api_keys": {
            "salesforce": os.getenv("SALESFORCE_API_KEY")
        },
        "settings": {
            "auto_approve": False,
            "max_daily_tasks": 100
        }
    }
)
print(f"Installed: {result['installation_id']}")
