# integration-guide.txt, OAuth Configuration in ATOM
# Store OAuth tokens securely
marketplace.set_integration_config(
    integration_id="airtable",
    config={
        "access_token": access_token,
        "refresh_token": refresh_token,
        "token_expires_at": expiration_time,
        "base_id": "appXXXXXXXXXXXXXX",
        "scopes": ["data.records:read", "data.records:write"]
    }
)
# Retrieve OAuth configuration
config = marketplace.get_integration_config(integration_id="airtable")
# Refresh token if expired
if config['token_expires_at'] < datetime.now():
    new_tokens = refresh_airtable_token(config['refresh_token'])
    marketplace.set_integration_config(
        integration_id="airtable",
        config={
            **config,
            "access_token": new_tokens['access_token'],
            "refresh_token": new_tokens['refresh_token'],
            "token_expires_at": calculate_expiration(new_tokens['expires_in'])
        }
    )
