# marketplace-api.txt, Rate Limiting Issues, Implement Exponential Backoff (indentation restored)
import time
import random
def make_request_with_backoff(url, headers, max_retries=3):
    for attempt in range(max_retries):
        response = requests.get(url, headers=headers)
        if response.status_code != 429:
            return response
        # Exponential backoff: 2^attempt + random jitter
        wait_time = (2 ** attempt) + random.uniform(0, 1)
        retry_after = int(response.headers.get("Retry-After", wait_time))
        print(f"Rate limited. Waiting {retry_after} seconds...")
        time.sleep(retry_after)
    return response # Last attempt
