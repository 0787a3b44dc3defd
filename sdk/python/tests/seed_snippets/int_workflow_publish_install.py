# integration-guide.txt, Workflow 1: Publish and Install Agent
# Step 1: Publish agent
result = marketplace.publish_agent(
    agent_id="my_sales_agent",
    marketplace_type="public",
    name="My Sales Agent",
    description="Automated sales outreach",
    capabilities=["sales"],
    maturity_level="supervised",
    pricing_tier="team",
    tags=["sales"]
)
print(f"Published: {result['component_id']}")
print(f"Status: {result['status']}") # pending_approval
# Step 2: Wait for approval (poll status)
while True:
    status = marketplace.get_publication_status(result['component_id'])
    if status['status'] == 'published':
        break
    time.sleep(60)
# Step 3: Another tenant installs agent
result = marketplace.install_agent(
    agent_id="my_sales_agent",
    source_tenant_id="publisher-tenant-id",
    target_tenant_id="your-tenant-id",
    install_config={
        "api_keys": {"salesforce": "your-key"},
        "settings": {"auto_approve": False}
    }
)
print(f"Installed: {result['installation_id']}")
