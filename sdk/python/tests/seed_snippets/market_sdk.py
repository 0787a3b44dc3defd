# marketplace-api.txt, SDK Examples, Python SDK
from atom_saas import MarketplaceClient
# Initialize client
client = MarketplaceClient(api_key="sk-your-key")
# Browse skills
skills = client.skills.browse(category="productivity", limit=10)
# Install skill
result = client.skills.install(
    skill_id="skill-uuid-123",
    agent_id="agent-uuid-456"
)
# Rate skill
client.skills.rate(
    skill_id="skill-uuid-123",
    rating=5,
    review="Excellent!"
)
