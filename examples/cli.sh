# A development token and the client_auth section that accepts it (the section holds the secret):
npx powersync-jwt dev-token --sub user-1 --aud http://localhost:8080 --yaml > token.txt 2> client_auth.yaml
npx powersync-jwt verify - --config client_auth.yaml < token.txt   # ✓/✗ per check, the claims, the user id
npx powersync-jwt verify "$(cat token.txt)" --config client_auth.yaml --json
npx powersync-jwt decode "$(cat token.txt)"                         # labelled UNVERIFIED
npx powersync-jwt keygen --alg ES256 --out private.jwk.json         # prints the public JWK and JWKS
