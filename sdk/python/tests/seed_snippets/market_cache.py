# marketplace-api.txt, Rate Limiting Issues, Cache Responses (indentation restored)
from functools import lru_cache
import time
@lru_cache(maxsize=100)
def get_marketplace_skills(cache_buster=None):
    """Cache marketplace skills for 5 minutes"""
    response = requests.get(
        "https://atom-saas.fly.dev/api/skills/marketplace",
        headers={"X-API-Key": "sk-your-key"}
    )
    return response.json()
# Use cache buster to invalidate
cache_key = int(time.time() // 300) # New key every 5 minutes
skills = get_marketplace_skills(cache_buster=cache_key)
