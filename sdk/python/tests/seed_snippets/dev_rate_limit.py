# developer-integration-guide.txt, Handling Rate Limits
import time
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(...)
max_retries = 3
for attempt in range(max_retries):
    try:
        result = client.list_agents()
        break
    except RateLimitError as e:
        if attempt < max_retries - 1:
            retry_after = e.retry_after or 60
            print(f"Rate limited. Retrying after {retry_after}s")
            time.sleep(retry_after)
        else:
            raise
