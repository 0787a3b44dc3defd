# integration-guide.txt, Integration Testing
import pytest
from atom_marketplace import MarketplaceClient
@pytest.fixture
def client():
    return MarketplaceClient(
        base_url="https://atom-saas.fly.dev/api/test",
        tenant_id="test-tenant-id",
        api_token="test-api-token"
    )
def test_list_agents_integration(client):
    """Test against test environment"""
    agents = client.list_agents(marketplace_type="public")
    assert len(agents.items) > 0
    assert agents.items[0]["id"] is not None
def test_install_agent_integration(client):
    """Test installation workflow"""
    result = client.install_agent(
        agent_id="test-agent",
        target_tenant_id="test-tenant-id"
    )
    assert result["status"] == "installed"
    assert "installation_id" in result
