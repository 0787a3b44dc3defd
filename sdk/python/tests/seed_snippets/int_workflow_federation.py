# integration-guide.txt, Workflow 2: Multi-Instance Federation
# Instance A: Publish agent
marketplace_a = MarketplaceClient(tenant_id="tenant-a", ...)
marketplace_a.publish_agent(agent_id="shared_agent", ...)
# Instance B: Discover agents from Instance A
federation_b = FederationClient(...)
agents = federation_b.discover_agents()
# Instance B: Download and install agent
for agent in agents:
    if agent['agent_id'] == 'shared_agent':
        bundle = federation_b.download_agent_bundle(agent['agent_id'])
        # Install from bundle
        marketplace_b.install_from_bundle(
            bundle=bundle,
            source_instance=agent['source_instance']
        )
