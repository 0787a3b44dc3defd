# developer-integration-guide.txt, Publishing Canvases
result = client.publish_canvas(
    canvas_id="sales_outreach_template",
    marketplace_type="public",
    name="Sales Outreach Template",
    description="Complete sales outreach workflow canvas",
    category="sales",
    agent_roles=["sales_representative", "manager"],
    tags=["sales", "outreach", "template"]
)
