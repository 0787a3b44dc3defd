# integration-guide.txt, Security Best Practices, Credential Management
# Use environment variables (never hardcode)
import os
api_token = os.getenv("ATOM_API_TOKEN")
if not api_token:
    raise ValueError("ATOM_API_TOKEN not set")
