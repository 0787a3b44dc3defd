# integration-guide.txt, End-to-End Testing
def test_publish_to_install_workflow():
    """Test complete publish → install workflow"""
    # Step 1: Publish to private marketplace (no approval needed)
    result = client.publish_agent(
        agent_id="test-agent",
        marketplace_type="private",
        name="Test Agent",
        description="Test agent for E2E",
        capabilities=["test"],
        maturity_level="student",
        pricing_tier="free",
        tags=["test"]
    )
    assert result["status"] == "published"
    # Step 2: List agents
    agents = client.list_agents(marketplace_type="private")
    test_agent = next(a for a in agents.items if a["id"] == "test-agent")
    assert test_agent is not None
    # Step 3: Install agent
    result = client.install_agent(
        agent_id="test-agent",
        target_tenant_id="test-tenant-id"
    )
    assert result["status"] == "installed"
    # Step 4: Verify installation
    installations = client.list_installations()
    test_installation = next(i for i in installations if i["agent_id"] == "test-agent")
    assert test_installation is not None
