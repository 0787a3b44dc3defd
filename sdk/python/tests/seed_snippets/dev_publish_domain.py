# developer-integration-guide.txt, Publishing Domains
result = client.publish_domain(
    domain_id="sales_knowledge",
    marketplace_type="public",
    name="Sales Knowledge Base",
    description="Comprehensive sales methodology and best practices",
    category="sales",
    topics=["methodology", "best_practices", "metrics"],
    tags=["sales", "knowledge", "training"]
)
