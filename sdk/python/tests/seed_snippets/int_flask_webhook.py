# integration-guide.txt, Pattern 3: Webhook Integration
# Webhook handler
from flask import Flask, request, jsonify
app = Flask(__name__)
@app.route('/webhooks/atom', methods=['POST'])
def handle_webhook():
    payload = request.get_data()
    signature = request.headers.get('X-Webhook-Signature')
    if not verify_webhook(payload, signature, WEBHOOK_SECRET):
        return jsonify({'error': 'Invalid signature'}), 401
    event = request.json
    handle_event(event)
    return jsonify({'status': 'processed'}), 200
