# integration-guide.txt, Workflow 3: Event-Driven Integration
from flask import Flask, request, jsonify
from atom_marketplace import MarketplaceClient
app = Flask(__name__)
client = MarketplaceClient(...)
@app.route('/webhooks/atom', methods=['POST'])
def handle_webhook():
    # Verify signature
    payload = request.get_data()
    signature = request.headers.get('X-Webhook-Signature')
    if not verify_webhook(payload, signature, WEBHOOK_SECRET):
        return jsonify({'error': 'Invalid signature'}), 401
    # Handle event
    event = request.json
    if event['type'] == 'component.installed':
        # Trigger custom workflow
        on_component_installed(event)
    return jsonify({'status': 'processed'}), 200
def on_component_installed(event):
    # Custom business logic
    agent_id = event['component_id']
    tenant_id = event['tenant_id']
    # Send notification
    send_notification(f"Agent {agent_id} installed by {tenant_id}")
    # Update internal systems
    update_inventory(agent_id, tenant_id)
if __name__ == '__main__':
    app.run(port=8080)
