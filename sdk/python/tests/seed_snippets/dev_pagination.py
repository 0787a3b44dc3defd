# developer-integration-guide.txt, Best Practices 1. Use Pagination for Large Lists
all_agents = []
page = 1
page_size = 100
while True:
    response = client.list_agents(
        marketplace_type="public",
        page=page,
        page_size=page_size
    )
    all_agents.extend(response.items)
    if len(response.items) < page_size:
        break
    page += 1
