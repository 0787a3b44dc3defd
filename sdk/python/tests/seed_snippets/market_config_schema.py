# marketplace-api.txt, Validation Errors, Match Configuration to Schema and Use Schema Builder (indentation restored)
# Build config matching schema
config = {
    "api_key": "sk-123", # Required
    "timeout": 60 # Optional, with default
}
# Validate config before sending
from jsonschema import validate
validate(instance=config, schema=skill["config_schema"])
# Auto-generate config form from schema
def build_config_form(schema):
    form = {}
    for field_name, field_def in schema["properties"].items():
        required = field_name in schema.get("required", [])
        form[field_name] = {
            "type": field_def["type"],
            "required": required,
            "default": field_def.get("default")
        }
    return form
form = build_config_form(skill["config_schema"])
