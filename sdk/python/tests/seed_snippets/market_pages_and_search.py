# marketplace-api.txt, Mistake 4: Not Handling Pagination and Mistake 5: Hardcoding IDs, Correct (indentation restored)
# Gets all pages
all_skills = []
offset = 0
limit = 50
while True:
    response = requests.get(f"{url}?limit={limit}&offset={offset}")
    data = response.json()
    all_skills.extend(data["skills"])
    if not data["has_more"]:
        break
    offset += limit
# Search for skill by name
response = requests.get(f"{url}?query=data%20analysis")
skills = response.json()["skills"]
if skills:
    skill_id = skills[0]["id"] # Use actual ID
