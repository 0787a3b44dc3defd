# integration-guide.txt, Python Integration, Async Integration
import asyncio
from atom_marketplace import AsyncMarketplaceClient
async def main():
    client = AsyncMarketplaceClient(...)
    # Concurrent requests
    agents, skills, canvases = await asyncio.gather(
        client.list_agents(),
        client.list_skills(),
        client.list_canvases()
    )
    print(f"Found {len(agents)} agents, {len(skills)} skills, {len(canvases)} canvases")
asyncio.run(main())
