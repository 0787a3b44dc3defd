# integration-guide.txt, Python Integration, Listing Agents
# List all public agents
agents = marketplace.list_agents(
    marketplace_type="public",
    capability="sales",
    min_rating=4.0,
    page=1,
    page_size=50
)
for agent in agents.items:
    print(f"{agent['name']} - Rating: {agent['avg_rating']}")
