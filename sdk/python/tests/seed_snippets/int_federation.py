# integration-guide.txt, Pattern 4: Federation Integration
# Federation client
from atom_federation import FederationClient
client = FederationClient(
    base_url="https://atom-saas.fly.dev/api/federation",
    federation_key="your-federation-key",
    source_instance="https://your-instance.fly.dev"
)
# Discover agents from other instances
agents = client.discover_agents()
# Download agent bundle
bundle = client.download_agent_bundle(agent_id="agent-123")
