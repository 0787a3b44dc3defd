# developer-integration-guide.txt, Best Practices 2. Cache Component Metadata
import functools
import time
@functools.lru_cache(maxsize=1000)
def get_agent_details(agent_id: str, cache_age: int = 3600):
    """Cache agent details for 1 hour"""
    return client.get_agent(agent_id)
