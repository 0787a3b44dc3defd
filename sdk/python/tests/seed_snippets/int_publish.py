# integration-guide.txt, Python Integration, Publishing Components
# Publish an agent
result = marketplace.publish_agent(
    agent_id="my_sales_agent",
    marketplace_type="public",
    name="My Sales Agent",
    description="Automated sales outreach and follow-up",
    capabilities=["sales", "crm", "outreach"],
    maturity_level="supervised",
    pricing_tier="team",
    tags=["sales", "automation"],
    documentation_url="https://docs.example.com"
)
print(f"Published: {result['component_id']}")
print(f"Status: {result['status']}") # pending_approval, published
