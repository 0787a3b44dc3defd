# developer-integration-guide.txt, Publishing Skills
result = client.publish_skill(
    skill_id="salesforce_integration",
    marketplace_type="public",
    name="Salesforce Integration",
    description="Bi-directional Salesforce sync",
    category="integration",
    capabilities=["crm", "salesforce"],
    tags=["crm", "sales", "integration"],
    version="1.0.0"
)
