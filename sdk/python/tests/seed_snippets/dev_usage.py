# developer-integration-guide.txt, Best Practices 4. Monitor Usage
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(...)
# Check usage stats
usage = client.get_usage_stats()
print(f"API calls remaining: {usage['rate_limit_remaining']}")
print(f"Storage used: {usage['storage_used']}/{usage['storage_limit']}")
