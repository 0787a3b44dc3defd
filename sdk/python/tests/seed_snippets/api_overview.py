# api-overview.txt, SDKs, Python
from atom import AtomClient
client = AtomClient(api_key="your_api_key")
agents = client.agents.list()
agent = client.agents.create(
    name="My Agent",
    role="general-assistant"
)
