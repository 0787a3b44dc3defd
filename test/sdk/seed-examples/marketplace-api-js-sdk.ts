// marketplace-api.txt, "SDK Examples — JavaScript SDK". Only the import line is changed.
import { MarketplaceClient } from '@atom-platform/sdk';

// Initialize client
const client = new MarketplaceClient({ apiKey: 'sk-your-key' });

// Browse skills
const skills = await client.skills.browse({
  category: 'productivity',
  limit: 10
});

// Install skill
const result = await client.skills.install({
  skillId: 'skill-uuid-123',
  agentId: 'agent-uuid-456'
});

// Rate skill
await client.skills.rate({
  skillId: 'skill-uuid-123',
  rating: 5,
  review: 'Excellent!'
});
