# developer-integration-guide.txt, Installing Skills
result = client.install_skill(
    skill_id="salesforce_integration",
    source_tenant_id="publisher-tenant-id",
    target_tenant_id="your-tenant-id"
)
