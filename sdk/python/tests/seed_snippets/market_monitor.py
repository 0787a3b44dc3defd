# marketplace-api.txt, Rate Limiting Issues, Monitor Rate Limit Headers (indentation restored)
response = requests.get(url, headers=headers)
# Check rate limit status
remaining = int(response.headers.get("X-RateLimit-Remaining", 0))
limit = int(response.headers.get("X-RateLimit-Limit", 60))
if remaining < 10:
    print(f"Warning: Only {remaining} requests remaining (limit: {limit})")
    # Slow down requests
