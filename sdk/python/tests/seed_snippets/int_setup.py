# integration-guide.txt, Python Integration, Basic Setup
import os
from atom_marketplace import MarketplaceClient
from atom_federation import FederationClient
# Initialize clients
marketplace = MarketplaceClient(
    base_url=os.getenv("ATOM_BASE_URL", "https://atom-saas.fly.dev/api"),
    tenant_id=os.getenv("ATOM_TENANT_ID"),
    api_token=os.getenv("ATOM_API_TOKEN")
)
federation = FederationClient(
    base_url=os.getenv("ATOM_FEDERATION_URL", "https://atom-saas.fly.dev/api/federation"),
    federation_key=os.getenv("ATOM_FEDERATION_KEY"),
    source_instance=os.getenv("ATOM_INSTANCE_URL")
)
