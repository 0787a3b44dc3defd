# marketplace-api.txt, Response Inspection and Error Tracking (indentation restored)
def inspect_response(response):
    """Print detailed response information."""
    print(f"Status: {response.status_code}")
    print(f"Headers: {dict(response.headers)}")
    print(f"Body: {response.text}")
    # Check rate limits
    if "X-RateLimit-Remaining" in response.headers:
        remaining = response.headers["X-RateLimit-Remaining"]
        limit = response.headers["X-RateLimit-Limit"]
        print(f"Rate Limit: {remaining}/{limit} remaining")
    # Check for errors
    try:
        data = response.json()
        if "error" in data:
            print(f"Error Code: {data.get('code')}")
            print(f"Error Message: {data.get('message')}")
            if "details" in data:
                print(f"Details: {data['details']}")
    except:
        pass
# Use it
response = requests.get(url, headers=headers)
inspect_response(response)
from collections import defaultdict
class ErrorTracker:
    def __init__(self):
        self.errors = defaultdict(int)
    def log_error(self, response):
        if response.status_code >= 400:
            try:
                data = response.json()
                error_code = data.get("code", "UNKNOWN")
                self.errors[error_code] += 1
            except:
                self.errors["UNKNOWN"] += 1
    def get_summary(self):
        return dict(self.errors)
# Use it
tracker = ErrorTracker()
for i in range(100):
    response = requests.get(url, headers=headers)
    tracker.log_error(response)
print("Error Summary:")
print(tracker.get_summary())
