# agent-api.txt, SDK Examples, Python
from atom import AtomClient
client = AtomClient(api_key="your_api_key")
# List agents
agents = client.agents.list(maturity_level="student")
# Create agent
agent = client.agents.create(
    name="Research Assistant",
    role="general-assistant",
    maturity_level="student"
)
# Execute task
result = client.agents.execute(
    agent.id,
    task="Search for AI papers"
)
