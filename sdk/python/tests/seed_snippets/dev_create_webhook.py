# developer-integration-guide.txt, Setting Up Webhooks
from atom_marketplace import MarketplaceClient
client = MarketplaceClient(...)
# Create webhook
webhook = client.create_webhook(
    url="https://your-app.com/webhooks/marketplace",
    events=["component.installed", "component.updated", "component.rated"],
    secret="your-webhook-secret"
)
