# integration-guide.txt, Pattern 1: Direct API Integration
# Direct API calls with authentication
import requests
session = requests.Session()
session.headers.update({
    "X-Tenant-ID": "your-tenant-id",
    "Authorization": "Bearer your-api-token"
})
response = session.get("https://atom-saas.fly.dev/api/agents")
agents = response.json()
