# developer-integration-guide.txt, Best Practices 3. Use Bulk Operations
# Instead of multiple individual calls
for skill_id in skill_ids:
    client.install_skill(skill_id, ...)
# Use bulk operation
client.bulk_install_skills(skill_ids, ...)
